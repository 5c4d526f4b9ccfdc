// The one way into a bundle on the isolated side. Verify, push, inspect, the CLI and the app all open
// bundles here, so they accept the same folders: a bundle folder, a stick holding one bundle folder,
// or several sticks that each hold part of the chunks; and the same formats: Ferry's own (its
// ferry-manifest.json) and the folders `d8 mirror pull` writes (a manifest is read from their
// archives). Each archive is indexed once, whoever reads it afterwards.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleInvalidError } from '../errors.ts';
import type { ArchivePart } from './archive-parts.ts';
import { BundleFiles, readFolder } from './bundle-files.ts';
import { describeD8Bundle } from './d8-format.ts';
import {
  readTransferManifest,
  TRANSFER_MANIFEST,
  type ArchiveRecord,
  type TransferManifest,
} from './transfer-manifest.ts';

export interface OpenedBundle {
  /** The files on the media, across every folder given. */
  files: BundleFiles;
  manifest: TransferManifest;
  /** The folder holding the transfer manifest and its signature (for a d8 bundle, the first folder). */
  manifestDir: string;
  close(): Promise<void>;
}

const chunkOrArchive = /\.tar(\.\d{4,}\.chunk)?$/;

const holdsBundle = (names: string[]) => names.some((n) => n === TRANSFER_MANIFEST || chunkOrArchive.test(n));

const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** The bundle folders in `folder`: itself when it holds a bundle, else its subfolders that do. */
export async function bundleFoldersIn(folder: string): Promise<string[]> {
  const entries = await readFolder(folder);
  if (holdsBundle(entries)) return [folder];
  const inside: string[] = [];
  for (const name of entries.sort()) {
    const sub = join(folder, name);
    if ((await isDirectory(sub)) && holdsBundle(await readdir(sub).catch(() => []))) inside.push(sub);
  }
  return inside;
}

/** The bundle folder in `folder`: itself, or its one subfolder (a stick's `ferry-<id>`) holding a bundle. */
export async function locateBundle(folder: string): Promise<string> {
  const inside = await bundleFoldersIn(folder);
  if (inside.length === 1) return inside[0]!;
  if (inside.length > 1) {
    throw new BundleInvalidError(
      `${folder} holds ${inside.length} transfers (${inside.join(', ')}): choose the folder of one of them`,
    );
  }
  throw new BundleInvalidError(
    `${folder} holds neither ${TRANSFER_MANIFEST} nor any .tar archive: point at the folder 'ferry pull' or 'd8 mirror pull' wrote, or the stick holding it`,
  );
}

/** `x.tar.0003.chunk`, `x.tar.gostsum`, `x.tar` → `x.tar`; other names → undefined. */
export function archiveOfFile(name: string): string | undefined {
  return /^(.+\.tar)(?:\.\d{4,}\.chunk)?(?:\.gostsum)?$/.exec(name)?.[1];
}

export interface OpenBundleOptions {
  /**
   * Only these archives (`x.tar`), as `d8 mirror push` takes one `.tar`, one chunk or `--file`s:
   * the rest of the folder is not read, and a Ferry manifest is narrowed to their images.
   */
  archives?: readonly string[];
}

/** A Ferry manifest narrowed to some of its archives; an archive it does not list is named. */
function narrowed(manifest: TransferManifest, archives: readonly string[], dir: string): TransferManifest {
  const known = new Set(manifest.archives.map((a) => a.name));
  const unknown = archives.find((a) => !known.has(a));
  if (unknown !== undefined) {
    throw new BundleInvalidError(
      `${unknown} is not an archive of the transfer in ${dir} (it has ${[...known].join(', ')})`,
    );
  }
  const keep = new Set(archives);
  return {
    ...manifest,
    archives: manifest.archives.filter((a) => keep.has(a.name)),
    images: manifest.images.filter((i) => keep.has(i.archive)),
    blobs: manifest.blobs.filter((b) => keep.has(b.archive)),
  };
}

/** Opens a bundle from one folder or several (one per stick). The caller closes it. */
export async function openBundle(
  folders: string | readonly string[],
  options: OpenBundleOptions = {},
): Promise<OpenedBundle> {
  const given = typeof folders === 'string' ? [folders] : [...folders];
  if (given.length === 0) throw new BundleInvalidError('no bundle folder given');
  const dirs = [...new Set(await Promise.all(given.map(locateBundle)))];
  const only = options.archives ? new Set(options.archives) : undefined;
  const files = await BundleFiles.list(dirs, (name) => {
    if (!only) return true;
    const archive = archiveOfFile(name);
    return archive === undefined ? !chunkOrArchive.test(name) : only.has(archive);
  });
  try {
    if (only) {
      const missing = [...only].find((a) => !files.names().some((n) => archiveOfFile(n) === a));
      if (missing !== undefined) throw new BundleInvalidError(`${missing} is in none of ${files.where}`);
    }
    if (!files.has(TRANSFER_MANIFEST)) {
      const manifest = await describeD8Bundle(files);
      return { files, manifest, manifestDir: dirs[0]!, close: () => files.close() };
    }
    // Each stick of a Ferry transfer carries the manifest: all must name the same transfer.
    const manifests = await Promise.all(
      files
        .foldersHolding(TRANSFER_MANIFEST)
        .map(async (d) => ({ dir: d, manifest: await readTransferManifest(d) })),
    );
    const first = manifests[0]!;
    for (const other of manifests.slice(1)) {
      if (other.manifest.transferId !== first.manifest.transferId) {
        throw new BundleInvalidError(
          `${other.dir} belongs to transfer ${other.manifest.transferId}, ${first.dir} to ${first.manifest.transferId}: choose the sticks of one transfer`,
        );
      }
    }
    const manifest = options.archives
      ? narrowed(first.manifest, options.archives, first.dir)
      : first.manifest;
    return { files, manifest, manifestDir: first.dir, close: () => files.close() };
  } catch (err) {
    await files.close();
    throw err;
  }
}

/** An archive's parts where they lie on the media; undefined when one of them is on no folder. */
export function partsOnMedia(files: BundleFiles, archive: ArchiveRecord): ArchivePart[] | undefined {
  const parts: ArchivePart[] = [];
  for (const p of archive.parts) {
    const path = files.pathOf(p.file);
    if (path === undefined) return undefined;
    parts.push({ file: p.file, path, start: p.start, size: p.size });
  }
  return parts;
}
