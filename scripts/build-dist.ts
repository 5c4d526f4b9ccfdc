// Builds the self-contained Ferry command-line distributions (docs/distribution.md): for each
// platform a folder with its own Node.js runtime, the CLI bundled into plain JavaScript, the hashing
// worker, better-sqlite3's prebuilt addon, the licences and a `ferry` launcher; then an archive per
// platform, a .deb per Linux platform, and SHA256SUMS over them. Offline once the runtimes are cached.
//
//   node scripts/build-dist.ts [--platform linux-x64 ...] [--out DIR] [--cache DIR]
//                              [--no-archive] [--no-deb] [--level 0-9]
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DIST_MANIFEST, type DistManifest } from '../electron/engine/distribution/dist-manifest.ts';
import { writeFileAtomic } from '../electron/engine/util/write-file-atomic.ts';
import { listTree, writeTarGz, writeZip } from './distribution/archives.ts';
import { ADDON_FILE, bundleCli, ENTRY_FILE, type CliBundle } from './distribution/bundle.ts';
import { debFileName, debianVersion, writeDeb } from './distribution/deb.ts';
import { launcherFor, readmeText } from './distribution/launchers.ts';
import { licencesText } from './distribution/licences.ts';
import { distName, distPlatforms, findPlatform, type DistPlatform } from './distribution/platforms.ts';
import { DistBuildError, extractFromTarball, runtimeTarball } from './distribution/runtimes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export type { DistManifest } from '../electron/engine/distribution/dist-manifest.ts';
export const SUMS_FILE = 'SHA256SUMS';

export interface DistOptions {
  /** Platform ids (see scripts/distribution/platforms.ts); default: all of them. */
  platforms?: string[];
  /** Default: release/cli. */
  outDir?: string;
  /** Where runtime tarballs are kept; default $FERRY_DIST_CACHE or .cache/dist. */
  cacheDir?: string;
  /** Archives and SHA256SUMS (default true); without, only the folders. */
  archives?: boolean;
  /** A .deb for each Linux platform (default true, with archives). */
  deb?: boolean;
  /** gzip/deflate level, 9 by default; tests use less. */
  level?: number;
  log?: (line: string) => void;
}

export interface DistArtifact {
  file: string;
  size: number;
  sha256: string;
}

export interface DistResult {
  version: string;
  outDir: string;
  /** Platform id → the distribution folder. */
  trees: Record<string, string>;
  /** Archives and packages built in this run. */
  artifacts: DistArtifact[];
}

export function ferryPackage(): { version: string; license: string } {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string };
}

export function defaultCacheDir(): string {
  return process.env.FERRY_DIST_CACHE || join(root, '.cache', 'dist');
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Node's LICENSE, from the platform's runtime tarball or, when it has none, from `licenceFrom`'s. */
async function nodeLicence(platform: DistPlatform, cacheDir: string, work: string): Promise<string> {
  const from = platform.licenceFrom ? findPlatform(platform.licenceFrom) : platform;
  if (!from) throw new DistBuildError(`unknown licenceFrom platform '${platform.licenceFrom}'`);
  const dest = join(work, 'node-LICENSE');
  if (from !== platform) {
    const tgz = await runtimeTarball(from, cacheDir);
    if ((await extractFromTarball(tgz, new Map([['package/LICENSE', dest]]))).length > 0)
      throw new DistBuildError(`${tgz} holds no LICENSE`);
  }
  const text = await readFile(dest, 'utf8').catch(() => {
    throw new DistBuildError(`${platform.runtime.name}@${platform.runtime.version} holds no LICENSE`);
  });
  await rm(dest);
  return text;
}

async function buildTree(
  platform: DistPlatform,
  version: string,
  bundle: { dir: string; result: CliBundle },
  outDir: string,
  cacheDir: string,
): Promise<string> {
  const name = distName(version, platform);
  const final = join(outDir, name);
  // Assembled beside its final place and renamed in whole: nobody sees half a distribution.
  const staging = join(outDir, `.${name}.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(join(staging, 'bin'), { recursive: true });
    await mkdir(join(staging, 'lib'));
    for (const f of bundle.result.files) await copyFile(join(bundle.dir, f), join(staging, 'lib', f));
    await copyFile(
      join(root, 'node_modules', 'better-sqlite3', 'prebuilds', `${platform.addon}.node`),
      join(staging, 'lib', ADDON_FILE),
    );

    const launcher = launcherFor(platform);
    const tgz = await runtimeTarball(platform, cacheDir);
    const nodeDest = join(staging, launcher.nodeFile);
    // One pass over the tarball for the binary and, where the package has it, Node's licence.
    const wanted = new Map([[platform.nodePath, nodeDest]]);
    if (!platform.licenceFrom) wanted.set('package/LICENSE', join(staging, 'node-LICENSE'));
    const missing = await extractFromTarball(tgz, wanted);
    if (missing.includes(platform.nodePath)) throw new DistBuildError(`${tgz} holds no ${platform.nodePath}`);
    await chmod(nodeDest, 0o755);
    await writeFile(join(staging, launcher.file), launcher.text);
    await chmod(join(staging, launcher.file), 0o755);

    const pkg = ferryPackage();
    const nodeVersion = platform.runtime.version;
    await writeFile(
      join(staging, 'LICENSES.txt'),
      licencesText({
        ferryVersion: version,
        ferryLicense: pkg.license,
        packages: bundle.result.packages,
        node: { version: nodeVersion, licence: await nodeLicence(platform, cacheDir, staging) },
      }),
    );
    await writeFile(join(staging, 'README.txt'), readmeText(version, platform, nodeVersion));

    const files: DistManifest['files'] = [];
    for (const e of await listTree(staging)) {
      if (e.type !== 'file') continue;
      const sha256 = await sha256File(join(staging, e.path));
      const executable = e.path === launcher.file || e.path === launcher.nodeFile;
      files.push({ path: e.path, size: e.size, sha256, ...(executable ? { executable } : {}) });
    }
    const manifest: DistManifest = {
      name: 'ferry',
      version,
      platform: platform.id,
      os: platform.os,
      arch: platform.arch,
      node: nodeVersion,
      launcher: launcher.file as DistManifest['launcher'],
      files,
    };
    await writeFile(join(staging, DIST_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

    await rm(final, { recursive: true, force: true });
    await rename(staging, final);
    return final;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** SHA256SUMS (sha256sum's format) over every archive and package of this version in `outDir`. */
async function writeSums(outDir: string, version: string): Promise<void> {
  const mine = (f: string) =>
    (f.startsWith(`ferry-${version}-`) && (f.endsWith('.tar.gz') || f.endsWith('.zip'))) ||
    (f.startsWith(`ferry_${debianVersion(version)}_`) && f.endsWith('.deb'));
  const names = (await readdir(outDir)).filter(mine).sort();
  const lines = [];
  for (const f of names) lines.push(`${await sha256File(join(outDir, f))}  ${f}\n`);
  await writeFileAtomic(join(outDir, SUMS_FILE), lines.join(''));
}

export async function buildDist(options: DistOptions = {}): Promise<DistResult> {
  const log = options.log ?? (() => {});
  const outDir = options.outDir ?? join(root, 'release', 'cli');
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const archives = options.archives ?? true;
  const deb = archives && (options.deb ?? true);
  const level = options.level ?? 9;
  const ids = options.platforms ?? distPlatforms.map((p) => p.id);
  const platforms = ids.map((id) => {
    const p = findPlatform(id);
    if (!p)
      throw new DistBuildError(
        `unknown platform '${id}'; available: ${distPlatforms.map((d) => d.id).join(', ')}`,
      );
    return p;
  });
  const { version } = ferryPackage();
  await mkdir(outDir, { recursive: true });

  const bundleDir = join(outDir, `.bundle.tmp-${process.pid}`);
  await rm(bundleDir, { recursive: true, force: true });
  const result: DistResult = { version, outDir, trees: {}, artifacts: [] };
  const artifact = async (file: string) => {
    const info = { file, size: (await stat(file)).size, sha256: await sha256File(file) };
    result.artifacts.push(info);
    log(`  ${file.slice(outDir.length + 1)}  ${(info.size / 2 ** 20).toFixed(1)} MiB`);
  };
  try {
    const bundled = await bundleCli(bundleDir);
    if (!bundled.files.includes(ENTRY_FILE)) throw new DistBuildError(`the bundle has no ${ENTRY_FILE}`);
    for (const platform of platforms) {
      const tree = await buildTree(platform, version, { dir: bundleDir, result: bundled }, outDir, cacheDir);
      result.trees[platform.id] = tree;
      log(`built ${tree.slice(outDir.length + 1)}/`);
      if (!archives) continue;
      const name = distName(version, platform);
      if (platform.os === 'win') {
        await writeZip(tree, name, join(outDir, `${name}.zip`), level);
        await artifact(join(outDir, `${name}.zip`));
      } else {
        await writeTarGz(tree, name, join(outDir, `${name}.tar.gz`), level);
        await artifact(join(outDir, `${name}.tar.gz`));
      }
      if (deb && platform.debArch) {
        const file = join(outDir, debFileName(version, platform.debArch));
        await writeDeb({ tree, version, debArch: platform.debArch, dest: file, level });
        await artifact(file);
      }
    }
    if (archives) await writeSums(outDir, version);
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
  }
  return result;
}

async function cli(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        platform: { type: 'string', multiple: true },
        out: { type: 'string' },
        cache: { type: 'string' },
        'no-archive': { type: 'boolean' },
        'no-deb': { type: 'boolean' },
        level: { type: 'string' },
      },
    }));
  } catch (err) {
    console.error(`build-dist: ${(err as Error).message.split('\n')[0]}`);
    return 2;
  }
  const level = values.level === undefined ? undefined : Number(values.level);
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
    console.error(`build-dist: --level must be 0-9, not '${values.level}'`);
    return 2;
  }
  const unknown = (values.platform ?? []).filter((id) => !findPlatform(id));
  if (unknown.length > 0) {
    console.error(
      `build-dist: unknown platform '${unknown[0]}'; available: ${distPlatforms.map((p) => p.id).join(', ')}`,
    );
    return 2;
  }
  const started = Date.now();
  const result = await buildDist({
    platforms: values.platform,
    outDir: values.out,
    cacheDir: values.cache,
    archives: !values['no-archive'],
    deb: !values['no-deb'],
    level,
    log: (line) => console.log(line),
  });
  const sums = result.artifacts.length > 0 ? `, ${SUMS_FILE}` : '';
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.outDir}${sums}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(`build-dist: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
