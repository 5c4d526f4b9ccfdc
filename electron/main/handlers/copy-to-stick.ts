// "Copy to stick N": the files the stick plan gave that stick, plus the transfer manifest and its
// signature, into `<stick>/ferry-<transfer id>/`. Only files the manifest lists are copied (the
// request comes from the page and is not trusted to name paths). Each file is written under .tmp and
// renamed when complete, so a stick pulled out early never holds a file that looks whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CopyJobRequest, CopyResult } from '../../../shared/dto.ts';
import { readTransferManifest, TRANSFER_MANIFEST } from '../../engine/bundle/transfer-manifest.ts';
import { DiskFullError, UsageError, toFerryError } from '../../engine/errors.ts';
import { MANIFEST_SIGNATURE } from '../../engine/signing/manifest-signature.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { JobContext } from '../jobs/job-runner.ts';
import { FAT32_MAX_FILE } from '../media/filesystems.ts';

/** statfs f_type of FAT filesystems (MSDOS_SUPER_MAGIC). */
const MSDOS_MAGIC = 0x4d44;

export function stickFolder(destination: string, transferId: string): string {
  return join(destination, `ferry-${transferId}`);
}

export async function copyToStick(request: CopyJobRequest, context: JobContext): Promise<CopyResult> {
  const manifest = await readTransferManifest(request.bundleDir);
  const listed = new Map(manifest.archives.flatMap((a) => a.parts.map((p) => [p.file, p.size] as const)));
  for (const f of request.files) {
    if (!listed.has(f))
      throw new UsageError(`${f} is not a file of transfer ${manifest.transferId}: refresh the stick plan`);
  }
  const extras = [TRANSFER_MANIFEST];
  if (
    await stat(join(request.bundleDir, MANIFEST_SIGNATURE)).then(
      () => true,
      () => false,
    )
  )
    extras.push(MANIFEST_SIGNATURE);
  const sizes = await Promise.all(
    [...request.files, ...extras].map(async (f) => ({
      file: f,
      size: (await stat(join(request.bundleDir, f))).size,
    })),
  );
  const bytesTotal = sizes.reduce((n, f) => n + f.size, 0);

  const fs = await statfs(request.destination).catch((err: unknown) => {
    throw toFerryError(err);
  });
  const free = fs.bavail * fs.bsize;
  if (free < bytesTotal) {
    throw new DiskFullError(
      `stick ${request.stick} at ${request.destination} has ${formatBytes(free)} free but needs ${formatBytes(bytesTotal)}: free some space or use a larger stick`,
    );
  }
  if (fs.type === MSDOS_MAGIC) {
    const big = sizes.find((f) => f.size > FAT32_MAX_FILE);
    if (big) {
      throw new UsageError(
        `${big.file} is ${formatBytes(big.size)}, too large for FAT32: pull again with a chunk size under 4 GiB`,
      );
    }
  }

  const target = stickFolder(request.destination, manifest.transferId);
  await mkdir(target, { recursive: true });
  context.emit({
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
    context.emit({
      type: 'progress',
      bytesDone,
      bytesTotal,
      imagesDone: filesDone,
      imagesTotal: sizes.length,
    });
  };
  for (const { file } of sizes) {
    const partial = join(target, `${file}.tmp`);
    await pipeline(
      createReadStream(join(request.bundleDir, file), { highWaterMark: 4 << 20 }),
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytesDone += chunk.length;
          progress();
          done(null, chunk);
        },
      }),
      createWriteStream(partial, { flush: true }),
      { signal: context.signal },
    ).catch((err: unknown) => {
      throw toFerryError(err);
    });
    await rename(partial, join(target, file));
    filesDone++;
    progress(true);
    context.emit({ type: 'log', level: 'info', message: `stick ${request.stick}: ${file} copied` });
  }
  return { stick: request.stick, destination: target, files: sizes.length, bytes: bytesTotal };
}
