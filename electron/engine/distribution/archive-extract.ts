// Unpacking a distribution archive (`ferry-<version>-<platform>.tar.gz` or `.zip`, as `npm run dist`
// writes them) into a folder, for a pull that carries Ferry for another platform. Only regular files
// and folders below the archive's one top folder are written, each name confined to plain path
// segments: an archive cannot place anything outside the destination. Every file is checked against
// the archive's ferry-dist.json afterwards (carry.ts), so this only has to be safe, not trusting.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, inflateRawSync } from 'node:zlib';
import tar from 'tar-stream';
import { BundleInvalidError } from '../errors.ts';
import { DIST_PATH } from './dist-manifest.ts';

/** The path below `top/` an archive entry names, '' for `top/` itself; throws for anything else. */
function confined(name: string, top: string, archive: string): string {
  const rest = name.startsWith(`${top}/`) ? name.slice(top.length + 1).replace(/\/$/, '') : undefined;
  if (rest === undefined || (rest !== '' && !DIST_PATH.test(rest)))
    throw new BundleInvalidError(
      `${archive} holds '${name}', outside its folder ${top}/: not a Ferry distribution`,
    );
  return rest;
}

export async function extractTarGz(archive: string, top: string, dest: string): Promise<void> {
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const fail = (err: unknown) => {
      stream.resume();
      next(err as Error);
    };
    try {
      const rest = confined(header.name, top, archive);
      if (header.type === 'directory') {
        stream.resume();
        mkdir(join(dest, rest), { recursive: true }).then(() => next(), fail);
      } else if (header.type === 'file' && rest !== '') {
        const target = join(dest, rest);
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o755 })))
          .then(() => next(), fail);
      } else {
        fail(
          new BundleInvalidError(
            `${archive} holds '${header.name}', a ${header.type}: not a Ferry distribution`,
          ),
        );
      }
    } catch (err) {
      fail(err);
    }
  });
  await pipeline(createReadStream(archive), createGunzip(), extract);
}

/** A .zip as writeZip (scripts/distribution/archives.ts) makes it: stored or deflated, no zip64. */
export async function extractZip(archive: string, top: string, dest: string): Promise<void> {
  const handle = await open(archive, 'r');
  let data: Buffer;
  try {
    data = await handle.readFile();
  } finally {
    await handle.close();
  }
  const bad = (why: string) => new BundleInvalidError(`${archive} is not a readable zip (${why})`);
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw bad('no end of central directory');
  const count = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  for (let n = 0; n < count; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) throw bad('damaged central directory');
    const method = data.readUInt16LE(at + 10);
    const packedSize = data.readUInt32LE(at + 20);
    const size = data.readUInt32LE(at + 24);
    const nameLength = data.readUInt16LE(at + 28);
    const skip = nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
    const mode = data.readUInt32LE(at + 38) >>> 16;
    const local = data.readUInt32LE(at + 42);
    const name = data.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + skip;
    if (packedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw bad('zip64');
    const rest = confined(name, top, archive);
    if (name.endsWith('/')) {
      await mkdir(join(dest, rest), { recursive: true });
      continue;
    }
    if (rest === '' || data.readUInt32LE(local) !== 0x04034b50) throw bad(`entry ${name}`);
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const packed = data.subarray(start, start + packedSize);
    const bytes = method === 0 ? packed : method === 8 ? inflateRawSync(packed) : undefined;
    if (!bytes || bytes.length !== size) throw bad(`entry ${name}: method ${method}`);
    const target = join(dest, rest);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes, { mode: mode & 0o111 ? 0o755 : 0o644 });
  }
}
