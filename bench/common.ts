// Shared pieces of the benchmarks (pull, push, verify): options, a seeded loopback registry of
// multi-arch images, running ferry and its peers as child processes with wall time and ferry's peak
// RSS, the median of a few rounds, a result table, and cleanup of every temp dir, registry and child
// process — on success, on failure and on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TransferManifest } from '../electron/engine/bundle/transfer-manifest.ts';
import { buildDist } from '../scripts/build-dist.ts';
import { parseSize } from '../electron/engine/util/size.ts';
import {
  platformIndex,
  randomLayer,
  simpleImage,
  type BlobContent,
  type FixturePlatform,
} from '../test/harness/oci-builders.ts';
import { createRegistryClient } from '../test/harness/registry-client.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../test/harness/registry.ts';
import { SeedRecorder } from '../test/harness/seed-recorder.ts';

export { requireTool };

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FERRY_BIN = join(ROOT, 'bin', 'ferry.js');
/** GNU time; FERRY_BENCH_TIME_BIN=none forces the /proc polling fallback. */
const TIME_BIN = process.env.FERRY_BENCH_TIME_BIN ?? '/usr/bin/time';

/** Something is broken (a command failed, a digest differs): the benchmark exits non-zero. */
export class BenchFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchFailure';
  }
}

// ---------------------------------------------------------------------------------------------
// Options: argv wins over FERRY_BENCH_* environment variables, which win over each bench's defaults.

export interface BenchOptions {
  /** Top-level multi-arch images (each an index of linux/amd64 and linux/arm64/v8). */
  images: number;
  /** Bytes of every random layer, the shared base layer included. */
  layerSize: number;
  /** Own layers per platform image, on top of the shared base layer. */
  layersPerImage: number;
  /** Timed rounds per side; the median is reported. */
  runs: number;
  /** Peer processes (skopeo) run at once. */
  parallel: number;
}

const OPTION_ENV: Record<keyof BenchOptions, string> = {
  images: 'FERRY_BENCH_IMAGES',
  layerSize: 'FERRY_BENCH_LAYER_SIZE',
  layersPerImage: 'FERRY_BENCH_LAYERS',
  runs: 'FERRY_BENCH_RUNS',
  parallel: 'FERRY_BENCH_PARALLEL',
};

function positiveInteger(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new BenchFailure(`${what} '${text}' must be a whole number ≥ 1`);
  return n;
}

/** Reads --images, --layer-size, --layers, --runs, --parallel (or FERRY_BENCH_*); prints help on -h. */
export function benchOptions(usage: string, defaults: BenchOptions): BenchOptions {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      images: { type: 'string' },
      'layer-size': { type: 'string' },
      layers: { type: 'string' },
      runs: { type: 'string' },
      parallel: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      `${usage}\n\nOptions (or environment variables):\n` +
        `  --images N        multi-arch images to seed (${OPTION_ENV.images}; default ${defaults.images})\n` +
        `  --layer-size SIZE bytes per layer, e.g. 4MiB (${OPTION_ENV.layerSize}; default ${defaults.layerSize})\n` +
        `  --layers N        own layers per platform image (${OPTION_ENV.layersPerImage}; default ${defaults.layersPerImage})\n` +
        `  --runs N          timed rounds per side, median reported (${OPTION_ENV.runs}; default ${defaults.runs})\n` +
        `  --parallel N      peer processes at once (${OPTION_ENV.parallel}; default ${defaults.parallel})`,
    );
    process.exit(0);
  }
  const pick = (key: keyof BenchOptions, flag: string | undefined): string | undefined =>
    flag ?? process.env[OPTION_ENV[key]];
  const images = pick('images', values.images);
  const layerSize = pick('layerSize', values['layer-size']);
  const layers = pick('layersPerImage', values.layers);
  const runs = pick('runs', values.runs);
  const parallel = pick('parallel', values.parallel);
  return {
    images: images === undefined ? defaults.images : positiveInteger(images, '--images'),
    layerSize: layerSize === undefined ? defaults.layerSize : parseSize(layerSize, '--layer-size'),
    layersPerImage: layers === undefined ? defaults.layersPerImage : positiveInteger(layers, '--layers'),
    runs: runs === undefined ? defaults.runs : positiveInteger(runs, '--runs'),
    parallel: parallel === undefined ? defaults.parallel : positiveInteger(parallel, '--parallel'),
  };
}

// ---------------------------------------------------------------------------------------------
// Cleanup: temp dirs, registries and child processes are tracked so that nothing outlives a run.

const tempDirs = new Set<string>();
const registries = new Set<RunningRegistry>();
const children = new Set<ChildProcess>();
/** Where /usr/bin/time writes its figures: one folder for the whole run. */
let statsDir: string | undefined;
let statsCount = 0;

function cleanupNow(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
  statsDir = undefined;
}

process.on('exit', cleanupNow);
// Installed before any registry starts, so this runs before the harness's own signal handler, which
// then stops the registries and re-raises the signal; without registries we re-raise it here.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  const onSignal = (): void => {
    cleanupNow();
    process.removeListener(signal, onSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on(signal, onSignal);
}

/** A fresh temp dir, removed at the end of the run whatever happens. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ferry-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** A loopback docker-registry over plain HTTP, stopped at the end of the run whatever happens. */
export async function startBenchRegistry(): Promise<RunningRegistry> {
  const reg = await startRegistry('http');
  registries.add(reg);
  return reg;
}

export async function stopRegistry(reg: RunningRegistry): Promise<void> {
  registries.delete(reg);
  await reg.stop();
}

/**
 * Runs a benchmark's body, prints a failure as one line, always cleans up; exit code 0 when the
 * body finished, 1 when something is broken (BenchFailure or any other error).
 */
export function runBench(body: () => Promise<void>): void {
  const finish = async (): Promise<void> => {
    await Promise.allSettled([...registries].map((reg) => reg.stop()));
    registries.clear();
    cleanupNow();
  };
  body().then(
    async () => {
      console.log(`machine   ${loadNote()} at the end of the run`);
      await finish();
      process.exitCode = 0;
    },
    async (err: unknown) => {
      await finish();
      console.error(`BENCHMARK FAILED: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The seeded image set: N multi-arch OCI indexes (linux/amd64, linux/arm64/v8), every platform image
// starting with one shared random base layer, then `layersPerImage` random layers of its own.

export interface SeededImage {
  /** '<host>/<repository>:<tag>'. */
  ref: string;
  repository: string;
  tag: string;
  /** Digest of the index. */
  digest: string;
  /** Bytes of every distinct blob and manifest this image needs (what a per-image copy moves). */
  bytes: number;
  /** Its config and layer blobs, shared ones included. */
  blobs: Array<{ digest: string; size: number }>;
  /** Its manifests, children before the index (the order a push must follow). */
  manifests: Array<{ digest: string; mediaType: string }>;
}

export interface MultiArchSeed {
  images: SeededImage[];
  /** Bytes of every distinct blob and manifest across all images (what a deduplicating copy moves). */
  uniqueBytes: number;
}

const PLATFORMS: FixturePlatform[] = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
];
/** Random layer bytes held in memory at once while seeding. */
const SEED_BYTES_IN_FLIGHT = 64 << 20;

export async function seedMultiArch(reg: RunningRegistry, options: BenchOptions): Promise<MultiArchSeed> {
  const client = createRegistryClient(reg);
  const recorder = new SeedRecorder(client, reg.host);
  const unique = new Map<string, number>();
  const images: SeededImage[] = [];
  try {
    const base = randomLayer(options.layerSize);
    const seedOne = async (n: number): Promise<SeededImage> => {
      const repository = `bench/app-${String(n + 1).padStart(2, '0')}`;
      const tag = '1.0';
      const children = PLATFORMS.map((platform) => {
        const own: BlobContent[] = Array.from({ length: options.layersPerImage }, () =>
          randomLayer(options.layerSize),
        );
        return simpleImage({ layers: [base, ...own], platform, labels: { 'ferry.bench/image': repository } });
      });
      const index = platformIndex(children);
      const pushed = await recorder.pushIndex(repository, index, children, [tag]);
      const mine = new Map<string, number>([[index.digest, index.size]]);
      for (const child of children) {
        for (const blob of [child.manifest, child.config, ...child.layers]) mine.set(blob.digest, blob.size);
      }
      for (const [digest, size] of mine) unique.set(digest, size);
      const bytes = [...mine.values()].reduce((a, b) => a + b, 0);
      const blobs = new Map<string, number>();
      for (const child of children)
        for (const b of [child.config, ...child.layers]) blobs.set(b.digest, b.size);
      return {
        ref: `${reg.host}/${repository}:${tag}`,
        repository,
        tag,
        digest: pushed.digest,
        bytes,
        blobs: [...blobs].map(([digest, size]) => ({ digest, size })),
        manifests: [...children.map((c) => c.manifest), index].map((m) => ({
          digest: m.digest,
          mediaType: m.mediaType,
        })),
      };
    };
    // Small layers seed many images at once (thousands for the scale benchmark), large ones a few.
    const perImage = options.layerSize * options.layersPerImage * PLATFORMS.length;
    const seedBatch = Math.max(4, Math.min(32, Math.floor(SEED_BYTES_IN_FLIGHT / perImage)));
    for (let start = 0; start < options.images; start += seedBatch) {
      const batch = Array.from({ length: Math.min(seedBatch, options.images - start) }, (_, i) => start + i);
      images.push(...(await Promise.all(batch.map(seedOne))));
    }
  } finally {
    await client.close();
  }
  return { images, uniqueBytes: [...unique.values()].reduce((a, b) => a + b, 0) };
}

// ---------------------------------------------------------------------------------------------
// Child processes.

export interface Completed {
  stdout: string;
  stderr: string;
  /** Wall-clock seconds from spawn to exit. */
  seconds: number;
}

function tail(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-5).join(' | ').slice(-600);
}

function spawnTracked(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv | undefined,
  onStart?: (child: ChildProcess) => void,
  label = [command, ...args].join(' '),
): Promise<Completed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    onStart?.(child);
    child.once('error', (error) => {
      children.delete(child);
      reject(new BenchFailure(`could not start ${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      children.delete(child);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr, seconds });
      else
        reject(
          new BenchFailure(
            `\`${label.slice(0, 300)}\` failed (${signal ?? `exit ${code}`}): ${tail(stderr || stdout) || '(no output)'}`,
          ),
        );
    });
  });
}

/** Runs a command to completion; rejects with its stderr's last lines when it exits non-zero. */
export function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Completed> {
  return spawnTracked(command, args, env);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How peak RSS and CPU time of a child are measured on this machine (printed with the results). */
export const RSS_METHOD = executable(TIME_BIN)
  ? `${TIME_BIN} -f '%M %U %S' (max resident set size, user + system CPU of the process)`
  : '/proc/<pid>/status VmHWM and /proc/<pid>/stat CPU polled every 20 ms (apt-get install -y time for /usr/bin/time)';

export interface MeasuredRun extends Completed {
  /** Peak resident set size of the process (its largest descendant, for wrappers). */
  peakRssBytes: number;
  /** User + system CPU seconds of the process and its waited-for children. */
  cpuSeconds: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux: the unit of utime/stime in /proc/<pid>/stat

/** utime + stime of a live process in seconds, or undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Runs a command to completion with wall time, peak RSS and CPU seconds. */
export async function runMeasured(
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<MeasuredRun> {
  if (executable(TIME_BIN)) {
    statsDir ??= tempDir('time');
    const statsFile = join(statsDir, `stats-${++statsCount}`);
    const done = await spawnTracked(
      TIME_BIN,
      ['-f', '%M %U %S', '-o', statsFile, command, ...args],
      env,
      undefined,
      [command, ...args].join(' '),
    );
    const lines = readFileSync(statsFile, 'utf8').trim().split('\n');
    const [kib, user, system] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
    if (![kib, user, system].every((n) => Number.isFinite(n))) {
      throw new BenchFailure(`${TIME_BIN} wrote no figures: ${lines.join(' ')}`);
    }
    return { ...done, peakRssBytes: kib! * 1024, cpuSeconds: user! + system! };
  }
  let peakKib = 0;
  let cpu = 0;
  let timer: NodeJS.Timeout | undefined;
  const poll = (pid: number): void => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKib = Math.max(peakKib, Number(m[1]));
    } catch {
      // the process has exited
    }
    cpu = processCpuSeconds(pid) ?? cpu;
  };
  try {
    const done = await spawnTracked(command, args, env, (child) => {
      if (child.pid !== undefined) {
        const pid = child.pid;
        timer = setInterval(() => poll(pid), 20);
      }
    });
    return { ...done, peakRssBytes: peakKib * 1024, cpuSeconds: cpu };
  } finally {
    clearInterval(timer);
  }
}

/** The environment ferry runs in: no docker credentials from the host, no colours. */
/** Benchmarks record into a throw-away ledger, never the user's. */
const benchHome = mkdtempSync(join(tmpdir(), 'ferry-bench-home-'));
process.on('exit', () => rmSync(benchHome, { recursive: true, force: true }));

function ferryEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_CONFIG: '/nonexistent-ferry-bench', NO_COLOR: '1', FERRY_HOME: benchHome };
}

let distFerry: Promise<string> | undefined;

/**
 * The ferry the benchmarks time: by default the distribution users run (the CLI bundled into plain
 * JavaScript on its own Node, `npm run dist`), built once per run, outside any timing; with
 * FERRY_BENCH_CLI=source, `node bin/ferry.js` from this tree (type stripping on every start).
 */
async function ferryCommand(): Promise<[string, string[]]> {
  if (process.env.FERRY_BENCH_CLI === 'source') return [process.execPath, [FERRY_BIN]];
  distFerry ??= (async () => {
    const platform = `linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
    const dist = await buildDist({
      platforms: [platform],
      outDir: join(tempDir('dist'), 'release'),
      archives: false,
    });
    const tree = dist.trees[platform];
    if (tree === undefined) throw new BenchFailure(`the distribution build made no ${platform} folder`);
    console.log(
      `ferry     the ${platform} distribution built from this tree (FERRY_BENCH_CLI=source times the source)`,
    );
    return join(tree, 'ferry');
  })();
  return [await distFerry, []];
}

/** One ferry command (see ferryCommand) to completion, with wall time, peak RSS and CPU. */
export async function runFerry(args: string[]): Promise<MeasuredRun> {
  const [file, prefix] = await ferryCommand();
  return runMeasured(file, [...prefix, ...args], ferryEnv());
}

/**
 * CPU seconds the registry's `docker-registry` process has used so far: on a small machine the
 * registry's own work (hashing, writing) competes with the client for the same cores.
 */
export function registryCpuSeconds(reg: RunningRegistry): number {
  const configFile = join(dirname(reg.dataDir), 'config.yml');
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('docker-registry') && cmdline.includes(configFile)) {
      return processCpuSeconds(Number(name)) ?? 0;
    }
  }
  throw new BenchFailure(`cannot find the docker-registry process of ${reg.host}`);
}

/** CPU seconds the registry spends while `work` runs. */
export async function withRegistryCpu<T>(
  reg: RunningRegistry,
  work: () => Promise<T>,
): Promise<{ value: T; registryCpu: number }> {
  const before = registryCpuSeconds(reg);
  const value = await work();
  return { value, registryCpu: registryCpuSeconds(reg) - before };
}

/** Runs `work` over `items`, at most `limit` at a time, results in input order. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Wall-clock seconds of `work`. */
export async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

export function median(values: number[]): number {
  if (values.length === 0) throw new BenchFailure('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------
// Skopeo: the peer for pull and push, one OCI layout per image.

export function skopeoLayout(root: string, index: number, image: SeededImage): string {
  return `oci:${join(root, String(index))}:${image.tag}`;
}

export interface PeerRun {
  /** Wall seconds of the whole batch. */
  seconds: number;
  /** CPU seconds summed over every peer process. */
  cpuSeconds: number;
}

/** Runs one peer command per image, `parallel` at a time: total wall time and summed CPU. */
export async function peerBatch(
  seed: MultiArchSeed,
  parallel: number,
  command: (image: SeededImage, index: number) => [string, string[]],
): Promise<PeerRun> {
  const { seconds, value } = await timed(() =>
    pool(seed.images, parallel, (image, i) => {
      const [cmd, args] = command(image, i);
      return runMeasured(cmd, args);
    }),
  );
  return { seconds, cpuSeconds: value.reduce((n, r) => n + r.cpuSeconds, 0) };
}

/** `skopeo copy --all --preserve-digests` of every image from the registry into its own OCI layout. */
export function skopeoPull(seed: MultiArchSeed, root: string, parallel: number): Promise<PeerRun> {
  mkdirSync(root, { recursive: true });
  return peerBatch(seed, parallel, (image, i) => [
    'skopeo',
    [
      'copy',
      '--all',
      '--preserve-digests',
      '--src-tls-verify=false',
      `docker://${image.ref}`,
      skopeoLayout(root, i, image),
    ],
  ]);
}

/** Digest of the manifest tagged `tag` in the OCI layout at `dir` (what skopeo wrote). */
export function ociLayoutDigest(dir: string, tag: string): string | undefined {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests?: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  return index.manifests?.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest;
}

/** Fails unless every image's OCI layout under `root` holds the seeded index digest. */
export function checkSkopeoLayouts(seed: MultiArchSeed, root: string): void {
  seed.images.forEach((image, i) => {
    const got = ociLayoutDigest(join(root, String(i)), image.tag);
    if (got !== image.digest) {
      throw new BenchFailure(
        `skopeo's layout of ${image.ref} holds ${got ?? 'nothing'}, expected ${image.digest}`,
      );
    }
  });
}

/** Total size of every file under `dir`. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Ferry bundles.

export function readBundleManifest(dir: string): TransferManifest {
  return JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
}

/** `ferry pull` of every seeded image into a fresh `dir`, default concurrency. */
export function ferryPull(seed: MultiArchSeed, dir: string, chunkSize = '700MiB'): Promise<MeasuredRun> {
  return runFerry([
    'pull',
    dir,
    ...seed.images.flatMap((image) => ['--image', image.ref]),
    '--insecure',
    '--chunk-size',
    chunkSize,
  ]);
}

/** Fails unless the bundle in `dir` holds exactly the seeded images with their digests. */
export function checkBundle(seed: MultiArchSeed, dir: string): TransferManifest {
  const manifest = readBundleManifest(dir);
  for (const image of seed.images) {
    const record = manifest.images.find((r) => r.source === image.ref);
    if (record?.digest !== image.digest) {
      throw new BenchFailure(
        `ferry's bundle holds ${record?.digest ?? 'nothing'} for ${image.ref}, expected ${image.digest}`,
      );
    }
  }
  return manifest;
}

/** Fails unless `<prefix>/<repository>:<tag>` on `reg` has the seeded digest for every image. */
export async function checkPushed(reg: RunningRegistry, prefix: string, seed: MultiArchSeed): Promise<void> {
  const client = createRegistryClient(reg);
  try {
    for (const image of seed.images) {
      const head = await client.headManifest(`${prefix}/${image.repository}`, image.tag);
      if (head?.digest !== image.digest) {
        throw new BenchFailure(
          `${reg.host}/${prefix}/${image.repository}:${image.tag} is ${head?.digest ?? 'missing'}, expected ${image.digest}`,
        );
      }
    }
  } finally {
    await client.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

export const MB = 1e6;

export function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

export function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

export function ratio(value: number): string {
  return value.toFixed(2);
}

/** The runs of one side as "1.23 / 1.31 / 1.27 s". */
export function runList(values: number[], unit = 's'): string {
  return `${values.map((v) => v.toFixed(2)).join(' / ')} ${unit}`;
}

/** Prints rows as aligned columns under a title. */
export function printTable(title: string, rows: string[][]): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  console.log(`\n${title}`);
  for (const row of rows)
    console.log(
      `  ${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
    );
}

/** '✓ met' or '✗ MISSED' — a missed goal is reported, not a failure. */
export function goal(met: boolean): string {
  return met ? '✓ met' : '✗ MISSED';
}

/** One line describing the seeded set. */
export function describeSeed(seed: MultiArchSeed, options: BenchOptions): string {
  const perImage = seed.images.reduce((n, i) => n + i.bytes, 0);
  return (
    `${seed.images.length} multi-arch images (linux/amd64 + linux/arm64/v8), each platform = 1 shared base layer + ` +
    `${options.layersPerImage} own layer(s) of ${mb(options.layerSize)}; ${mb(seed.uniqueBytes)} distinct, ` +
    `${mb(perImage)} counted per image`
  );
}

/** Prints the environment of the run: Node, tool versions, how RSS is measured. */
export async function printEnvironment(tools: Array<[string, string[]]>): Promise<void> {
  console.log(`node      ${process.version} (${process.execPath})`);
  for (const [command, args] of tools) {
    const out = await run(command, args);
    console.log(`${command.padEnd(9)} ${(out.stdout || out.stderr).trim().split('\n')[0]}`);
  }
  console.log(`peak RSS  ${RSS_METHOD}`);
  console.log(`machine   ${loadNote()}`);
}

/** The 1-minute load average against the core count: other work on the machine skews every figure. */
export function loadNote(): string {
  return `${availableParallelism()} core(s), load average (1 min) ${loadavg()[0]!.toFixed(2)}`;
}

/** Runs of one side of a ferry-versus-skopeo benchmark. */
export interface SideRuns {
  times: number[];
  cpu: number[];
  registryCpu: number[];
}

/** The side-by-side table pull and push print: medians, the ratio against its goal, peak RSS. */
export function printVersusSkopeo(
  title: string,
  parallel: number,
  ferry: SideRuns & { rss: number[] },
  skopeo: SideRuns,
  bytes: { label: string; ferry: number; skopeo: number },
  limit: { label: string; times: number[]; goal: number },
): void {
  const RATIO_GOAL = 0.5;
  const ferryTime = median(ferry.times);
  const skopeoTime = median(skopeo.times);
  const r = ferryTime / skopeoTime;
  const peakRss = Math.max(...ferry.rss);
  const rate = (n: number, s: number): string => `${(n / MB / s).toFixed(0)} MB/s`;
  printTable(title, [
    ['', 'ferry', `skopeo (${parallel} at a time)`, 'ferry/skopeo', 'goal', ''],
    [
      'time (median)',
      seconds(ferryTime),
      seconds(skopeoTime),
      ratio(r),
      `≤ ${RATIO_GOAL}`,
      goal(r <= RATIO_GOAL),
    ],
    ['runs', runList(ferry.times), runList(skopeo.times), '', '', ''],
    [bytes.label, mb(bytes.ferry), mb(bytes.skopeo), '', '', ''],
    ['throughput', rate(bytes.ferry, ferryTime), rate(bytes.skopeo, skopeoTime), '', '', ''],
    ['client CPU (median)', seconds(median(ferry.cpu)), seconds(median(skopeo.cpu)), '', '', ''],
    [
      'registry CPU (median)',
      seconds(median(ferry.registryCpu)),
      seconds(median(skopeo.registryCpu)),
      '',
      '',
      '',
    ],
    ['peak RSS (max)', mb(peakRss), '', '', '< 300 MB', goal(peakRss < 300 * MB)],
  ]);
  const limitTime = median(limit.times);
  const overLimit = ferryTime / limitTime;
  // limit/skopeo: where the limit itself stands against the ferry/skopeo goal on this machine.
  printTable(`against the limit: ${limit.label}`, [
    ['', 'ferry', 'limit', 'ferry/limit', 'goal', '', 'limit/skopeo'],
    [
      'time (median)',
      seconds(ferryTime),
      seconds(limitTime),
      ratio(overLimit),
      `≤ ${limit.goal}`,
      goal(overLimit <= limit.goal),
      ratio(limitTime / skopeoTime),
    ],
    ['runs', runList(ferry.times), runList(limit.times), '', '', '', ''],
  ]);
}

/** The common start of the skopeo comparisons (pull, push): options, tools, a seeded source registry. */
export async function startSkopeoComparison(usage: string) {
  const options = benchOptions(usage, {
    images: 16,
    layerSize: 4 << 20,
    layersPerImage: 3,
    runs: 3,
    parallel: 4,
  });
  requireTool('skopeo', 'skopeo');
  requireTool('docker-registry', 'docker-registry');
  await printEnvironment([['skopeo', ['--version']]]);
  const source = await startBenchRegistry();
  const seed = await seedMultiArch(source, options);
  console.log(`source    ${source.url}: ${describeSeed(seed, options)}`);
  return { options, source, seed };
}
