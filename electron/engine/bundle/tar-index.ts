// Indexes a tar archive by hopping from header to header (reading 512-byte blocks, never the
// contents), so push and verify can seek straight to any file inside a chunked archive.
import { BundleInvalidError } from '../errors.ts';
import type { ArchiveReader } from './archive-reader.ts';
import { BLOCK, decodeHeaderBlock, decodePax, padded } from './tar-header.ts';

export interface TarFile {
  /** Path inside the archive, without a leading './' or '/'. */
  path: string;
  size: number;
  /** Offset of the first content byte in the archive. */
  offset: number;
}

export function normalizeTarPath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

const SCAN = 1 << 20;

/** Whether a block is a tar header: its checksum matches and it carries the ustar magic. */
function isHeader(block: Buffer): boolean {
  if (block.toString('ascii', 257, 262) !== 'ustar') return false;
  try {
    return decodeHeaderBlock(block) !== undefined;
  } catch {
    return false;
  }
}

/** The offset of the first header block at or after `from` (block-aligned), if any. */
async function nextHeader(reader: ArchiveReader, from: number): Promise<number | undefined> {
  for (let at = from; at + BLOCK <= reader.size; at += SCAN) {
    const window = await reader.read(at, Math.min(SCAN, reader.size - at));
    for (let i = 0; i + BLOCK <= window.length; i += BLOCK) {
      if (isHeader(window.subarray(i, i + BLOCK))) return at + i;
    }
    if (window.length < SCAN) return undefined;
  }
  return undefined;
}

/** Regular files of the archive in order. Damaged headers stop the walk with an error naming the offset. */
export async function indexTar(reader: ArchiveReader, archiveName: string): Promise<TarFile[]> {
  const files: TarFile[] = [];
  let pos = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  let paxSize: number | undefined;
  while (pos + BLOCK <= reader.size) {
    const block = await reader.read(pos, BLOCK);
    let header;
    try {
      header = decodeHeaderBlock(block);
    } catch {
      const where = reader.locate(pos);
      throw new BundleInvalidError(
        `${archiveName}: damaged tar header at byte ${pos}${where ? ` (in ${where.part.file})` : ''}: copy that file from the media again`,
        { details: { archive: archiveName, offset: pos, file: where?.part.file } },
      );
    }
    if (!header) break;
    const dataOffset = pos + BLOCK;
    const claimed = header.type === 'x' || header.type === 'L' ? header.size : (paxSize ?? header.size);
    if (dataOffset + claimed > reader.size) {
      // A size running past the archive's end is a damaged header, not a file: skip it and go on at
      // the next header, so one damaged entry costs only the images that need it.
      longName = paxPath = paxSize = undefined;
      const next = await nextHeader(reader, dataOffset);
      if (next === undefined) break;
      pos = next;
      continue;
    }
    const next = dataOffset + padded(header.size);
    if (header.type === 'L') {
      longName = (await reader.read(dataOffset, header.size)).toString('utf8').replace(/\0+$/, '');
    } else if (header.type === 'x') {
      const pax = decodePax(await reader.read(dataOffset, header.size));
      paxPath = pax.path;
      paxSize = pax.size !== undefined ? Number(pax.size) : undefined;
    } else {
      const path = normalizeTarPath(paxPath ?? longName ?? header.name);
      const size = paxSize ?? header.size;
      if (header.type === '0' || header.type === '7') files.push({ path, size, offset: dataOffset });
      longName = paxPath = paxSize = undefined;
      pos = dataOffset + padded(size);
      continue;
    }
    pos = next;
  }
  return files;
}
