// The files of one bundle as they lie on the media: one folder, or several sticks that each hold
// part of the chunks. Every reader of a bundle (verify, push, inspect, the d8 format) finds files
// through this, so a file is traced to the stick it is on without joining the sticks on disk, and
// each archive is opened and indexed by its tar headers once, however many readers ask.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../errors.ts';
import type { ArchivePart } from './archive-parts.ts';
import { ArchiveReader } from './archive-reader.ts';
import { parseBlobPath } from './oci-layout-files.ts';
import { indexTar, type TarFile, type UnsafeTarEntry } from './tar-index.ts';

/** An archive's blobs by layout, then digest. */
export type BlobIndex = Map<string, Map<string, TarFile>>;

/** A folder's file names; a folder that cannot be read is an I/O error that asks about the stick. */
export async function readFolder(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    throw new IoError(
      `cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the stick still mounted?`,
      { cause: err },
    );
  }
}

interface OpenArchive {
  reader: ArchiveReader;
  files?: Promise<TarFile[]>;
  /** Entries the index left out as outside the image layouts (filled while indexing). */
  unsafe: UnsafeTarEntry[];
}

export class BundleFiles {
  /** The folders, in the order given: the bundle folder, or one per stick. */
  readonly dirs: string[];
  /** File name → the folders holding it, in the order given. */
  private readonly folders: Map<string, string[]>;
  private readonly archives = new Map<string, OpenArchive>();

  private constructor(dirs: string[], folders: Map<string, string[]>) {
    this.dirs = dirs;
    this.folders = folders;
  }

  /** `keep` narrows the listing (a push of single archives sees only their files). */
  static async list(dirs: string[], keep: (name: string) => boolean = () => true): Promise<BundleFiles> {
    const folders = new Map<string, string[]>();
    for (const dir of dirs) {
      for (const name of (await readFolder(dir)).sort().filter(keep))
        folders.set(name, [...(folders.get(name) ?? []), dir]);
    }
    return new BundleFiles(dirs, folders);
  }

  /** Where the folders are, for messages. */
  get where(): string {
    return this.dirs.join(', ');
  }

  names(): string[] {
    return [...this.folders.keys()];
  }

  has(file: string): boolean {
    return this.folders.has(file);
  }

  /** The folder (stick) a file lies on: the first given, when several hold it. */
  folderOf(file: string): string | undefined {
    return this.folders.get(file)?.[0];
  }

  /** Every folder holding a file of that name. */
  foldersHolding(file: string): string[] {
    return this.folders.get(file) ?? [];
  }

  /** A file's path on the folder holding it; undefined when no folder does. */
  pathOf(file: string): string | undefined {
    const dir = this.folderOf(file);
    return dir === undefined ? undefined : join(dir, file);
  }

  /** Name → path of every file, for finding the archives among them. */
  listing(): Map<string, string> {
    return new Map(this.names().map((n) => [n, this.pathOf(n)!]));
  }

  /** The size of a file on the media; -1 when it is missing. */
  async sizeOf(file: string): Promise<number> {
    const path = this.pathOf(file);
    return path === undefined ? -1 : (await stat(path)).size;
  }

  /** One reader per archive, opened on first use. */
  reader(archive: string, parts: ArchivePart[]): ArchiveReader {
    let open = this.archives.get(archive);
    if (!open) {
      open = { reader: new ArchiveReader(parts), unsafe: [] };
      this.archives.set(archive, open);
    }
    return open.reader;
  }

  /** The archive's files by their tar headers, read once (a damaged header rejects every caller alike). */
  index(archive: string, parts: ArchivePart[]): Promise<TarFile[]> {
    const reader = this.reader(archive, parts);
    const open = this.archives.get(archive)!;
    open.files ??= indexTar(reader, archive, open.unsafe);
    return open.files;
  }

  /** The archive's entries outside the image layouts (`../`, absolute, links, devices). */
  async unsafeEntries(archive: string, parts: ArchivePart[]): Promise<UnsafeTarEntry[]> {
    await this.index(archive, parts);
    return this.archives.get(archive)!.unsafe;
  }

  /** The archive's blobs (`[<layout>/]blobs/<alg>/<hex>`), by layout and digest. */
  async blobs(archive: string, parts: ArchivePart[]): Promise<BlobIndex> {
    const out: BlobIndex = new Map();
    for (const f of await this.index(archive, parts)) {
      const blob = parseBlobPath(f.path);
      if (!blob) continue;
      const layout = out.get(blob.layout) ?? new Map<string, TarFile>();
      if (!layout.has(blob.digest)) layout.set(blob.digest, f);
      out.set(blob.layout, layout);
    }
    return out;
  }

  async close(): Promise<void> {
    const all = [...this.archives.values()];
    this.archives.clear();
    await Promise.all(all.map((a) => a.reader.close()));
  }
}
