// Request bodies that stream from a source exactly once, yet can be sent again when the first
// attempt was refused early. A monolithic blob PUT keeps references to the first `window` bytes
// it sent; if the registry rejects the PUT before more than that was read (a proxy's 413, a
// registry without monolithic uploads), the chunked fallback replays those bytes and continues
// from the source. Beyond the window nothing is kept: memory stays bounded whatever the blob size.

export class ReplayableBody {
  readonly #source: AsyncIterator<Buffer>;
  readonly #window: number;
  #recorded: Buffer[] = [];
  #recordedBytes = 0;
  #overflowed = false;
  #consumed = 0;
  #error: unknown;
  #failed = false;

  constructor(source: AsyncIterable<Buffer>, window: number) {
    this.#source = source[Symbol.asyncIterator]();
    this.#window = window;
  }

  /** Bytes taken from the source so far. */
  get consumed(): number {
    return this.#consumed;
  }

  /** The error the source threw (a DigestMismatchError from the verifier, a read error), if any. */
  get error(): unknown {
    return this.#error;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** True while every byte taken so far is still held, so a new body can start from byte 0. */
  get replayable(): boolean {
    return !this.#overflowed && !this.#failed;
  }

  /** Stops keeping bytes (the chunked uploader holds its own chunk). */
  stopRecording(): void {
    this.#overflowed = true;
    this.#recorded = [];
    this.#recordedBytes = 0;
  }

  async #next(): Promise<IteratorResult<Buffer>> {
    try {
      return await this.#source.next();
    } catch (err) {
      this.#failed = true;
      this.#error = err;
      throw err;
    }
  }

  /**
   * A fresh body: the bytes recorded so far, then the rest of the source. Only one body may be read
   * at a time; abandoning one (the request failed) leaves the source where it was.
   */
  body(): AsyncGenerator<Buffer> {
    if (this.#failed || (this.#overflowed && this.#consumed > 0)) {
      throw new Error('request body already consumed beyond the replay window');
    }
    return this.#stream([...this.#recorded]);
  }

  async *#stream(replay: Buffer[]): AsyncGenerator<Buffer> {
    for (const chunk of replay) yield chunk;
    while (true) {
      const result = await this.#next();
      if (result.done === true) return;
      const value: Buffer | Uint8Array = result.value;
      const chunk = Buffer.isBuffer(value) ? value : Buffer.from(value);
      this.#consumed += chunk.length;
      if (!this.#overflowed) {
        if (this.#recordedBytes + chunk.length <= this.#window) {
          this.#recorded.push(chunk);
          this.#recordedBytes += chunk.length;
        } else {
          this.stopRecording();
        }
      }
      yield chunk;
    }
  }
}

/** Regroups a byte stream into buffers of exactly `size` bytes (the last one may be shorter). */
export async function* fixedChunks(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    let rest = piece;
    while (pendingBytes + rest.length >= size) {
      const take = size - pendingBytes;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending, size);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
