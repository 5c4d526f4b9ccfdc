// The bundle as a copy destination. prepare() learns the whole plan first and lays every archive out
// (oci-layout, index.json and manifests written at once; blob ranges reserved), then putBlob streams
// each blob straight into its place, and a part file is hashed and renamed as soon as every blob in
// it has landed. The stream putBlob is given fails before it ends if its bytes do not match (the
// copy verifies them), so a blob counts as landed — and its part can be sealed — only after a
// stream that ended cleanly. Completed blobs and parts are logged, so a pull killed at
// any moment resumes without downloading them again.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppendLog } from './append-log.ts';
import { ArchiveWriter, type WrittenPart } from './archive-writer.ts';
import { FileHashWorkers } from '../hash/file-hash-workers.ts';
import { layoutArchive, type FileToArchive } from './archive-layout.ts';
import { blobPath, joinLayoutPath, layoutIndex, OCI_LAYOUT_FILE, parseBlobPath } from './oci-layout-files.ts';
import type { BlobRecord, TransferManifest } from './transfer-manifest.ts';
import { allBlobs, allManifests, type CopyPlan, type ImageGraph } from '../plan/image-graph.ts';
import { BundleInvalidError, DigestMismatchError } from '../errors.ts';
import { BLOCK, encodeFileHeader } from './tar-header.ts';
import type { Descriptor, RawManifest } from '../oci/types.ts';
import type { BlobOrder, BlobSink, Closer, PlannedSink } from '../store/store.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

export interface Placement {
  archive: string;
  layout: string;
}

export interface BundleSinkOptions {
  /** Cut archives larger than this into chunks; undefined keeps each archive whole. */
  chunkSize?: number;
  /** Where resume logs live (default: `<bundle>/.ferry-pull`). */
  stateDir?: string;
  /** Which archive and layout an image goes to (default: one layout at the root of images.tar). */
  placement?: (image: ImageGraph) => Placement;
  /** Write a `.gostsum` (Streebog-256) beside every .tar and .chunk, as `d8 mirror pull --gost-digest`. */
  gostDigest?: boolean;
  /** Blobs not to lay out (an incremental pull: the target registry holds them); copies skip them. */
  leaveOut?: ReadonlySet<string>;
}

interface BlobSlot {
  writer: ArchiveWriter;
  offset: number;
}

const WRITE_BATCH = 1 << 20;

/** What the transfer manifest records of the archives a BundleSink wrote. */
export type SealedBundle = Pick<TransferManifest, 'archives' | 'blobs' | 'images'>;

/**
 * Headers and manifests laid out back to back go down in one writev per MiB, not one write each:
 * an edition lays out 100,000 entries before its first download. The zeros padding an entry to
 * its block are written with it (the part file is zero there already), so a run is not cut.
 */
class ContiguousWrites {
  private start = 0;
  private length = 0;
  private buffers: Buffer[] = [];
  private readonly writer: ArchiveWriter;
  constructor(writer: ArchiveWriter) {
    this.writer = writer;
  }

  async add(offset: number, bytes: Buffer): Promise<void> {
    const end = this.start + this.length;
    const gap = offset - end;
    if (this.length > 0 && (gap < 0 || gap >= BLOCK || this.length >= WRITE_BATCH)) await this.flush();
    if (this.length === 0) this.start = offset;
    else if (gap > 0) this.push(ZEROS.subarray(0, gap));
    this.push(bytes);
  }

  private push(bytes: Buffer): void {
    this.buffers.push(bytes);
    this.length += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.length === 0) return;
    await this.writer.writeManyAt(this.start, this.buffers, this.length);
    this.buffers = [];
    this.length = 0;
  }
}

const ZEROS = Buffer.alloc(BLOCK);

export class BundleSink implements BlobSink, PlannedSink<SealedBundle>, BlobOrder, Closer {
  readonly name: string;
  readonly stateDir: string;
  private readonly dir: string;
  private readonly options: BundleSinkOptions;
  private plan: CopyPlan | undefined;
  private readonly writers = new Map<string, ArchiveWriter>();
  /** What the manifest will record of each blob, made as the archives are laid out: the layouts'
   *  entries (an edition's are 70,000, with their paths) are not kept through the copy for it. */
  private readonly blobRecords: BlobRecord[] = [];
  private readonly blobSlots = new Map<string, BlobSlot[]>();
  private readonly blobSizes = new Map<string, number>();
  private readonly manifests = new Map<string, RawManifest>();
  private readonly doneBlobs = new Set<string>();
  private readonly doneParts = new Map<string, WrittenPart>();
  /** Finished parts are hashed on a worker thread while downloads go on. */
  private readonly hasher = new FileHashWorkers(1);
  private readonly placements = new Map<ImageGraph, Placement>();
  /** Resume logs: the blobs in place and the parts sealed, read back by a resumed pull. */
  private readonly blobLog: AppendLog;
  private readonly partLog: AppendLog;

  constructor(dir: string, options: BundleSinkOptions = {}) {
    this.dir = dir;
    this.name = dir;
    this.options = options;
    this.stateDir = options.stateDir ?? join(dir, '.ferry-pull');
    this.blobLog = new AppendLog(join(this.stateDir, 'blobs.done'));
    this.partLog = new AppendLog(join(this.stateDir, 'parts.done'));
  }

  private placementOf(image: ImageGraph): Placement {
    return this.options.placement?.(image) ?? { archive: 'images.tar', layout: '' };
  }

  async prepare(plan: CopyPlan): Promise<void> {
    this.plan = plan;
    await mkdir(this.stateDir, { recursive: true });
    await this.loadResumeLogs();

    // Group images by archive and layout.
    const archives = new Map<string, Map<string, ImageGraph[]>>();
    for (const image of plan.images) {
      const p = this.placementOf(image);
      this.placements.set(image, p);
      const layouts = archives.get(p.archive) ?? new Map<string, ImageGraph[]>();
      archives.set(p.archive, layouts);
      // Pushed, not spread into a new array per image: that was quadratic, and for an edition of
      // 10,000 images it allocated hundreds of MB of short-lived arrays straight into the old heap.
      const images = layouts.get(p.layout) ?? [];
      layouts.set(p.layout, images);
      images.push(image);
    }

    for (const [archiveName, layouts] of [...archives].sort(([a], [b]) => byCodeUnits(a, b))) {
      const files: FileToArchive[] = [];
      for (const [layout, images] of [...layouts].sort(([a], [b]) => byCodeUnits(a, b))) {
        files.push({
          path: joinLayoutPath(layout, 'oci-layout'),
          size: OCI_LAYOUT_FILE.length,
          content: { kind: 'bytes', bytes: OCI_LAYOUT_FILE },
        });
        const index = layoutIndex(images);
        files.push({
          path: joinLayoutPath(layout, 'index.json'),
          size: index.length,
          content: { kind: 'bytes', bytes: index },
        });
        const manifests = new Map<string, RawManifest>();
        const blobs = new Map<string, Descriptor>();
        for (const image of images) {
          for (const m of allManifests(image)) manifests.set(m.digest, m);
          for (const b of allBlobs(image)) blobs.set(b.digest, b);
        }
        for (const m of [...manifests.values()].sort((a, b) => byCodeUnits(a.digest, b.digest))) {
          this.manifests.set(m.digest, m);
          files.push({
            path: blobPath(layout, m.digest),
            size: m.bytes.length,
            content: { kind: 'bytes', bytes: m.bytes },
          });
        }
        for (const b of [...blobs.values()].sort((a, c) => byCodeUnits(a.digest, c.digest))) {
          if (manifests.has(b.digest) || this.options.leaveOut?.has(b.digest)) continue;
          this.blobSizes.set(b.digest, b.size);
          files.push({
            path: blobPath(layout, b.digest),
            size: b.size,
            content: { kind: 'blob', digest: b.digest },
          });
        }
      }
      const layout = layoutArchive(archiveName, files);
      const writer = await ArchiveWriter.open(
        this.dir,
        archiveName,
        layout.size,
        this.options.chunkSize,
        this.doneParts,
        { gostDigest: this.options.gostDigest === true, hasher: this.hasher },
      );
      this.writers.set(archiveName, writer);
      for (const part of writer.parts) {
        if (part.done && !this.doneParts.has(part.file)) await this.logPart(part.done);
      }

      const run = new ContiguousWrites(writer);
      for (const entry of layout.entries) {
        const blob = parseBlobPath(entry.path);
        if (blob)
          this.blobRecords.push({
            ...blob,
            size: entry.size,
            archive: archiveName,
            offset: entry.dataOffset,
          });
        await run.add(entry.headerOffset, encodeFileHeader(entry.path, entry.size));
        if (entry.content.kind === 'bytes') {
          await run.add(entry.dataOffset, entry.content.bytes);
          continue;
        }
        const digest = entry.content.digest;
        this.blobSlots.set(digest, [
          ...(this.blobSlots.get(digest) ?? []),
          { writer, offset: entry.dataOffset },
        ]);
        if (!this.doneBlobs.has(digest)) writer.expect(entry.dataOffset, entry.size, digest);
      }
      await run.flush();
      // Zero blocks at the end are what the truncation to size already wrote.
    }
  }

  private async loadResumeLogs(): Promise<void> {
    const read = (f: string) => readFile(join(this.stateDir, f), 'utf8').catch(() => '');
    for (const line of (await read('blobs.done')).split('\n')) if (line) this.doneBlobs.add(line);
    for (const line of (await read('parts.done')).split('\n')) {
      if (!line) continue;
      try {
        const p = JSON.parse(line) as WrittenPart;
        this.doneParts.set(p.file, p);
      } catch {
        // A torn last line from a kill: that part is simply redone.
      }
    }
  }

  /** Blobs as laid out: archive by archive, in offset order. */
  blobOrder(): Iterable<string> {
    return this.blobSlots.keys();
  }

  /** True once the blob's bytes are all in place (this run or an earlier one). */
  async hasBlob(_repository: string, digest: string): Promise<boolean> {
    return (
      this.doneBlobs.has(digest) ||
      (this.manifests.has(digest) && !this.blobSlots.has(digest)) ||
      this.options.leaveOut?.has(digest) === true
    );
  }

  async putBlob(_repository: string, descriptor: Descriptor, stream: Readable): Promise<void> {
    const slots = this.blobSlots.get(descriptor.digest);
    if (!slots) throw new BundleInvalidError(`blob ${descriptor.digest} is not part of this bundle's plan`);
    if (this.doneBlobs.has(descriptor.digest)) {
      stream.resume();
      return;
    }
    let written = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      if (written + pendingBytes > descriptor.size) {
        throw new DigestMismatchError(
          `blob ${descriptor.digest} is larger than its descriptor says (${descriptor.size} bytes): refused`,
        );
      }
      for (const slot of slots) await slot.writer.writeManyAt(slot.offset + written, pending, pendingBytes);
      written += pendingBytes;
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= WRITE_BATCH) await flush();
    }
    await flush();
    if (written !== descriptor.size) {
      throw new DigestMismatchError(
        `blob ${descriptor.digest}: ${written} of ${descriptor.size} bytes arrived: refused`,
        { details: { digest: descriptor.digest, actualSize: written } },
      );
    }
    this.doneBlobs.add(descriptor.digest);
    await this.blobLog.append(descriptor.digest);
    for (const { writer, offset } of slots) {
      for (const part of writer.landed(offset, descriptor.size, descriptor.digest)) {
        await this.logPart(await writer.completePart(part));
      }
    }
  }

  private async logPart(done: WrittenPart): Promise<void> {
    this.doneParts.set(done.file, done);
    await this.partLog.append(JSON.stringify(done));
  }

  /** Manifests were laid out by prepare(); this only checks the copy and the plan agree. */
  async putManifest(repository: string, reference: string, manifest: RawManifest): Promise<void> {
    if (!this.manifests.has(manifest.digest)) {
      throw new BundleInvalidError(
        `manifest ${manifest.digest} for ${repository}:${reference} is not in the plan`,
      );
    }
  }

  async mountBlob(): Promise<boolean> {
    return false;
  }

  /** Seals every part, writes nothing else; returns what the transfer manifest records. */
  async finish(): Promise<SealedBundle> {
    if (!this.plan) throw new Error('finish() before prepare()');
    const missing = [...this.blobSizes.keys()].filter((d) => !this.doneBlobs.has(d));
    if (missing.length)
      throw new BundleInvalidError(`${missing.length} blob(s) never arrived, e.g. ${missing[0]}`);
    for (const writer of this.writers.values()) {
      for (const part of writer.parts) if (!part.done) await this.logPart(await writer.completePart(part));
      await writer.close();
    }
    // Every part is hashed: the worker's memory goes before the manifest, its signature and the
    // ledger entries are made (for an edition, the end of a pull is its peak).
    await this.hasher.close();
    const archives = [...this.writers.values()].map((w) => ({
      name: w.name,
      size: w.size,
      chunked: w.parts.length > 1,
      parts: w.parts.map((p) => this.doneParts.get(p.file)!),
      layouts: [
        ...new Set([...this.placements.values()].filter((p) => p.archive === w.name).map((p) => p.layout)),
      ].sort(),
    }));
    const images = this.plan.images.map((img) => {
      const p = this.placements.get(img)!;
      return {
        source: img.request.sourceText,
        digest: img.root.digest,
        mediaType: img.root.mediaType,
        size: img.root.bytes.length,
        platforms: img.platforms,
        target: img.request.target,
        archive: p.archive,
        layout: p.layout,
        artifacts: img.artifacts.map((a) => ({
          kind: a.kind,
          subject: a.subject,
          ...(a.tag ? { tag: a.tag } : {}),
          digest: a.root.digest,
          mediaType: a.root.mediaType,
        })),
        contents: [
          ...new Set([...allManifests(img).map((m) => m.digest), ...allBlobs(img).map((b) => b.digest)]),
        ],
      };
    });
    return { archives, blobs: this.blobRecords, images };
  }

  /** Closes every part file (finished or not); safe to call twice. */
  async close(): Promise<void> {
    for (const writer of this.writers.values()) await writer.close();
    await this.hasher.close();
    await this.blobLog.close();
    await this.partLog.close();
  }

  /** Removes resume logs once the transfer manifest is written. */
  async discardState(): Promise<void> {
    await this.blobLog.close();
    await this.partLog.close();
    await rm(this.stateDir, { recursive: true, force: true });
  }
}
