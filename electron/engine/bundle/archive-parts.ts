// Archives on media: `<name>.tar` whole, or cut into `<name>.tar.NNNN.chunk` files (4+ digits from
// 0000, byte-offset splits — d8 mirror's convention). A gap in the numbers is an error that names the
// missing file: d8's reader stops at the first gap and silently truncates the archive.
import { stat } from 'node:fs/promises';
import { BundleInvalidError } from '../errors.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

export interface ArchivePart {
  /** File name inside the bundle folder. */
  file: string;
  path: string;
  /** Position of this part in the archive. */
  start: number;
  size: number;
}

export interface ArchiveOnDisk {
  /** Archive name, e.g. `images.tar`. */
  name: string;
  chunked: boolean;
  parts: ArchivePart[];
  size: number;
}

const chunkPattern = /^(.+\.tar)\.(\d{4,})\.chunk$/;

export function chunkFileName(archive: string, index: number): string {
  return `${archive}.${String(index).padStart(4, '0')}.chunk`;
}

/** Splits an archive of `size` bytes into part sizes; no chunk size (or a large one) means one file. */
export function partSizes(size: number, chunkSize: number | undefined): number[] {
  if (!chunkSize || size <= chunkSize) return [size];
  const sizes: number[] = [];
  for (let start = 0; start < size; start += chunkSize) sizes.push(Math.min(chunkSize, size - start));
  return sizes;
}

export function partFileNames(archive: string, count: number): string[] {
  return count === 1 ? [archive] : Array.from({ length: count }, (_, i) => chunkFileName(archive, i));
}

/**
 * Every archive among the files of a bundle (name → path; the files may lie in several folders, one
 * per stick), with its chunk numbering checked complete. `where` names the folders in messages.
 */
export async function archivesIn(listing: Map<string, string>, where: string): Promise<ArchiveOnDisk[]> {
  const names = [...listing.keys()];
  const whole = names.filter((n) => n.endsWith('.tar'));
  const chunks = new Map<string, Map<number, string>>();
  for (const n of names) {
    const m = chunkPattern.exec(n);
    if (!m) continue;
    const byIndex = chunks.get(m[1]!) ?? new Map<number, string>();
    byIndex.set(parseInt(m[2]!, 10), n);
    chunks.set(m[1]!, byIndex);
  }
  const out: ArchiveOnDisk[] = [];
  for (const name of whole) {
    const path = listing.get(name)!;
    const s = await stat(path);
    out.push({ name, chunked: false, size: s.size, parts: [{ file: name, path, start: 0, size: s.size }] });
  }
  for (const [name, byIndex] of chunks) {
    if (whole.includes(name)) {
      throw new BundleInvalidError(
        `${name} is present both whole and as chunks in ${where}: keep one of them`,
      );
    }
    const max = Math.max(...byIndex.keys());
    const parts: ArchivePart[] = [];
    let start = 0;
    for (let i = 0; i <= max; i++) {
      const file = byIndex.get(i);
      if (!file) {
        throw new BundleInvalidError(
          `chunk ${chunkFileName(name, i)} is missing (chunks 0..${max} expected): copy it from the media again`,
          { details: { archive: name, missing: chunkFileName(name, i) } },
        );
      }
      const path = listing.get(file)!;
      const s = await stat(path);
      parts.push({ file, path, start, size: s.size });
      start += s.size;
    }
    out.push({ name, chunked: true, size: start, parts });
  }
  return out.sort((a, b) => byCodeUnits(a.name, b.name));
}
