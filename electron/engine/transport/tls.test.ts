import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { extraCaCertificates, pemCertificates, tlsConnectOptions } from './tls.ts';

const fakePem = (n: number): string => `-----BEGIN CERTIFICATE-----\nMII${n}\n-----END CERTIFICATE-----`;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ferry-tls-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('extra CA certificates', () => {
  it('reads bundles, SSL_CERT_FILE, every file of each SSL_CERT_DIR entry, then --ca-file', async () => {
    await writeFile(join(work, 'bundle.pem'), `junk\n${fakePem(1)}\ntext\n${fakePem(2)}\n`);
    await writeFile(join(work, 'one.pem'), fakePem(3));
    expect(pemCertificates(`${fakePem(1)}${fakePem(2)}`)).toHaveLength(2);
    const certs = extraCaCertificates([join(work, 'one.pem')], {
      SSL_CERT_FILE: join(work, 'bundle.pem'),
      SSL_CERT_DIR: `${join(work, 'missing')}:${work}`,
    });
    // bundle (2) + the directory: bundle again (2) and one.pem (1) + --ca-file (1)
    expect(certs).toHaveLength(6);
    expect(certs[0]).toBe(fakePem(1));
  });

  it('names the file and the setting when a CA file is missing or holds no certificate', async () => {
    await writeFile(join(work, 'empty.pem'), 'no certificates here');
    expect(() => extraCaCertificates([join(work, 'nope.pem')], {})).toThrow(UsageError);
    expect(() => extraCaCertificates([join(work, 'nope.pem')], {})).toThrow(
      /nope\.pem \(--ca-file\): ENOENT/,
    );
    expect(() => extraCaCertificates([], { SSL_CERT_FILE: join(work, 'empty.pem') })).toThrow(
      /empty\.pem \(SSL_CERT_FILE\) holds no PEM certificate/,
    );
  });

  it('verifies certificates unless told to skip', () => {
    expect(tlsConnectOptions({}, {}).rejectUnauthorized).toBe(true);
    expect(tlsConnectOptions({ tlsSkipVerify: true }, {}).rejectUnauthorized).toBe(false);
  });
});
