// Verify speed: `ferry verify` of a ~1 GiB bundle against `openssl dgst -sha256` over the same chunk
// files, in one run, both from the page cache. Also prints `openssl speed` as the machine's ceiling.
// The default set is 16 two-platform images of eight 4 MiB layers each (about 1.08 GB): many
// medium layers, as real bundles have. `--images 8 --layer-size 32MiB --layers 2` gives the same
// volume in few big layers.
// Usage: npm run bench:verify -- [--images 16] [--layer-size 4MiB] [--layers 8] [--runs 3]
// Prints MB/s of both (bundle bytes / wall seconds, median of the runs), the ratio ferry/openssl
// (goal ≥ 0.8) and ferry's peak RSS. Exits non-zero only when something is broken: a command fails,
// or ferry and openssl disagree with the transfer manifest about a chunk's SHA-256.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import {
  BenchFailure,
  benchOptions,
  checkBundle,
  describeSeed,
  ferryPull,
  goal,
  mb,
  median,
  MB,
  printEnvironment,
  printTable,
  ratio,
  requireTool,
  run,
  runBench,
  runFerry,
  runMeasured,
  runList,
  seconds,
  seedMultiArch,
  startBenchRegistry,
  stopRegistry,
  tempDir,
} from './common.ts';

const RATIO_GOAL = 0.8;
const RSS_GOAL = 300 * MB;

/** Reads every file once so that both sides hash from the page cache. */
async function warm(files: string[]): Promise<void> {
  for (const file of files) {
    for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 })) void chunk;
  }
}

/** `openssl speed -evp sha256 -bytes 1048576 -seconds 2` in bytes per second. */
async function opensslSpeed(): Promise<number> {
  const out = await run('openssl', ['speed', '-evp', 'sha256', '-bytes', '1048576', '-seconds', '2']);
  const last = out.stdout.trim().split('\n').pop() ?? '';
  const m = /([\d.]+)k\s*$/.exec(last);
  if (!m) throw new BenchFailure(`cannot read openssl speed's output: ${last}`);
  return Number(m[1]) * 1000;
}

/** SHA-256 of each file by `openssl dgst -sha256`, checked against the manifest. */
function checkOpensslDigests(stdout: string, expected: Map<string, string>): void {
  const got = new Map<string, string>();
  for (const line of stdout.trim().split('\n')) {
    const m = /^\S+\((.+)\)= ([0-9a-f]{64})$/.exec(line.trim());
    if (m) got.set(m[1]!, m[2]!);
  }
  for (const [file, sha256] of expected) {
    if (got.get(file) !== sha256) {
      throw new BenchFailure(
        `openssl says ${file} is ${got.get(file) ?? '(no output)'}, the manifest says ${sha256}`,
      );
    }
  }
}

runBench(async () => {
  const options = benchOptions('npm run bench:verify -- [options]', {
    images: 16,
    layerSize: 4 << 20,
    layersPerImage: 8,
    runs: 3,
    parallel: 4,
  });
  requireTool('openssl', 'openssl');
  requireTool('docker-registry', 'docker-registry');
  await printEnvironment([['openssl', ['version']]]);

  // Untimed: a bundle of about 1 GiB pulled from a seeded registry.
  const source = await startBenchRegistry();
  const seed = await seedMultiArch(source, options);
  console.log(`source    ${describeSeed(seed, options)}`);
  const bundle = join(tempDir('verify'), 'bundle');
  await ferryPull(seed, bundle);
  await stopRegistry(source);
  const manifest = checkBundle(seed, bundle);
  const parts = manifest.archives.flatMap((a) => a.parts);
  const files = parts.map((p) => join(bundle, p.file));
  const expected = new Map(parts.map((p) => [join(bundle, p.file), p.sha256]));
  const bytes = parts.reduce((n, p) => n + p.size, 0);
  console.log(`bundle    ${files.length} chunk file(s), ${mb(bytes)}, ${manifest.totals.blobs} blobs`);
  await warm(files);

  const ferryTimes: number[] = [];
  const ferryInternal: number[] = [];
  const ferryRss: number[] = [];
  const ferryCpu: number[] = [];
  const opensslTimes: number[] = [];
  const opensslCpu: number[] = [];
  for (let round = 1; round <= options.runs; round++) {
    const verified = await runFerry(['verify', bundle]);
    if (!/verified/.test(verified.stdout))
      throw new BenchFailure(`ferry verify did not verify: ${verified.stdout}`);
    const internal = /in ([\d.]+) s/.exec(verified.stdout);
    if (internal) ferryInternal.push(Number(internal[1]));
    ferryTimes.push(verified.seconds);
    ferryRss.push(verified.peakRssBytes);
    ferryCpu.push(verified.cpuSeconds);

    const hashed = await runMeasured('openssl', ['dgst', '-sha256', ...files]);
    checkOpensslDigests(hashed.stdout, expected);
    opensslTimes.push(hashed.seconds);
    opensslCpu.push(hashed.cpuSeconds);
    console.log(
      `round ${round}/${options.runs}: ferry ${seconds(verified.seconds)}, openssl ${seconds(hashed.seconds)}`,
    );
  }
  const speed = await opensslSpeed();

  const ferryRate = bytes / median(ferryTimes);
  const opensslRate = bytes / median(opensslTimes);
  const r = ferryRate / opensslRate;
  const peakRss = Math.max(...ferryRss);
  const rate = (bps: number): string => `${(bps / MB).toFixed(0)} MB/s`;
  printTable(
    `verify of ${mb(bytes)} in ${files.length} chunk file(s) — median of ${options.runs} runs per side`,
    [
      ['', 'ferry verify', 'openssl dgst -sha256', 'ferry/openssl', 'goal', ''],
      [
        'throughput (median)',
        rate(ferryRate),
        rate(opensslRate),
        ratio(r),
        `≥ ${RATIO_GOAL}`,
        goal(r >= RATIO_GOAL),
      ],
      ['time (median)', seconds(median(ferryTimes)), seconds(median(opensslTimes)), '', '', ''],
      ['runs', runList(ferryTimes), runList(opensslTimes), '', '', ''],
      [
        'ferry\'s own "in X s"',
        ferryInternal.length ? runList(ferryInternal) : '(not printed)',
        '',
        '',
        '',
        '',
      ],
      ['CPU (median)', seconds(median(ferryCpu)), seconds(median(opensslCpu)), '', '', ''],
      ['peak RSS (max)', mb(peakRss), '', '', '< 300 MB', goal(peakRss < RSS_GOAL)],
      ['openssl speed', '', rate(speed), '', '', ''],
    ],
  );
  console.log(
    '\nthroughput = chunk bytes / wall seconds of the whole command (process start included), files in the page cache; ' +
      'CPU = user + system seconds (ferry hashes on two threads); ' +
      'openssl speed = `openssl speed -evp sha256 -bytes 1048576 -seconds 2` (in-memory, one core).',
  );
});
