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
