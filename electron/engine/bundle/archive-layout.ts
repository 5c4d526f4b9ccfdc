// Plans a tar archive before any byte is written: each entry's header and data offsets are fixed,
// so blobs downloaded in parallel are written straight into their place (in whichever chunk files
// that range falls) and no staging copy is ever made.
import { BLOCK, fileHeaderSize, padded } from './tar-header.ts';

export type EntryContent = { kind: 'bytes'; bytes: Buffer } | { kind: 'blob'; digest: string };

export interface ArchiveEntry {
  path: string;
  size: number;
  headerOffset: number;
  dataOffset: number;
  content: EntryContent;
}

export interface ArchiveLayout {
  name: string;
  size: number;
  entries: ArchiveEntry[];
}

export interface FileToArchive {
  path: string;
  size: number;
  content: EntryContent;
}

/** Lays files out in order; the archive ends with the two zero blocks tar readers expect. */
export function layoutArchive(name: string, files: FileToArchive[]): ArchiveLayout {
  let offset = 0;
  const entries: ArchiveEntry[] = [];
  for (const f of files) {
    const headerSize = fileHeaderSize(f.path);
    entries.push({
      path: f.path,
      size: f.size,
      headerOffset: offset,
      dataOffset: offset + headerSize,
      content: f.content,
    });
    offset += headerSize + padded(f.size);
  }
  return { name, size: offset + 2 * BLOCK, entries };
}
