// Node runtimes for the distributions: the npm registry's per-platform packages, fetched once with
// `npm pack` (the registry is the only network these machines reach) into a cache folder ignored by
// git, checked against the pinned sha512 integrity every time, and unpacked with tar-stream. With a
// warm cache the build never touches the network.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { DistPlatform } from './platforms.ts';

export class DistBuildError extends Error {}

async function integrityOf(file: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(createReadStream(file), hash);
  return `sha512-${hash.digest('base64')}`;
}

function tarballName(runtime: DistPlatform['runtime']): string {
  return `${runtime.name}-${runtime.version}.tgz`;
}

/** The runtime package's tarball in `cacheDir`, downloaded by `npm pack` when missing. */
export async function runtimeTarball(platform: DistPlatform, cacheDir: string): Promise<string> {
  const { runtime } = platform;
  const cached = join(cacheDir, tarballName(runtime));
  const present = await stat(cached).then(
    () => true,
    () => false,
  );
  if (!present) {
    await mkdir(cacheDir, { recursive: true });
    // A private folder per download, renamed into the cache when whole: two builds running at once
    // (the test files do) never see each other's half-written tarball.
    const staging = await mkdtemp(join(cacheDir, '.pack-'));
    try {
      const spec = `${runtime.name}@${runtime.version}`;
      try {
        await promisify(execFile)('npm', ['pack', spec, '--pack-destination', staging, '--silent'], {
          shell: process.platform === 'win32',
          maxBuffer: 16 << 20,
        });
      } catch (err) {
        const reason = (err as { stderr?: string }).stderr?.split('\n').find((l) => l.trim()) ?? '';
        throw new DistBuildError(
          `cannot fetch ${spec} from the npm registry${reason ? ` (${reason.trim()})` : ''}; ` +
            `put ${tarballName(runtime)} into ${cacheDir} to build offline`,
        );
      }
      const [file] = (await readdir(staging)).filter((f) => f.endsWith('.tgz'));
      if (!file) throw new DistBuildError(`npm pack ${spec} wrote no tarball`);
      await rename(join(staging, file), cached);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  const actual = await integrityOf(cached);
  if (actual !== runtime.integrity) {
    throw new DistBuildError(
      `${cached} does not match the pinned integrity of ${runtime.name}@${runtime.version} ` +
        `(${actual}); delete it and build again`,
    );
  }
  return cached;
}

/**
 * Writes the entries named in `wanted` (tarball path → destination file) out of a .tgz; returns the
 * tarball paths that were not in it.
 */
export async function extractFromTarball(tgz: string, wanted: Map<string, string>): Promise<string[]> {
  const missing = new Set(wanted.keys());
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const dest = wanted.get(header.name);
    if (dest === undefined || header.type !== 'file') {
      stream.on('end', next);
      stream.resume();
      return;
    }
    missing.delete(header.name);
    pipeline(stream, createWriteStream(dest)).then(() => next(), next);
  });
  await pipeline(createReadStream(tgz), createGunzip(), extract);
  return [...missing];
}
