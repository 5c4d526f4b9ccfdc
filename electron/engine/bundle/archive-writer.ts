// Writes one planned archive into its part files (`x.tar`, or `x.tar.NNNN.chunk` when cut), each
// under `<name>.tmp` until every byte of it is in place, then renamed. A part is hashed as it fills:
// blobs land in parallel and out of order, so the worker reads the part up to the first blob not in
// place yet and goes on each time that one lands; sealing the part then reads only what is left
// instead of the whole part after its last byte. A part already renamed by an earlier, interrupted
// run is kept as it is (resume). With `gostDigest` the same read that hashes a part also computes
// its Streebog-256, written beside it as `<part>.gostsum` (d8's sidecar: lowercase hex, no file
// name, no newline).
import type { ChunkRecord } from './transfer-manifest.ts';
import { open, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError, toFerryError } from '../errors.ts';
import { FileHashWorkers, type FileHashSession } from '../hash/file-hash-workers.ts';
import { gostsumFile } from '../hash/gostsum.ts';
import { partFileNames, partSizes } from './archive-parts.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';

/** A finished part, as the transfer manifest records it. */
export type WrittenPart = ChunkRecord;

export interface ArchiveWriterOptions {
  /** Write a `<part>.gostsum` beside every part and record its Streebog-256. */
  gostDigest?: boolean;
  /** Where finished parts are hashed (default: a worker of this writer's own). */
  hasher?: Pick<FileHashWorkers, 'begin'>;
}

export const GOSTSUM_SUFFIX = '.gostsum';

interface PartState {
  file: string;
  index: number;
  start: number;
  size: number;
  handle?: FileHandle;
  done?: WrittenPart;
  /** Bytes written since the last flush was started, and that flush. */
  unflushed?: number;
  flushing?: Promise<void>;
  /** The blobs expected in this part, in offset order: where each starts in the part, and its digest. */
  expected: Array<[number, string]>;
  /** Index in `expected` of the first blob not landed: the part is in place up to its start. */
  front: number;
  /** Digests expected here and not landed yet. */
  missing: Set<string>;
  /** The part's hash, begun when its first bytes are in place, and how far it was asked to go. */
  hash?: FileHashSession;
  hashAsked?: number;
}

/** A part's hash is taken forward once at least this much more of it is in place. */
const HASH_STEP = 4 << 20;

/** Start flushing a part to disk in the background every this many bytes, so that sealing it does
 *  not wait for the whole part to reach the disk at once. */
const FLUSH_EVERY = 64 << 20;

export class ArchiveWriter {
  readonly name: string;
  readonly size: number;
  readonly parts: PartState[];
  private readonly dir: string;
  private readonly gostDigest: boolean;
  private readonly hasher: Pick<FileHashWorkers, 'begin'>;
  /** The worker this writer started itself (no hasher given), stopped by close(). */
  private readonly ownHasher?: FileHashWorkers;

  private constructor(
    dir: string,
    name: string,
    size: number,
    chunkSize: number | undefined,
    options: ArchiveWriterOptions,
  ) {
    this.dir = dir;
    this.gostDigest = options.gostDigest === true;
    if (options.hasher) this.hasher = options.hasher;
    else this.hasher = this.ownHasher = new FileHashWorkers(1);
    this.name = name;
    this.size = size;
    const sizes = partSizes(size, chunkSize);
    const files = partFileNames(name, sizes.length);
    let start = 0;
    this.parts = sizes.map((s, index) => {
      const part: PartState = {
        file: files[index]!,
        index,
        start,
        size: s,
        expected: [],
        front: 0,
        missing: new Set(),
      };
      start += s;
      return part;
    });
  }

  /** Opens (or reopens, on resume) the part files; parts recorded as complete stay untouched. */
  static async open(
    dir: string,
    name: string,
    size: number,
    chunkSize: number | undefined,
    completed: Map<string, WrittenPart>,
    options: ArchiveWriterOptions = {},
  ): Promise<ArchiveWriter> {
    const w = new ArchiveWriter(dir, name, size, chunkSize, options);
    for (const part of w.parts) {
      const prior = completed.get(part.file);
      const finalSize = await stat(join(dir, part.file)).then(
        (s) => s.size,
        () => -1,
      );
      if (prior && prior.size === part.size && finalSize === part.size) {
        part.done = w.gostDigest ? await w.ensureGostsum(prior) : prior;
        continue;
      }
      const tmp = join(dir, `${part.file}.tmp`);
      const tmpExists = await stat(tmp).then(
        () => true,
        () => false,
      );
      if (!prior && finalSize === part.size && !tmpExists) {
        // Killed between the rename and the log line: the renamed part is complete; hash it again.
        part.done = await w.hashPart(part, w.hasher.begin(join(dir, part.file), w.gostDigest));
        continue;
      }
      await (await open(tmp, 'a')).close();
      const handle = await open(tmp, 'r+');
      await handle.truncate(part.size);
      part.handle = handle;
    }
    return w;
  }

  /** Index range of the parts a byte range touches. */
  partsOf(offset: number, length: number): PartState[] {
    return this.parts.filter((p) => p.start < offset + Math.max(length, 1) && offset < p.start + p.size);
  }

  /** A blob this writer will be given at an archive offset (in offset order, as laid out). */
  expect(offset: number, size: number, digest: string): void {
    for (const part of this.partsOf(offset, size)) {
      if (part.done) continue;
      part.expected.push([Math.max(0, offset - part.start), digest]);
      part.missing.add(digest);
    }
  }

  /**
   * A blob's bytes are all written at `offset`. Hashing goes on in each part it is in, up to the
   * next blob not in place; returns the parts now complete, for the caller to seal.
   */
  landed(offset: number, size: number, digest: string): PartState[] {
    const complete: PartState[] = [];
    for (const part of this.partsOf(offset, size)) {
      if (!part.missing.delete(digest)) continue;
      if (part.missing.size === 0) {
        complete.push(part);
        continue;
      }
      const { expected } = part;
      while (part.front < expected.length && !part.missing.has(expected[part.front]![1])) part.front++;
      const inPlace = expected[part.front]![0];
      // In steps of HASH_STEP: small blobs would each send the worker a read of a few KB.
      if (inPlace - (part.hashAsked ?? 0) < HASH_STEP) continue;
      part.hashAsked = inPlace;
      part.hash ??= this.hasher.begin(join(this.dir, `${part.file}.tmp`), this.gostDigest);
      part.hash.advance(inPlace);
    }
    return complete;
  }

  /**
   * Writes buffers back to back at an archive offset. Within one part they go down in one writev,
   * not copied into one buffer first (that copy was a tenth of a pull's CPU); a range crossing a
   * cut is joined and split by writeAt.
   */
  async writeManyAt(offset: number, buffers: Buffer[], length: number): Promise<void> {
    const parts = this.partsOf(offset, length);
    const part = parts[0];
    if (buffers.length === 1 || parts.length !== 1 || !part?.handle) {
      await this.writeAt(offset, buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, length));
      return;
    }
    const at = offset - part.start;
    try {
      const { bytesWritten } = await part.handle.writev(buffers, at);
      // A short write (the disk filled up half way): write the rest alone, which reports the cause.
      if (bytesWritten < length) {
        const rest = Buffer.concat(buffers, length).subarray(bytesWritten);
        await part.handle.write(rest, 0, rest.length, at + bytesWritten);
      }
    } catch (err) {
      throw toFerryError(err);
    }
    this.flushInBackground(part, length);
  }

  /** Writes bytes at an archive offset, split across part files where the range crosses a cut. */
  async writeAt(offset: number, data: Buffer): Promise<void> {
    let done = 0;
    for (const part of this.partsOf(offset, data.length)) {
      if (done >= data.length) break;
      const at = offset + done - part.start;
      const n = Math.min(data.length - done, part.size - at);
      if (part.handle) {
        try {
          await part.handle.write(data, done, n, at);
        } catch (err) {
          throw toFerryError(err);
        }
        this.flushInBackground(part, n);
      }
      done += n;
    }
  }

  /** Flushes, hashes (reading the part back on a worker thread, which also proves the disk kept it)
   *  and renames a part; downloads into other parts go on meanwhile. */
  async completePart(part: PartState): Promise<WrittenPart> {
    if (part.done) return part.done;
    const handle = part.handle;
    if (!handle) throw new Error(`part ${part.file} is not open`);
    part.handle = undefined;
    const tmp = join(this.dir, `${part.file}.tmp`);
    // Hash (from the page cache, on a worker) while the last bytes reach the disk; rename only
    // once both are done, so a renamed part is always complete on disk.
    const [done] = await Promise.all([
      this.hashPart(part, part.hash ?? this.hasher.begin(tmp, this.gostDigest)),
      part.flushing?.then(() => handle.datasync()) ?? handle.datasync(),
    ]);
    await handle.close();
    await rename(tmp, join(this.dir, part.file));
    part.done = done;
    part.expected = [];
    part.hash = undefined;
    return done;
  }

  private flushInBackground(part: PartState, written: number): void {
    part.unflushed = (part.unflushed ?? 0) + written;
    if (part.unflushed < FLUSH_EVERY || part.flushing || !part.handle) return;
    part.unflushed = 0;
    const handle = part.handle;
    // Errors here resurface in completePart's own datasync.
    part.flushing = handle
      .datasync()
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        part.flushing = undefined;
      });
  }

  /** The part's record, once `hash` has read it to the end. */
  private async hashPart(part: PartState, hash: FileHashSession): Promise<WrittenPart> {
    const hashes = await hash.digest();
    if (!hashes.sha256) {
      throw new IoError(`cannot read back ${join(this.dir, part.file)}: ${hashes.error ?? 'unknown error'}`);
    }
    const done: WrittenPart = {
      file: part.file,
      index: part.index,
      start: part.start,
      size: part.size,
      sha256: hashes.sha256,
    };
    if (hashes.streebog256) {
      done.streebog256 = hashes.streebog256;
      // On media like the manifest: synced, or a stick pulled at once may lose it.
      await writeFileAtomic(join(this.dir, part.file + GOSTSUM_SUFFIX), done.streebog256);
    }
    return done;
  }

  /** A part finished by an earlier run: its sidecar written (or rewritten) and its Streebog known. */
  private async ensureGostsum(prior: WrittenPart): Promise<WrittenPart> {
    const sidecar = join(this.dir, prior.file + GOSTSUM_SUFFIX);
    const onDisk = await readFile(sidecar, 'utf8').catch(() => undefined);
    const streebog256 = prior.streebog256 ?? (await gostsumFile(join(this.dir, prior.file)));
    if (onDisk !== streebog256) await writeFileAtomic(sidecar, streebog256);
    return { ...prior, streebog256 };
  }

  async close(): Promise<void> {
    for (const p of this.parts) {
      await p.handle?.close();
      p.handle = undefined;
    }
    await this.ownHasher?.close();
  }
}
