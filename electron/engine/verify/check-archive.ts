// Verify, inside one archive: index the tar by its headers, then walk every OCI layout from its
// index.json — each manifest and index read, hashed against its digest and parsed, and every blob
// it references checked to be present. Blob contents are hashed on request: all of them (--deep,
// or a d8 bundle that records no chunk checksums) or those lying in a chunk whose checksum failed,
// to name the damaged blob and the images it belongs to.
import type { ArchiveReader } from '../bundle/archive-reader.ts';
import { parseBlobPath } from '../bundle/oci-layout-files.ts';
import type { TarFile, UnsafeTarEntry } from '../bundle/tar-index.ts';
import { CancelledError } from '../errors.ts';
import { createDigestHasher, digestLike, parseDigest } from '../oci/digest.ts';
import { walkManifestGraph } from '../oci/manifest-graph.ts';
import type { Descriptor } from '../oci/types.ts';
import type { VerifyProblem } from './verify-report.ts';

const READ = 4 << 20;
const MAX_MANIFEST = 16 << 20;

export interface ArchiveCheckContext {
  omitted: Set<string>;
  imagesNeeding: (digest: string) => string[];
  signal?: AbortSignal;
}

export class ArchiveCheck {
  readonly problems: VerifyProblem[] = [];
  /** Every blob and manifest digest present in the archive. */
  readonly found = new Set<string>();
  /** Blobs whose bytes were hashed here, and what they hashed to being right. */
  private readonly hashed = new Map<TarFile, boolean>();
  bytesHashed = 0;
  private entries: TarFile[] = [];
  private readonly layouts = new Map<string, Map<string, TarFile>>();
  private readonly name: string;
  private readonly reader: ArchiveReader;
  private readonly ctx: ArchiveCheckContext;

  constructor(name: string, reader: ArchiveReader, ctx: ArchiveCheckContext) {
    this.name = name;
    this.reader = reader;
    this.ctx = ctx;
  }

  /** Blobs found intact: hashed here, or (for the caller to decide) covered by a chunk checksum. */
  get blobCount(): number {
    return [...this.layouts.values()].reduce((n, l) => n + l.size, 0);
  }

  /** False (with a problem recorded) when the tar headers cannot be walked. */
  async index(
    entries: Promise<TarFile[]>,
    imagesInArchive: () => string[],
    unsafe: () => Promise<UnsafeTarEntry[]>,
  ): Promise<boolean> {
    try {
      this.entries = await entries;
    } catch (err) {
      this.problems.push({ kind: 'archive', message: (err as Error).message, images: imagesInArchive() });
      return false;
    }
    // Push would not extract these, but a bundle holding them is not one Ferry or d8 wrote: refuse
    // it here as push's caller would, naming the entry and the file it lies in.
    for (const u of await unsafe()) {
      const files = this.reader.partsOf(u.offset, 512).map((p) => p.file);
      this.problems.push({
        kind: 'archive',
        file: files.join(', '),
        message: `${this.name}: tar entry ${JSON.stringify(u.path)} (in ${files.join(', ')}, byte ${u.offset}) is ${u.reason}: this bundle was altered, do not push it`,
        images: [],
      });
    }
    for (const e of this.entries) {
      const blob = parseBlobPath(e.path);
      if (!blob) continue;
      const blobs = this.layouts.get(blob.layout) ?? new Map<string, TarFile>();
      blobs.set(blob.digest, e);
      this.layouts.set(blob.layout, blobs);
      this.found.add(blob.digest);
    }
    return true;
  }

  /** Every manifest reachable from each layout's index.json: digest, parse, references present. */
  async checkManifests(): Promise<void> {
    for (const e of this.entries) {
      if (!/(^|\/)index\.json$/.test(e.path)) continue;
      const layout = e.path.replace(/\/?index\.json$/, '');
      let index: { manifests?: Descriptor[] };
      try {
        index = JSON.parse(
          (await this.reader.read(e.offset, Math.min(e.size, MAX_MANIFEST))).toString('utf8'),
        ) as {
          manifests?: Descriptor[];
        };
      } catch {
        this.problems.push({
          kind: 'manifest',
          message: `${this.where(layout)}index.json is not valid JSON (damaged?)`,
          images: [],
        });
        continue;
      }
      await walkManifestGraph(index.manifests ?? [], {
        read: async (d, parent) => {
          const entry = this.present(layout, d.digest, parent?.digest ?? 'index.json');
          if (!entry || entry.size > MAX_MANIFEST) return undefined;
          const bytes = await this.reader.read(entry.offset, entry.size);
          return this.checkDigest(entry, d.digest, bytes) ? bytes : undefined;
        },
        invalid: (d, err) =>
          this.problems.push({
            kind: 'manifest',
            digest: d.digest,
            message: (err as Error).message,
            images: this.ctx.imagesNeeding(d.digest),
          }),
        blob: (b, parent) => {
          if (!b.foreign) this.present(layout, b.digest, parent.digest);
        },
      });
    }
  }

  /** Hashes the contents of blobs chosen by `which` (each at most once). */
  async hashBlobs(which: (entry: TarFile) => boolean): Promise<void> {
    for (const blobs of this.layouts.values()) {
      for (const [digest, entry] of blobs) {
        if (this.hashed.has(entry) || !which(entry)) continue;
        const hash = createDigestHasher(parseDigest(digest).algorithm);
        for (let pos = entry.offset; pos < entry.offset + entry.size; pos += READ) {
          if (this.ctx.signal?.aborted) throw new CancelledError();
          hash.update(await this.reader.read(pos, Math.min(READ, entry.offset + entry.size - pos)));
        }
        this.bytesHashed += entry.size;
        this.checkDigest(entry, digest, undefined, hash.digest());
      }
    }
  }

  /** Blob entries overlapping a byte range of the archive. */
  overlaps(start: number, end: number): (entry: TarFile) => boolean {
    return (e) => e.offset < end && start < e.offset + Math.max(e.size, 1);
  }

  private present(layout: string, digest: string, from: string): TarFile | undefined {
    const entry = this.layouts.get(layout)?.get(digest);
    if (!entry && !this.ctx.omitted.has(digest)) {
      this.problems.push({
        kind: 'missing-blob',
        digest,
        message: `${this.where(layout)}${from} references ${digest}, which is not in the bundle`,
        images: this.ctx.imagesNeeding(from.startsWith('sha') ? from : digest),
      });
    }
    return entry;
  }

  private checkDigest(entry: TarFile, digest: string, bytes?: Buffer, actual?: string): boolean {
    const got = actual ?? digestLike(bytes!, digest);
    if (bytes) this.bytesHashed += bytes.length;
    const ok = got === digest;
    this.hashed.set(entry, ok);
    if (!ok) {
      const files = this.reader.partsOf(entry.offset, entry.size).map((p) => p.file);
      this.problems.push({
        kind: 'blob-digest',
        digest,
        file: files.join(', '),
        range: { start: entry.offset, end: entry.offset + entry.size },
        message: `blob ${digest} in ${files.join(', ')} (bytes ${entry.offset}-${entry.offset + entry.size}) is damaged: copy ${files.length > 1 ? 'those files' : 'that file'} from the media again`,
        images: this.ctx.imagesNeeding(digest),
      });
    }
    return ok;
  }

  private where(layout: string): string {
    return `${this.name}${layout ? `:${layout}` : ''}: `;
  }
}
