import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { DigestMismatchError, FerryError, InvalidReferenceError, ShortReadError } from '../errors.ts';
import {
  createDigestHasher,
  digestHex,
  DigestVerifier,
  isDigest,
  parseDigest,
  sha256Digest,
  type ExpectedContent,
} from './digest.ts';

// Published test vectors (FIPS 180-2 'abc', and the empty string).
const sha256Empty = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const sha256Abc = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const sha512Abc =
  'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
  '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('parseDigest / isDigest / digestHex', () => {
  it('splits sha256 and sha512 digests', () => {
    expect(parseDigest(sha256Abc)).toStrictEqual({ algorithm: 'sha256', hex: sha256Abc.slice(7) });
    expect(parseDigest(sha512Abc)).toStrictEqual({ algorithm: 'sha512', hex: sha512Abc.slice(7) });
    expect(digestHex(sha256Abc)).toBe(sha256Abc.slice(7));
  });

  it.each([
    ['', /has no ':'/],
    ['sha256', /has no ':'/],
    ['sha256:', /has 64 hex characters, this one has 0/],
    ['sha256:abc', /this one has 3/],
    ['sha256:' + 'A'.repeat(64), /0-9 and a-f/],
    ['sha256:' + 'a'.repeat(65), /this one has 65/],
    ['sha512:' + 'a'.repeat(64), /sha512 digest has 128/],
    ['md5:' + 'a'.repeat(32), /'md5' is not supported/],
    ['Sha256:' + 'a'.repeat(64), /not a valid digest algorithm/],
    [':' + 'a'.repeat(64), /not a valid digest algorithm/],
  ])('rejects %j', (digest, message) => {
    expect(isDigest(digest)).toBe(false);
    expect(() => parseDigest(digest)).toThrow(InvalidReferenceError);
    expect(() => parseDigest(digest)).toThrow(message);
    expect(() => parseDigest(digest)).toThrow(`invalid digest '${digest}': `);
    expect(() => digestHex(digest)).toThrow(InvalidReferenceError);
  });

  it('accepts well-formed digests', () => {
    expect(isDigest(sha256Empty)).toBe(true);
    expect(isDigest(sha512Abc)).toBe(true);
  });
});

describe('hashing bytes', () => {
  it('sha256Digest matches the published vectors', () => {
    expect(sha256Digest(Buffer.alloc(0))).toBe(sha256Empty);
    expect(sha256Digest(Buffer.from('abc'))).toBe(sha256Abc);
    expect(sha256Digest(new Uint8Array([0x61, 0x62, 0x63]))).toBe(sha256Abc);
  });

  it('createDigestHasher hashes chunk by chunk', () => {
    const h256 = createDigestHasher('sha256');
    h256.update(Buffer.from('a'));
    h256.update(Buffer.from('bc'));
    expect(h256.digest()).toBe(sha256Abc);
    const h512 = createDigestHasher('sha512');
    h512.update(new Uint8Array([0x61, 0x62]));
    h512.update(Buffer.from('c'));
    expect(h512.digest()).toBe(sha512Abc);
    expect(createDigestHasher().digest()).toBe(sha256Empty);
  });
});

/** Streams `chunks` through a verifier into a sink; returns what came out, or the error. */
async function runVerifier(
  chunks: Buffer[],
  expected: ExpectedContent,
  label?: string,
): Promise<{ out: Buffer; verifier: DigestVerifier; error: unknown; produced: number }> {
  const verifier = new DigestVerifier(expected, label);
  const received: Buffer[] = [];
  let produced = 0;
  async function* source(): AsyncGenerator<Buffer> {
    for (const chunk of chunks) {
      produced++;
      yield chunk;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      received.push(chunk);
      cb();
    },
  });
  let error: unknown;
  try {
    await pipeline(Readable.from(source()), verifier, sink);
  } catch (err) {
    error = err;
  }
  return { out: Buffer.concat(received), verifier, error, produced };
}

function split(data: Buffer, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return chunks;
}

describe('DigestVerifier', () => {
  const data = randomBytes(256 * 1024 + 17);
  const digest = sha256Digest(data);
  const chunks = split(data, 16 * 1024);

  it('passes matching bytes through unchanged', async () => {
    const { out, verifier, error } = await runVerifier(chunks, { digest, size: data.length });
    expect(error).toBeUndefined();
    expect(out.equals(data)).toBe(true);
    expect(verifier.bytes).toBe(data.length);
    expect(verifier.actual).toBe(digest);
  });

  it('works without a known size, and with sha512', async () => {
    const d512 = 'sha512:' + createHash('sha512').update(data).digest('hex');
    const { out, error, verifier } = await runVerifier(chunks, { digest: d512 });
    expect(error).toBeUndefined();
    expect(out.length).toBe(data.length);
    expect(verifier.actual).toBe(d512);
  });

  it('fails on a digest mismatch, naming label, expected and actual', async () => {
    const damaged = Buffer.from(data);
    damaged[1000] = (damaged[1000] ?? 0) ^ 0xff;
    const { error } = await runVerifier(
      split(damaged, 16 * 1024),
      { digest, size: data.length },
      'layer 3 of app',
    );
    expect(error).toBeInstanceOf(DigestMismatchError);
    const err = error as DigestMismatchError;
    expect(err.code).toBe(ErrorCodes.DIGEST_MISMATCH);
    expect(err.message).toContain('layer 3 of app');
    expect(err.message).toContain(`expected ${digest}, got ${sha256Digest(damaged)}`);
    expect(err.details).toMatchObject({ expectedDigest: digest, actualDigest: sha256Digest(damaged) });
  });

  it('fails with a short read (FERRY_ERR_SHORT_READ) when fewer bytes than the size arrive', async () => {
    const short = data.subarray(0, data.length - 1);
    // Even with the digest of the short content, the size must match.
    const { error } = await runVerifier(split(short, 16 * 1024), {
      digest: sha256Digest(short),
      size: data.length,
    });
    expect(error).toBeInstanceOf(ShortReadError);
    expect((error as ShortReadError).code).toBe('FERRY_ERR_SHORT_READ');
    expect((error as Error).message).toContain(`expected ${data.length} bytes, got ${data.length - 1}`);
  });

  it('fails early when more bytes than the size arrive', async () => {
    const many = Array.from({ length: 100 }, () => Buffer.alloc(1024, 7));
    const { error, produced, out } = await runVerifier(many, { digest, size: 2048 });
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as Error).message).toContain('expected 2048 bytes, got more than that (3072 so far)');
    expect(out.length).toBeLessThanOrEqual(2048);
    // The source was stopped, not drained.
    expect(produced).toBeLessThan(10);
  });

  it('labels a mismatch by the digest when no label is given', async () => {
    const { error } = await runVerifier([Buffer.from('abd')], { digest: sha256Abc });
    expect((error as Error).message.startsWith(`${sha256Abc}: content does not match`)).toBe(true);
  });

  it('verifies empty content', async () => {
    const { error, verifier } = await runVerifier([], { digest: sha256Empty, size: 0 });
    expect(error).toBeUndefined();
    expect(verifier.bytes).toBe(0);
  });

  it('rejects a malformed expected digest or size up front', () => {
    expect(() => new DigestVerifier({ digest: 'sha256:nope' })).toThrow(InvalidReferenceError);
    expect(() => new DigestVerifier({ digest: sha256Abc, size: -1 })).toThrow(FerryError);
    expect(() => new DigestVerifier({ digest: sha256Abc, size: 1.5 })).toThrow(/invalid expected size/);
  });
});
