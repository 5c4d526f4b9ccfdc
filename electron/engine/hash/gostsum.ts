// The checksum of d8 mirror's `.gostsum` sidecars: lowercase hex Streebog-256 of a whole .tar or
// .chunk file, in the byte order Debian's `gost12sum` prints (see streebog.ts). The sidecar file
// holds that hex alone: no file name, no newline.
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { IoError } from '../errors.ts';
import { Streebog256, toHex } from './streebog.ts';

// Big enough that reads cost little, small enough that one hashing step (~2 ms) never holds the
// event loop for long.
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * A pass-through stream that hashes every byte going through it, for writing a file and its
 * .gostsum in one pass: pipeline(source, tap, destination), then tap.hex().
 * As a Transform it must be read from (piped on); to hash a file alone use gostsumFile().
 */
export class Streebog256Stream extends Transform {
  private readonly hasher = new Streebog256();
  private result: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = toHex(this.hasher.digest());
    callback();
  }

  /** The gost12sum-order hex of everything that went through; available once the stream has ended. */
  hex(): string {
    if (this.result === undefined) {
      throw new Error('Streebog256Stream.hex() called before the stream finished; await the pipeline first');
    }
    return this.result;
  }
}

export function createStreebog256Stream(): Streebog256Stream {
  return new Streebog256Stream();
}

/** Streebog-256 of the file at `path` as gost12sum prints it: lowercase hex, 64 characters. */
export async function gostsumFile(path: string): Promise<string> {
  const hasher = new Streebog256();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
      hasher.update(chunk as Buffer);
    }
  } catch (err) {
    // The errno code (ENOENT, EACCES, EISDIR...) says it all; the node message would repeat the path.
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    const why = code ?? (err instanceof Error ? err.message : String(err));
    throw new IoError(
      `cannot read ${path} for its GOST checksum (${why}): check that the file exists and is readable`,
      {
        cause: err,
      },
    );
  }
  return toHex(hasher.digest());
}
