// A bundle can carry Ferry itself (`ferry pull --carry-ferry [os/arch ...]`), so the administrator on
// the isolated side runs `./ferry verify .` straight from the stick, with nothing installed.
//
// Where the distributions come from: a distributed Ferry (one with a ferry-dist.json beside its
// lib/) carries its own files for its own platform; any platform can come from `--carry-ferry-from
// DIR`, which holds distribution folders or archives as `npm run dist` writes them (release/cli/).
// Nothing is downloaded. Every file is checked against its distribution's ferry-dist.json as it is
// copied, and an archive against DIR's SHA256SUMS when there is one.
//
// In the bundle: each distribution as its folder `ferry-<version>-<platform>/`, and at the top a
// `ferry` (sh) and/or `ferry.cmd` launcher that runs the one for the machine it is started on. The
// transfer manifest lists every one of these files with its SHA-256 (so the station's signature
// covers them) and `ferry verify` checks them like the chunks.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CarriedFerryRecord } from '../bundle/transfer-manifest.ts';
import { DigestMismatchError, UsageError } from '../errors.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';
import { extractTarGz, extractZip } from './archive-extract.ts';
import {
  DIST_MANIFEST,
  distFolderName,
  hostDistPlatform,
  parseDistPlatform,
  platformLabel,
  readDistManifest,
  type DistManifest,
} from './dist-manifest.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

export interface CarrySource {
  platform: string;
  version: string;
  kind: 'folder' | 'tar.gz' | 'zip';
  path: string;
  /** The running distribution itself. */
  self?: boolean;
}

export interface CarryPlan {
  sources: CarrySource[];
  /** SHA256SUMS of the --carry-ferry-from folder: archive name → SHA-256. */
  sums: Map<string, string>;
}

/** Names in the bundle folder that carrying Ferry writes (a pull's own files, for resume and --force). */
export const CARRIED_NAME =
  /^(ferry|ferry\.cmd|ferry-[0-9A-Za-z.+~-]+-(linux|darwin|win)-(x64|arm64)|\.ferry-carry\.tmp)$/;
const STAGING = '.ferry-carry.tmp';
const DIST_NAME = /^ferry-([0-9A-Za-z.+~-]+)-((?:linux|darwin|win)-(?:x64|arm64))(\.tar\.gz|\.zip)?$/;

async function sourcesIn(dir: string): Promise<CarrySource[]> {
  const own = await readDistManifest(dir);
  if (own) return [{ platform: own.platform, version: own.version, kind: 'folder', path: dir }];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new UsageError(
      `--carry-ferry-from ${dir}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const out: CarrySource[] = [];
  for (const name of names.sort()) {
    const m = DIST_NAME.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const ext = m[3];
    if (ext === undefined) {
      const inside = await readDistManifest(path);
      if (inside && inside.platform === m[2] && inside.version === m[1])
        out.push({ platform: m[2], version: m[1], kind: 'folder', path });
    } else if ((await stat(path)).isFile()) {
      out.push({ platform: m[2]!, version: m[1]!, kind: ext === '.zip' ? 'zip' : 'tar.gz', path });
    }
  }
  return out;
}

async function readSums(dir: string): Promise<Map<string, string>> {
  const text = await readFile(join(dir, 'SHA256SUMS'), 'utf8').catch(() => '');
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-f0-9]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!);
  }
  return sums;
}

/**
 * Which distributions to carry: `platforms` as given on the command line ('' = the platform Ferry
 * runs on), found in the running distribution `self` (when Ferry is one) and in `from`. A platform
 * that is not there is a usage error that lists the ones that are.
 */
export async function planCarriedFerry(options: {
  platforms: string[];
  self?: string;
  from?: string;
}): Promise<CarryPlan> {
  const self = options.self ? await readDistManifest(options.self) : undefined;
  const found: CarrySource[] = [];
  if (self && options.self)
    found.push({
      platform: self.platform,
      version: self.version,
      kind: 'folder',
      path: options.self,
      self: true,
    });
  const fromDir = options.from ? await sourcesIn(options.from) : [];
  for (const s of fromDir) {
    const have = found.find((f) => f.platform === s.platform);
    // The running Ferry is the one carried for its own platform; of the rest, a folder beats its archive.
    if (have?.self) continue;
    if (have && have.version !== s.version) {
      throw new UsageError(
        `--carry-ferry-from ${options.from} holds Ferry ${have.version} and ${s.version} for ${platformLabel(s.platform)}: keep one`,
      );
    }
    if (!have) found.push(s);
    else if (have.kind !== 'folder' && s.kind === 'folder') found.splice(found.indexOf(have), 1, s);
  }

  const available = () =>
    found.length > 0
      ? found.map((s) => `${platformLabel(s.platform)}${s.self ? ' (this Ferry)' : ''}`).join(', ')
      : self || options.from
        ? 'none'
        : "none — this Ferry runs from a checkout: build the distributions with 'npm run dist' and add --carry-ferry-from release/cli";
  const wanted = options.platforms.flatMap((p) => p.split(',')).map((p) => p.trim());
  const chosen: CarrySource[] = [];
  for (const text of wanted.length > 0 ? wanted : ['']) {
    const id = text === '' ? (self?.platform ?? hostDistPlatform()) : parseDistPlatform(text);
    const source = id === undefined ? undefined : found.find((s) => s.platform === id);
    if (!source) {
      const what = text === '' ? `this machine (${platformLabel(id!)})` : text;
      throw new UsageError(`--carry-ferry: no Ferry for ${what} to carry; available: ${available()}`);
    }
    if (!chosen.includes(source)) chosen.push(source);
  }
  return { sources: chosen, sums: options.from ? await readSums(options.from) : new Map<string, string>() };
}

const sha256Of = async (file: string): Promise<string> => {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
};

/** Copies `from` to `to`, returning the SHA-256 of what was written. */
async function copyHashing(from: string, to: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await mkdir(dirname(to), { recursive: true });
  await pipeline(
    createReadStream(from),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    }),
    createWriteStream(to),
  );
  return { sha256: hash.digest('hex'), size };
}

async function filesBelow(dir: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesBelow(dir, rel)));
    else out.push(rel);
  }
  return out;
}

/** Every file of the unpacked distribution in `dir` is the one its ferry-dist.json lists, and no other. */
async function checkUnpacked(dir: string, source: CarrySource): Promise<DistManifest> {
  const dist = await readDistManifest(dir);
  if (!dist || dist.platform !== source.platform || dist.version !== source.version) {
    throw new DigestMismatchError(
      `${source.path} does not hold Ferry ${source.version} for ${source.platform} (its ${DIST_MANIFEST} says otherwise or is missing)`,
    );
  }
  const listed = new Set([DIST_MANIFEST, ...dist.files.map((f) => f.path)]);
  const extra = (await filesBelow(dir)).find((f) => !listed.has(f));
  if (extra)
    throw new DigestMismatchError(`${source.path} holds ${extra}, which its ${DIST_MANIFEST} does not list`);
  for (const f of dist.files) {
    const file = join(dir, f.path);
    const got = await stat(file).then(
      async (st) => (st.size === f.size ? sha256Of(file) : `${st.size} bytes`),
      () => 'missing',
    );
    if (got !== f.sha256)
      throw new DigestMismatchError(
        `${source.path}: ${f.path} is not the file its ${DIST_MANIFEST} lists (${got === 'missing' ? 'missing' : `got ${got}`}): rebuild it with 'npm run dist'`,
      );
    if (f.executable) await chmod(file, 0o755);
  }
  return dist;
}

/** Puts one distribution into `staging/<folder>`, checked file by file. */
async function stage(source: CarrySource, staging: string, sums: Map<string, string>): Promise<DistManifest> {
  const folder = distFolderName(source.version, source.platform);
  const dest = join(staging, folder);
  await mkdir(dest, { recursive: true });
  if (source.kind === 'folder') {
    const dist = await readDistManifest(source.path);
    if (!dist) throw new DigestMismatchError(`${source.path} holds no ${DIST_MANIFEST}`);
    for (const f of [...dist.files.map((x) => x.path), DIST_MANIFEST])
      await copyHashing(join(source.path, f), join(dest, f));
    return checkUnpacked(dest, source);
  }
  const name = source.path.split(/[\\/]/).pop()!;
  const expected = sums.get(name);
  if (expected !== undefined) {
    const got = await sha256Of(source.path);
    if (got !== expected)
      throw new DigestMismatchError(
        `${source.path} is damaged (SHA-256 ${got}, SHA256SUMS says ${expected})`,
      );
  }
  if (source.kind === 'zip') await extractZip(source.path, folder, dest);
  else await extractTarGz(source.path, folder, dest);
  return checkUnpacked(dest, source);
}

const q = (s: string) => `'${s}'`;

/** The top-level `ferry` (sh): runs the carried distribution for the machine it starts on. */
function shLauncher(carried: Array<{ platform: string; folder: string }>): string {
  const unix = carried.filter((c) => !c.platform.startsWith('win-'));
  const cases = unix.map((c) => `  ${c.platform}) exec "$here"/${q(c.folder)}/ferry "$@" ;;`).join('\n');
  const labels = unix.map((c) => platformLabel(c.platform)).join(', ');
  return `#!/bin/sh
# Runs the Ferry this bundle carries for this machine (${labels}): ./ferry verify .
case $(uname -s) in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) os=$(uname -s) ;;
esac
case $(uname -m) in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
case $0 in
  */*) here=\${0%/*} ;;
  *) here=. ;;
esac
case $os-$arch in
${cases}
esac
echo "ferry: this bundle carries Ferry for ${labels} only, not $os-$arch: bring the archive for this machine" >&2
exit 2
`;
}

/** The top-level `ferry.cmd`: the same for Windows, by PROCESSOR_ARCHITECTURE. Labels and goto,
 *  not a block: inside ( ) cmd expands %ERRORLEVEL% before the command runs, and delayed expansion
 *  would eat every '!' in the arguments (a password, say). */
function cmdLauncher(carried: Array<{ platform: string; folder: string }>): string {
  const win = carried.filter((c) => c.platform.startsWith('win-'));
  const labels = win.map((c) => platformLabel(c.platform)).join(', ');
  return [
    '@echo off',
    `rem Runs the Ferry this bundle carries for this machine (${labels}): ferry.cmd verify .`,
    'setlocal',
    'set "FERRY_ARCH=x64"',
    'if /i "%PROCESSOR_ARCHITECTURE%"=="ARM64" set "FERRY_ARCH=arm64"',
    ...win.map((c) => `if "%FERRY_ARCH%"=="${c.platform.slice('win-'.length)}" goto ${c.platform}`),
    `echo ferry: this bundle carries Ferry for ${labels} only, not windows/%FERRY_ARCH%: bring the archive for this machine 1>&2`,
    'exit /b 2',
    ...win.flatMap((c) => [`:${c.platform}`, `"%~dp0${c.folder}\\ferry.cmd" %*`, 'exit /b %ERRORLEVEL%']),
    '',
  ].join('\r\n');
}

/**
 * Copies the planned distributions into `bundleDir` (replacing earlier ones) with the top-level
 * launchers, and returns what the transfer manifest records of them.
 */
export async function carryFerry(bundleDir: string, plan: CarryPlan): Promise<CarriedFerryRecord> {
  const staging = join(bundleDir, STAGING);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const record: CarriedFerryRecord = { platforms: [], files: [] };
  try {
    for (const source of plan.sources) {
      const dist = await stage(source, staging, plan.sums);
      const folder = distFolderName(dist.version, dist.platform);
      // Whole folders are swapped in: a half-copied distribution never sits under its final name.
      await rm(join(bundleDir, folder), { recursive: true, force: true });
      await rename(join(staging, folder), join(bundleDir, folder));
      record.platforms.push({ platform: dist.platform, version: dist.version, folder });
      const own = join(bundleDir, folder, DIST_MANIFEST);
      record.files.push(
        ...dist.files.map((f) => ({ path: `${folder}/${f.path}`, size: f.size, sha256: f.sha256 })),
        { path: `${folder}/${DIST_MANIFEST}`, size: (await stat(own)).size, sha256: await sha256Of(own) },
      );
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const launchers: Array<[string, string]> = [];
  if (record.platforms.some((p) => !p.platform.startsWith('win-')))
    launchers.push(['ferry', shLauncher(record.platforms)]);
  if (record.platforms.some((p) => p.platform.startsWith('win-')))
    launchers.push(['ferry.cmd', cmdLauncher(record.platforms)]);
  for (const [name, text] of launchers) {
    await writeFileAtomic(join(bundleDir, name), text, 0o755);
    const bytes = Buffer.from(text);
    record.files.push({
      path: name,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  record.files.sort((a, b) => byCodeUnits(a.path, b.path));
  return record;
}
