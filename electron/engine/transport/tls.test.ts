import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/harness/registry.ts';
import { UsageError } from '../errors.ts';
import { createBaseDispatcher } from './proxy.ts';
import { extraCaCertificates, pemCertificates, tlsTrust, type TlsTrust } from './tls.ts';

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
    expect(tlsTrust({}, {}).rejectUnauthorized).toBe(true);
    expect(tlsTrust({ tlsSkipVerify: true }, {}).rejectUnauthorized).toBe(false);
  });
});

describe('the trust store', () => {
  let plain: RunningRegistry;
  let secure: RunningRegistry;
  beforeAll(async () => {
    [plain, secure] = await Promise.all([startRegistry('http'), startRegistry('tls')]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), secure?.stop()]);
  });

  /** GET /v2/ on `url` through a pool using `trust`; the status. */
  async function ping(url: string, trust: TlsTrust): Promise<number> {
    const pool = createBaseDispatcher({ tls: trust, connections: 2, timeoutMs: 10_000, env: {} });
    try {
      const res = await pool.request({ origin: url, path: '/v2/', method: 'GET' });
      await res.body.dump();
      return res.statusCode;
    } finally {
      await pool.close();
    }
  }

  it('is built by the first TLS connection, never for plain HTTP, and trusts --ca-file', async () => {
    const trust = tlsTrust({ caFiles: [secure.caFile!] }, {});
    let built = 0;
    const counted: TlsTrust = {
      rejectUnauthorized: trust.rejectUnauthorized,
      secureContext: () => {
        built++;
        return trust.secureContext();
      },
    };
    expect(await ping(plain.url, counted)).toBe(200);
    expect(built).toBe(0);
    expect(await ping(secure.url, counted)).toBe(200);
    expect(built).toBe(1);
  });

  it('reads a bad --ca-file at once, before any connection', () => {
    expect(() => tlsTrust({ caFiles: [join(work, 'absent.pem')] }, {})).toThrow(UsageError);
  });
});
