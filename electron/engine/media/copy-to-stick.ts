// "Copy to stick N": the files the stick plan gave that stick, plus the transfer manifest and its
// signature, into `<stick>/ferry-<transfer id>/`. Only files the manifest lists are copied (the
// request may come from a page and is not trusted to name paths). Each file is written under .tmp,
// flushed, renamed when complete (a stick pulled out early never holds a file that looks whole), then
// read back and hashed: a stick that stores other bytes than it was given fails here, on the
// connected side, instead of at verify behind the air gap. Chunks are also held to the manifest's
// SHA-256 as they are read, so a bundle damaged on this computer is not carried either.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CopyJobRequest, CopyResult } from '../../../shared/dto.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { JobEventListener } from '../../../shared/jobs.ts';
import { readTransferManifest, TRANSFER_MANIFEST } from '../bundle/transfer-manifest.ts';
import { BundleInvalidError, DiskFullError, IoError, UsageError, toFerryError } from '../errors.ts';
import { FileHashWorkers } from '../hash/file-hash-workers.ts';
import { createDigestHasher } from '../oci/digest.ts';
import { MANIFEST_SIGNATURE } from '../signing/manifest-signature.ts';
import { describeVolume } from './volume.ts';

export interface CopyToStickOptions {
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

export function stickFolder(destination: string, transferId: string): string {
  return join(destination, `ferry-${transferId}`);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export async function copyToStick(
  request: CopyJobRequest,
  options: CopyToStickOptions = {},
): Promise<CopyResult> {
  const emit = options.onEvent ?? (() => {});
  const manifest = await readTransferManifest(request.bundleDir);
  const listed = new Map(manifest.archives.flatMap((a) => a.parts.map((p) => [p.file, p.sha256] as const)));
  // A carried Ferry's files (paths below its folder, checked like the chunks).
  const carried = new Set<string>();
  for (const f of manifest.carriedFerry?.files ?? []) {
    listed.set(f.path, f.sha256);
    carried.add(f.path);
  }
  for (const f of request.files) {
    if (!listed.has(f))
      throw new UsageError(`${f} is not a file of transfer ${manifest.transferId}: refresh the stick plan`);
  }
  const extras = [TRANSFER_MANIFEST];
  if (await exists(join(request.bundleDir, MANIFEST_SIGNATURE))) extras.push(MANIFEST_SIGNATURE);
  const sizes = await Promise.all(
    [...request.files, ...extras].map(async (f) => ({
      file: f,
      size: (await stat(join(request.bundleDir, f))).size,
    })),
  );
  const bytesTotal = sizes.reduce((n, f) => n + f.size, 0);

  const volume = await describeVolume(request.destination);
  if (volume.freeBytes < bytesTotal) {
    throw new DiskFullError(
      `stick ${request.stick} at ${request.destination} has ${formatBytes(volume.freeBytes)} free but needs ${formatBytes(bytesTotal)}: free some space or use a larger stick`,
    );
  }
  const limit = volume.maxFileBytes;
  const big = limit === null ? undefined : sizes.find((f) => f.size > limit);
  if (big) {
    throw new UsageError(
      `${big.file} is ${formatBytes(big.size)}, too large for FAT32: pull again with a chunk size under 4 GiB`,
    );
  }

  const target = stickFolder(request.destination, manifest.transferId);
  await mkdir(target, { recursive: true });
  emit({
    type: 'phase',
    phase: 'copy',
    message: `copying ${sizes.length} file(s), ${formatBytes(bytesTotal)} to stick ${request.stick}`,
  });
  let bytesDone = 0;
  let filesDone = 0;
  let last = 0;
  const progress = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    emit({ type: 'progress', bytesDone, bytesTotal, imagesDone: filesDone, imagesTotal: sizes.length });
  };
  const readBack = new FileHashWorkers(1);
  try {
    for (const { file } of sizes) {
      const partial = join(target, `${file}.tmp`);
      if (carried.has(file)) await mkdir(dirname(partial), { recursive: true });
      const hasher = createDigestHasher('sha256');
      await pipeline(
        createReadStream(join(request.bundleDir, file), { highWaterMark: 4 << 20 }),
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            hasher.update(chunk);
            bytesDone += chunk.length;
            progress();
            done(null, chunk);
          },
        }),
        createWriteStream(partial, { flush: true }),
        options.signal ? { signal: options.signal } : {},
      ).catch((err: unknown) => {
        throw toFerryError(err);
      });
      const written = hasher.digest().slice('sha256:'.length);
      const expected = listed.get(file);
      if (expected !== undefined && expected !== written) {
        throw new BundleInvalidError(
          `${file} in ${request.bundleDir} is damaged (its SHA-256 is not the manifest's): run 'ferry verify ${request.bundleDir}' and pull again`,
        );
      }
      await rename(partial, join(target, file));
      // The launchers and Node keep their executable bit (where the stick's filesystem has one).
      if (carried.has(file))
        await chmod(join(target, file), (await stat(join(request.bundleDir, file))).mode & 0o777);
      const back = await readBack.hash(join(target, file));
      if (back.sha256 !== written) {
        throw new IoError(
          `stick ${request.stick}: ${file} reads back different from what was written${back.error ? ` (${back.error})` : ''}: the stick may be failing; use another`,
        );
      }
      filesDone++;
      progress(true);
      emit({ type: 'log', level: 'info', message: `stick ${request.stick}: ${file} copied and read back` });
    }
  } finally {
    await readBack.close();
  }
  return { stick: request.stick, destination: target, files: sizes.length, bytes: bytesTotal };
}
