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

/**
 * An entry no image layout holds: a `../` or absolute path, a link, a device. Readers skip it (only
 * regular files are indexed), so on its own it harms nothing here, but it is not what Ferry or d8
 * writes — a tool extracting the tar could write outside its folder — so verify reports it.
 */
export interface UnsafeTarEntry {
  /** The path as the header gives it (not normalized: a leading '/' is the point). */
  path: string;
  /** Offset of the entry's header in the archive. */
  offset: number;
  /** Why it is refused, e.g. 'a symlink (to /etc/passwd)'. */
  reason: string;
}

const SPECIAL: Record<string, string> = {
  '1': 'a hardlink',
  '2': 'a symlink',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
};

/** Why an entry is unsafe, or undefined for a regular file or folder at a relative path. */
function unsafeReason(path: string, type: string, linkName: string): string | undefined {
  const special = SPECIAL[type];
  if (special) return `${special}${linkName ? ` (to ${linkName})` : ''}, not a file`;
  if (path.startsWith('/')) return 'an absolute path, outside the image layouts';
  if (path.split('/').includes('..')) return 'outside the image layouts (a ../ path)';
  return undefined;
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

/**
 * Regular files of the archive in order. Damaged headers stop the walk with an error naming the
 * offset. Entries outside the image layouts are left out of the list and, when `unsafe` is given,
 * added to it.
 */
export async function indexTar(
  reader: ArchiveReader,
  archiveName: string,
  unsafe?: UnsafeTarEntry[],
): Promise<TarFile[]> {
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
      const raw = paxPath ?? longName ?? header.name;
      const path = normalizeTarPath(raw);
      const size = paxSize ?? header.size;
      const reason = unsafeReason(raw, header.type, header.linkName ?? '');
      if (reason) unsafe?.push({ path: raw, offset: pos, reason });
      else if (header.type === '0' || header.type === '7') files.push({ path, size, offset: dataOffset });
      longName = paxPath = paxSize = undefined;
      pos = dataOffset + padded(size);
      continue;
    }
    pos = next;
  }
  return files;
}
