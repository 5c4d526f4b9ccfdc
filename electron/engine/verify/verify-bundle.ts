// The isolated side's first question: is everything on the sticks, intact? Checks the chunk set is
// complete (a gap is named), every part's size and SHA-256 against the transfer manifest (on a
// worker thread), and — reading every archive end to end on this thread — every blob and manifest
// digest, and that every blob a manifest references is present. Damage is located: the chunk file
// (which stick to rewrite), the byte range, and the images affected.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEventListener } from '../../../shared/jobs.ts';
import { chunkFileName, type ArchivePart } from '../bundle/archive-parts.ts';
import { ArchiveReader } from '../bundle/archive-reader.ts';
import { indexTar, type TarFile } from '../bundle/tar-index.ts';
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import { readBundleManifest } from '../deckhouse/d8-bundle.ts';
import { CancelledError } from '../errors.ts';
import { blobDescriptors, childDescriptors, isImageIndex, parseManifest } from '../oci/manifest.ts';
import { expectedGostsums, gostsumProblems } from './gostsum-sidecars.ts';
import { hashFiles } from '../hash/file-hash-workers.ts';

export type ProblemKind =
  'missing-file' | 'size' | 'checksum' | 'gostsum' | 'blob-digest' | 'missing-blob' | 'archive' | 'manifest';

export interface VerifyProblem {
  kind: ProblemKind;
  message: string;
  /** The file on the media to copy again. */
  file?: string;
  /** Byte range inside the archive. */
  range?: { start: number; end: number };
  digest?: string;
  images: string[];
}

export interface VerifyReport {
  ok: boolean;
  transferId: string;
  files: Array<{ file: string; size: number; status: 'ok' | 'missing' | 'size' | 'checksum' }>;
  images: Array<{ source: string; target: string; ok: boolean }>;
  blobsChecked: number;
  bytesChecked: number;
  problems: VerifyProblem[];
  seconds: number;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

const READ = 4 << 20;

async function hashRange(
  reader: ArchiveReader,
  offset: number,
  size: number,
  algorithm: string,
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash(algorithm);
  for (let pos = offset; pos < offset + size; pos += READ) {
    if (signal?.aborted) throw new CancelledError();
    hash.update(await reader.read(pos, Math.min(READ, offset + size - pos)));
  }
  return hash.digest('hex');
}

export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  // A bundle `d8 mirror pull` wrote has no manifest of its own: one is read from its index.json files.
  const manifest: TransferManifest = await readBundleManifest(dir);
  const problems: VerifyProblem[] = [];
  const present = new Set(await readdir(dir));
  // An incremental bundle leaves out blobs the target registry already holds: not missing.
  const omitted = new Set((manifest.omitted ?? []).map((o) => o.digest));

  /** Images that need any content in archive `archive` between `start` and `end`. */
  const imagesIn = (archive: string, start: number, end: number): string[] => {
    const digests = new Set(
      manifest.blobs
        .filter((b) => b.archive === archive && b.offset < end && start < b.offset + Math.max(b.size, 1))
        .map((b) => b.digest),
    );
    return manifest.images
      .filter((i) => i.archive === archive && i.contents.some((d) => digests.has(d)))
      .map((i) => i.source);
  };
  const imagesNeeding = (digest: string) =>
    manifest.images.filter((i) => i.contents.includes(digest)).map((i) => i.source);

  // 1. Every file the manifest lists is there, at its size; none is missing in the numbering.
  const files: VerifyReport['files'] = [];
  const readable = new Map<string, ArchivePart[]>();
  for (const archive of manifest.archives) {
    const parts: ArchivePart[] = [];
    let intact = true;
    for (const part of archive.parts) {
      const path = join(dir, part.file);
      const size = present.has(part.file) ? (await stat(path)).size : -1;
      const range = { start: part.start, end: part.start + part.size };
      if (size < 0) {
        intact = false;
        files.push({ file: part.file, size: part.size, status: 'missing' });
        problems.push({
          kind: 'missing-file',
          file: part.file,
          range,
          message: `${part.file} is missing (bytes ${range.start}-${range.end} of ${archive.name}): copy it from the media again`,
          images: imagesIn(archive.name, range.start, range.end),
        });
      } else if (size !== part.size) {
        intact = false;
        files.push({ file: part.file, size, status: 'size' });
        problems.push({
          kind: 'size',
          file: part.file,
          range,
          message: `${part.file} has ${size} bytes, expected ${part.size}: copy it from the media again`,
          images: imagesIn(archive.name, range.start, range.end),
        });
      } else {
        files.push({ file: part.file, size, status: 'ok' });
      }
      parts.push({ file: part.file, path, start: part.start, size: part.size });
    }
    // Chunks beyond the last one listed would mean a different bundle was copied over this one.
    if (archive.chunked) {
      const extra = chunkFileName(archive.name, archive.parts.length);
      if (present.has(extra)) {
        problems.push({
          kind: 'archive',
          file: extra,
          message: `${extra} is not part of this bundle (transfer ${manifest.transferId}): remove it`,
          images: [],
        });
      }
    }
    if (intact) readable.set(archive.name, parts);
  }

  // 2. Chunk checksums on a worker thread, while 3. runs here.
  // (Streebog-256 too, for parts with a .gostsum sidecar or a recorded one.)
  const gost = await expectedGostsums(dir, manifest, present);
  const partPaths = [...readable.values()].flat();
  const hashing = hashFiles(
    partPaths.map((p) => p.path),
    partPaths.filter((p) => gost.has(p.file)).map((p) => p.path),
  );

  // 3. Every archive end to end: blob digests and manifest references.
  const found = new Set<string>();
  let blobsChecked = 0;
  let bytesChecked = 0;
  emit({ type: 'phase', phase: 'verify', message: `checking ${manifest.archives.length} archive(s)` });
  for (const [name, parts] of readable) {
    const reader = new ArchiveReader(parts);
    try {
      let entries: TarFile[];
      try {
        entries = await indexTar(reader, name);
      } catch (err) {
        problems.push({
          kind: 'archive',
          message: (err as Error).message,
          images: imagesIn(name, 0, reader.size),
        });
        continue;
      }
      const layouts = new Map<string, Map<string, TarFile>>();
      for (const e of entries) {
        const m = /^(?:(.*)\/)?blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(e.path);
        if (!m) continue;
        const digest = `${m[2]}:${m[3]}`;
        found.add(digest);
        const layout = m[1] ?? '';
        const blobs = layouts.get(layout) ?? new Map<string, TarFile>();
        blobs.set(digest, e);
        layouts.set(layout, blobs);
        const actual = await hashRange(reader, e.offset, e.size, m[2]!, options.signal);
        blobsChecked++;
        bytesChecked += e.size;
        if (actual !== m[3]) {
          const damaged = reader.partsOf(e.offset, e.size).map((p) => p.file);
          problems.push({
            kind: 'blob-digest',
            digest,
            file: damaged.join(', '),
            range: { start: e.offset, end: e.offset + e.size },
            message: `blob ${digest} in ${damaged.join(', ')} (bytes ${e.offset}-${e.offset + e.size}) is damaged: copy ${damaged.length > 1 ? 'those files' : 'that file'} from the media again`,
            images: imagesNeeding(digest),
          });
        }
      }
      // Every blob a manifest references is present in its layout.
      for (const [layout, blobs] of layouts) {
        for (const [digest, entry] of blobs) {
          if (entry.size > 4 << 20) continue;
          const bytes = await reader.read(entry.offset, entry.size);
          let parsed;
          try {
            parsed = parseManifest(bytes, undefined, { source: 'bundle', label: digest });
          } catch {
            continue; // not a manifest: a config or a layer
          }
          const refs = isImageIndex(parsed)
            ? childDescriptors(parsed)
            : blobDescriptors(parsed).filter((b) => !b.foreign);
          for (const d of refs) {
            if (blobs.has(d.digest) || omitted.has(d.digest)) continue;
            problems.push({
              kind: 'missing-blob',
              digest: d.digest,
              message: `${name}${layout ? `:${layout}` : ''}: ${digest} references ${d.digest}, which is not in the bundle`,
              images: imagesNeeding(digest),
            });
          }
        }
      }
    } finally {
      await reader.close();
    }
  }

  // 2 (continued). Compare the worker's checksums with the manifest.
  const sums = await hashing;
  for (const archive of manifest.archives) {
    if (!readable.has(archive.name)) continue;
    for (const part of archive.parts) {
      const got = sums.get(join(dir, part.file));
      // A d8 bundle records no SHA-256: its parts are checked by their blobs and .gostsum sidecars.
      if (part.sha256 === '' || got?.sha256 === part.sha256) continue;
      const range = { start: part.start, end: part.start + part.size };
      const f = files.find((x) => x.file === part.file);
      if (f) f.status = 'checksum';
      problems.push({
        kind: 'checksum',
        file: part.file,
        range,
        message: `${part.file} is damaged (SHA-256 ${got?.sha256 ?? got?.error ?? 'unreadable'}, expected ${part.sha256}; bytes ${range.start}-${range.end} of ${archive.name}): copy it from the media again`,
        // The blob checks above already pinpointed which images the damage reaches; if every blob in
        // this range hashed correctly, the damage lies in tar padding and no image is affected.
        images: [
          ...new Set(
            problems
              .filter(
                (p) =>
                  p.kind === 'blob-digest' &&
                  p.range &&
                  p.range.start < range.end &&
                  range.start < p.range.end,
              )
              .flatMap((p) => p.images),
          ),
        ],
      });
    }
  }

  const checkedParts = new Set(partPaths.map((p) => p.file));
  problems.push(...gostsumProblems(dir, manifest, checkedParts, gost, sums, problems));

  // Every image's own manifest is in its archive (a d8 bundle's index.json may name one that is not).
  for (const image of manifest.images) {
    if (!readable.has(image.archive) || found.has(image.digest) || omitted.has(image.digest)) continue;
    problems.push({
      kind: 'missing-blob',
      digest: image.digest,
      message: `${image.archive}${image.layout ? `:${image.layout}` : ''}: index.json lists ${image.digest}, which is not in the bundle`,
      images: [image.source],
    });
  }

  const hurt = new Set(problems.flatMap((p) => p.images));
  const report: VerifyReport = {
    ok: problems.length === 0,
    transferId: manifest.transferId,
    files,
    images: manifest.images.map((i) => ({
      source: i.source,
      target: `${i.target.repository}${i.target.tag ? `:${i.target.tag}` : `@${i.digest}`}`,
      ok: !hurt.has(i.source),
    })),
    blobsChecked,
    bytesChecked,
    problems,
    seconds: (performance.now() - started) / 1000,
  };
  return report;
}
