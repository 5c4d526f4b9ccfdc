// Random access over an archive that may be cut into chunk files: push reads blobs straight out of
// the chunks by offset, so a 100 GB bundle needs no reassembled copy on disk.
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BundleInvalidError } from '../errors.ts';
import type { ArchivePart } from './archive-parts.ts';

const READ_SIZE = 1 << 20;

export class ArchiveReader {
  readonly size: number;
  private readonly parts: ArchivePart[];
  private readonly handles = new Map<string, Promise<FileHandle>>();

  constructor(parts: ArchivePart[]) {
    this.parts = parts;
    this.size = parts.reduce((n, p) => n + p.size, 0);
  }

  private handle(part: ArchivePart): Promise<FileHandle> {
    let h = this.handles.get(part.path);
    if (!h) {
      h = open(part.path, 'r');
      this.handles.set(part.path, h);
    }
    return h;
  }

  /** The part holding `offset`, and where in it. */
  locate(offset: number): { part: ArchivePart; at: number } | undefined {
    for (const part of this.parts) {
      if (offset < part.start + part.size) return { part, at: offset - part.start };
    }
    return undefined;
  }

  /** The chunk files a byte range touches (to name the stick to rewrite when it is damaged). */
  partsOf(offset: number, length: number): ArchivePart[] {
    return this.parts.filter((p) => p.start < offset + length && offset < p.start + p.size);
  }

  /** Reads exactly `length` bytes (fewer only at the end of the archive). */
  async read(offset: number, length: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    let done = 0;
    while (done < out.length) {
      const loc = this.locate(offset + done);
      if (!loc) break;
      const fh = await this.handle(loc.part);
      const want = Math.min(out.length - done, loc.part.size - loc.at);
      const { bytesRead } = await fh.read(out, done, want, loc.at);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === out.length ? out : out.subarray(0, done);
  }

  /** Streams a byte range, crossing chunk boundaries as needed, 1 MiB at a time. */
  stream(offset: number, length: number): Readable {
    let position = offset;
    const end = offset + length;
    const readable: Readable = new Readable({
      highWaterMark: READ_SIZE,
      read: () => {
        if (position >= end) {
          readable.push(null);
          return;
        }
        this.read(position, Math.min(READ_SIZE, end - position)).then(
          (buf) => {
            if (buf.length === 0) {
              const files = this.partsOf(position, end - position).map((p) => p.file);
              readable.destroy(
                new BundleInvalidError(
                  `${files.join(', ') || 'the archive'} ends at byte ${position} of the archive, before byte ${end}: the file is cut short (copy it from the media again)`,
                  { details: { files, position, end } },
                ),
              );
              return;
            }
            position += buf.length;
            readable.push(buf);
          },
          (err: unknown) => readable.destroy(err as Error),
        );
      },
    });
    return readable;
  }

  async close(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map(async (h) => (await h).close()));
  }
}
