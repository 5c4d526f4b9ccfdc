// Content digests ('sha256:<hex>'): parsing, computing, and verifying bytes as they stream past.
// Hashing uses node:crypto (OpenSSL, ~1 GiB/s with SHA-NI); pure-JS hashes are about 10× slower here.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ErrorCodes } from '../../../shared/errors.ts';
import { DigestMismatchError, FerryError, InvalidReferenceError, ShortReadError } from '../errors.ts';
import { digestProblem, type DigestAlgorithm } from '../ref/grammar.ts';

export type { DigestAlgorithm } from '../ref/grammar.ts';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Splits a digest into algorithm and hex; InvalidReferenceError when malformed or unsupported. */
export function parseDigest(digest: string): ParsedDigest {
  const problem = digestProblem(digest);
  if (problem) {
    throw new InvalidReferenceError(`invalid digest '${digest}': ${problem}`, { details: { digest } });
  }
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon) as DigestAlgorithm, hex: digest.slice(colon + 1) };
}

/** True for a well-formed sha256 or sha512 digest. */
export function isDigest(value: string): boolean {
  return digestProblem(value) === undefined;
}

/** The hex part of a digest (validated). */
export function digestHex(digest: string): string {
  return parseDigest(digest).hex;
}

/** 'sha256:<hex>' of bytes already in memory (manifests, configs, small files). */
export function sha256Digest(bytes: Buffer | Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface DigestHasher {
  update(chunk: Buffer | Uint8Array): void;
  /** 'algorithm:hex' of everything updated so far; call once. */
  digest(): string;
}

/** For code that hashes while writing the bytes elsewhere (a file, a tar entry). */
export function createDigestHasher(algorithm: DigestAlgorithm = 'sha256'): DigestHasher {
  const hash = createHash(algorithm);
  return {
    update(chunk) {
      hash.update(chunk);
    },
    digest() {
      return `${algorithm}:${hash.digest('hex')}`;
    },
  };
}

/** The digest of `bytes` in the algorithm of `like` (a digest string; sha256 when it is not one). */
export function digestLike(bytes: Buffer | Uint8Array, like: string): string {
  const hasher = createDigestHasher(isDigest(like) ? parseDigest(like).algorithm : 'sha256');
  hasher.update(bytes);
  return hasher.digest();
}

export interface ExpectedContent {
  digest: string;
  /** Exact byte count, when known (descriptors always know it). */
  size?: number;
}

/**
 * A pass-through stream that hashes every byte and fails at the end if the digest or size differ
 * from what was expected (DigestMismatchError; ShortReadError when fewer bytes than `size` came),
 * or as soon as more bytes than `size` arrive,
 * so a runaway download stops early. Put it in the pipeline before the bytes are committed
 * (renamed into place, reported as done).
 */
export class DigestVerifier extends Transform {
  readonly expected: Readonly<ExpectedContent>;
  readonly label: string;
  #hash: Hash;
  #algorithm: DigestAlgorithm;
  #bytes = 0;
  #actual: string | undefined;

  constructor(expected: ExpectedContent, label?: string) {
    super();
    const { algorithm } = parseDigest(expected.digest);
    if (expected.size !== undefined && !(Number.isSafeInteger(expected.size) && expected.size >= 0)) {
      // A caller bug (descriptors are validated when parsed), hence INTERNAL.
      throw new FerryError(
        ErrorCodes.INTERNAL,
        `invalid expected size ${expected.size} for ${expected.digest}`,
      );
    }
    this.expected = { ...expected };
    this.label = label ?? expected.digest;
    this.#algorithm = algorithm;
    this.#hash = createHash(algorithm);
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The computed digest, once the stream has ended. */
  get actual(): string | undefined {
    return this.#actual;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    const { size } = this.expected;
    if (size !== undefined && this.#bytes > size) {
      callback(this.#mismatch(`expected ${size} bytes, got more than that (${this.#bytes} so far)`));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#actual = `${this.#algorithm}:${this.#hash.digest('hex')}`;
    const { size, digest } = this.expected;
    if (size !== undefined && this.#bytes !== size) {
      callback(this.#mismatch(`expected ${size} bytes, got ${this.#bytes} (truncated)`, ShortReadError));
    } else if (this.#actual !== digest) {
      callback(this.#mismatch(`expected ${digest}, got ${this.#actual}`));
    } else {
      callback();
    }
  }

  #mismatch(
    what: string,
    Kind: typeof DigestMismatchError | typeof ShortReadError = DigestMismatchError,
  ): FerryError {
    const subject = this.label.includes(this.expected.digest)
      ? this.label
      : `${this.label} (${this.expected.digest})`;
    return new Kind(`${subject}: content does not match: ${what}: refused`, {
      details: {
        label: this.label,
        expectedDigest: this.expected.digest,
        actualDigest: this.#actual,
        expectedSize: this.expected.size,
        actualSize: this.#bytes,
      },
    });
  }
}
