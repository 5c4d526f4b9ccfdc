// Chunk sizes that fit the media: no chunk may exceed what the filesystem holds in one file (FAT32:
// 4 GiB − 1) nor what one stick holds, and chunks are whole MiB so people can read the number.
import type { MediaEstimate, MediaEstimateRequest } from '../../../shared/dto.ts';
import { formatBytes } from '../../../shared/format.ts';
import { planSticks, STICK_RESERVE } from './stick-plan.ts';

const MiB = 1024 * 1024;
export const MIN_CHUNK = MiB;

/** Tar headers, padding and manifests on top of the blob bytes (a generous estimate). */
export function estimatedArchiveBytes(blobBytes: number): number {
  return Math.ceil(blobBytes * 1.002) + MiB;
}

export function fitChunkSize(
  requested: number,
  archiveBytes: number,
  maxFileBytes: number | null,
  stickBytes: number,
): { chunkSize: number; warnings: string[] } {
  const warnings: string[] = [];
  const limits: Array<[number, string]> = [];
  if (maxFileBytes !== null)
    limits.push([maxFileBytes, `the filesystem's ${formatBytes(maxFileBytes + 1)} file limit`]);
  // A stick with no room past the reserve is refused by the stick plan, in words; as a ceiling it
  // would make the chunk size negative (and the count of chunks endless).
  if (stickBytes > STICK_RESERVE) limits.push([stickBytes - STICK_RESERVE, 'the room on one stick']);
  const ceiling = Math.min(...limits.map(([n]) => n), Number.MAX_SAFE_INTEGER);
  let chunkSize = requested;
  if (chunkSize === 0 && archiveBytes > ceiling) {
    chunkSize = ceiling;
    const why = limits.find(([n]) => n === ceiling)?.[1] ?? 'the media';
    warnings.push(
      `The bundle is larger than ${why}: it will be cut into chunks of ${formatBytes(Math.floor(ceiling / MiB) * MiB)}.`,
    );
  } else if (chunkSize > ceiling) {
    const why = limits.find(([n]) => n === ceiling)?.[1] ?? 'the media';
    warnings.push(
      `${formatBytes(requested)} chunks exceed ${why}: lowered to ${formatBytes(Math.floor(ceiling / MiB) * MiB)}.`,
    );
    chunkSize = ceiling;
  }
  if (chunkSize > 0) chunkSize = Math.max(MIN_CHUNK, Math.floor(chunkSize / MiB) * MiB);
  return { chunkSize, warnings };
}

/** How many chunks and sticks a transfer of `totalBytes` blob bytes needs on the chosen media. */
export function estimateMedia(request: MediaEstimateRequest): MediaEstimate {
  const archive = estimatedArchiveBytes(request.totalBytes);
  const { chunkSize, warnings } = fitChunkSize(
    request.chunkSize,
    archive,
    request.maxFileBytes,
    request.stickBytes,
  );
  const pieces: Array<{ file: string; size: number }> = [];
  if (chunkSize === 0) pieces.push({ file: 'archive', size: archive });
  else
    for (let at = 0; at < archive; at += chunkSize)
      pieces.push({ file: `chunk ${pieces.length}`, size: Math.min(chunkSize, archive - at) });
  const planned =
    request.stickBytes > 0
      ? planSticks(pieces, request.stickBytes).sticks
      : [{ index: 1, files: pieces, bytes: archive }];
  // Counts per stick, not the files themselves: a large bundle in small chunks has very many.
  const layout = planned.map((s) => ({ files: s.files.length, bytes: s.bytes }));
  const sticks = layout.length;
  if (sticks > 1)
    warnings.push(`Needs ${sticks} sticks: pull into a folder on this computer, then copy stick by stick.`);
  return { chunkSize, chunks: pieces.length, sticks, layout, warnings };
}
