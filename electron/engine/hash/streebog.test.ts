// Streebog against the standard's own vectors and against Debian's gost12sum, byte for byte.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryError } from '../errors.ts';
import { createStreebog256Stream, gostsumFile } from './gostsum.ts';
import { Streebog256, Streebog512, streebog256Hex, streebog512Hex } from './streebog.ts';
import { PI, tau } from './streebog-tables.ts';

/** The standard prints H(M) as a big-endian number; gost12sum prints the bytes the other way round. */
function reverseHex(hex: string): string {
  return Buffer.from(hex, 'hex').reverse().toString('hex');
}

/** Windows-1251 for ASCII and the basic Cyrillic letters А..я, which is all M2 needs. */
function cp1251(text: string): Uint8Array {
  return Uint8Array.from([...text], (ch) => {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) return c;
    if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
    throw new Error(`no CP1251 byte for ${ch}`);
  });
}

// GOST R 34.11-2012 appendix A / RFC 6986 section 10, as printed there (big-endian).
const M1 = new TextEncoder().encode('012345678901234567890123456789012345678901234567890123456789012');
const M1_256 = '00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d';
const M1_512 =
  '486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00' +
  'fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b';
const M2_TEXT = 'Се ветри, Стрибожи внуци, веютъ с моря стрелами на храбрыя плъкы Игоревы';
const M2_AS_PRINTED =
  'fbe2e5f0eee3c820fbeafaebef20fffbf0e1e0f0f520e0ed20e8ece0ebe5f0f2f120fff0eeec20f120faf2fee5e2202c' +
  'e8f6f3ede220e8e6eee1e8f0f2d1202ce8f0f2e5e220e5d1';
const M2_256 = '508f7e553c06501d749a66fc28c6cac0b005746d97537fa85d9e40904efed29d';
const M2_512 =
  '28fbc9bada033b1460642bdcddb90c3fb3e56c497ccd0f62b8a2ad4935e85f03' +
  '7613966de4ee00531ae60f3b5a47f8dae06915d5f2f194996fcabf2622e6881e';

describe('Streebog: the standard', () => {
  it('has a bijective Pi and a transposing Tau', () => {
    expect(new Set(PI).size).toBe(256);
    for (let k = 0; k < 64; k++) expect(tau(tau(k))).toBe(k);
    expect([tau(0), tau(1), tau(8), tau(63)]).toEqual([0, 8, 1, 63]);
  });

  it('hashes M1 (63 bytes) to the published values', () => {
    expect(streebog256Hex(M1)).toBe(reverseHex(M1_256));
    expect(streebog512Hex(M1)).toBe(reverseHex(M1_512));
    // The form d8 mirror's .gostsum files and ENVIRONMENT.md use.
    expect(streebog256Hex(M1)).toBe('9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500');
  });

  it('hashes M2 (72 bytes of CP1251 Cyrillic) to the published values', () => {
    const m2 = cp1251(M2_TEXT);
    expect(m2.length).toBe(72);
    expect(reverseHex(Buffer.from(m2).toString('hex'))).toBe(M2_AS_PRINTED);
    expect(streebog256Hex(m2)).toBe(reverseHex(M2_256));
    expect(streebog512Hex(m2)).toBe(reverseHex(M2_512));
  });

  it('hashes the empty message', () => {
    expect(streebog256Hex(new Uint8Array(0))).toBe(
      '3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb',
    );
    expect(streebog512Hex(new Uint8Array(0))).toBe(
      '8e945da209aa869f0455928529bcae4679e9873ab707b55315f56ceb98bef0a7' +
        '362f715528356ee83cda5f2aac4c6ad2ba3a715c1bcd81cb8e9f90bf4c1c1a8a',
    );
  });

  it('gives the same digest however the input is split, with hashers interleaved', () => {
    const data = randomBytes(5000);
    const whole = streebog256Hex(data);
    const a = new Streebog256();
    const b = new Streebog512();
    let offset = 0;
    for (const size of [0, 1, 62, 1, 64, 65, 127, 3, 1000, 2]) {
      a.update(data.subarray(offset, offset + size));
      b.update(data.subarray(offset, offset + size));
      offset += size;
    }
    a.update(data.subarray(offset));
    b.update(data.subarray(offset));
    expect(Buffer.from(a.digest()).toString('hex')).toBe(whole);
    expect(Buffer.from(b.digest()).toString('hex')).toBe(streebog512Hex(data));
  });

  it('refuses to be used after digest()', () => {
    const h = new Streebog256().update(M1);
    h.digest();
    expect(() => h.update(M1)).toThrow(/after digest/);
    expect(() => h.digest()).toThrow(/twice/);
  });
});

/** gost12sum's output for a file (-l for 512 bits); a missing tool fails naming its package. */
function gost12sum(path: string, long = false): string {
  let out: string;
  try {
    out = execFileSync('gost12sum', long ? ['-l', path] : [path], { encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('gost12sum is not installed: run apt-get install -y gostsum', { cause: err });
    }
    throw err;
  }
  const hex = /^([0-9a-f]+) /.exec(out)?.[1];
  if (hex === undefined) throw new Error(`unexpected gost12sum output: ${out}`);
  return hex;
}

/** Feeds data in pieces of awkward sizes, so every buffering path runs. */
function hashInOddPieces(data: Uint8Array): string {
  const pieces = [1, 3, 7, 61, 64, 65, 127, 4099, 65537, 100003];
  const h = new Streebog256();
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = pieces[i % pieces.length]!;
    h.update(data.subarray(offset, offset + size));
    offset += size;
  }
  return Buffer.from(h.digest()).toString('hex');
}

describe('Streebog: agreement with gost12sum (Debian package gostsum)', () => {
  const SIZES = [0, 1, 63, 64, 65, 127, 128, 1024 * 1024 + 7];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-gost-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const size of SIZES) {
    it(`agrees on ${size} random bytes: whole, in odd pieces, from a file, through a stream`, async () => {
      const data = randomBytes(size);
      const path = join(dir, `random-${size}.bin`);
      writeFileSync(path, data);
      const expected = gost12sum(path);
      expect(expected).toMatch(/^[0-9a-f]{64}$/);

      expect(streebog256Hex(data)).toBe(expected);
      expect(hashInOddPieces(data)).toBe(expected);
      expect(await gostsumFile(path)).toBe(expected);

      const tap = createStreebog256Stream();
      const seen: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          seen.push(chunk);
          callback();
        },
      });
      const pieces: Buffer[] = [];
      for (let offset = 0; offset < data.length; offset += 4097)
        pieces.push(data.subarray(offset, offset + 4097));
      await pipeline(Readable.from(pieces), tap, sink);
      expect(tap.hex()).toBe(expected);
      expect(Buffer.concat(seen).equals(data)).toBe(true); // passed through unchanged
    });
  }

  it('agrees with gost12sum -l for Streebog-512', () => {
    for (const size of [0, 64, 1000]) {
      const data = randomBytes(size);
      const path = join(dir, `random512-${size}.bin`);
      writeFileSync(path, data);
      expect(streebog512Hex(data)).toBe(gost12sum(path, true));
    }
  });

  it('reports an unreadable file as an IO error naming it', async () => {
    const missing = join(dir, 'no-such-file.tar');
    const err: unknown = await gostsumFile(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('FERRY_ERR_IO');
    expect((err as FerryError).message).toContain(missing);
    expect((err as FerryError).message).toContain('ENOENT');
  });

  it('refuses hex() before the stream has finished', () => {
    expect(() => createStreebog256Stream().hex()).toThrow(/before the stream finished/);
  });
});
