// Cosign public keys in the PEM formats cosign writes, their fingerprints, and signature checks for
// each algorithm; keys in any other form are refused with one line.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { parseCosignKey, readCosignKey, verifyCosignSignature } from './cosign-key.ts';
import { parseSimpleSigning, signatureLayers, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign-payload.ts';

const work = mkdtempSync(join(tmpdir(), 'ferry-cosign-key-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const pairs = {
  'ecdsa-p256': () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ed25519: () => generateKeyPairSync('ed25519'),
  rsa: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
} as const;

describe('cosign public keys', () => {
  for (const [algorithm, make] of Object.entries(pairs)) {
    it(`reads a ${algorithm} cosign.pub and checks signatures made as cosign makes them`, () => {
      const { publicKey, privateKey } = make();
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const key = parseCosignKey(pem, 'cosign.pub');
      expect(key.algorithm).toBe(algorithm);
      const der = publicKey.export({ type: 'spki', format: 'der' });
      expect(key.fingerprint).toBe(
        `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`,
      );
      const payload = Buffer.from('{"critical":{}}');
      const signature = sign(algorithm === 'ed25519' ? null : 'sha256', payload, privateKey);
      expect(verifyCosignSignature(key, payload, signature)).toBe(true);
      expect(verifyCosignSignature(key, Buffer.from('{"critical":{} }'), signature)).toBe(false);
      expect(verifyCosignSignature(key, payload, Buffer.from('not a signature'))).toBe(false);
    });
  }

  it('refuses a private key, a certificate-less text, a damaged PEM and another curve, in one line each', () => {
    const { privateKey } = pairs['ecdsa-p256']();
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const cases: Array<[string, RegExp]> = [
      [privatePem, /k\.pem is a private key: give the public key/],
      ['-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n', /is a private key/],
      ['hello', /holds no PEM public key/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', /not a readable PEM public key/],
      [p384, /curve secp384r1: cosign keys use P-256/],
    ];
    for (const [text, message] of cases) {
      const err = (() => {
        try {
          parseCosignKey(text, 'k.pem');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('names an unreadable key file', async () => {
    await expect(readCosignKey(join(work, 'missing.pub'))).rejects.toThrow(
      /cannot read the key .*missing\.pub/,
    );
    writeFileSync(join(work, 'ok.pub'), pairs.ed25519().publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await readCosignKey(join(work, 'ok.pub'))).source).toBe(join(work, 'ok.pub'));
  });
});

describe('cosign signature manifests and payloads', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const payload = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('reads the signed layers, ignoring layers without a signature annotation', () => {
    const layers = signatureLayers({
      layers: [
        {
          mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
          digest,
          annotations: { 'dev.cosignproject.cosign/signature': 'AQI=' },
        },
        { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest },
        {
          mediaType: 'application/octet-stream',
          digest,
          annotations: { 'dev.cosignproject.cosign/signature': 'AQI=' },
        },
      ],
    });
    expect(layers).toEqual([{ digest, signature: Buffer.from([1, 2]) }]);
    expect(signatureLayers({ layers: [] })).toMatch(/no layer carries a simple-signing payload/);
    expect(signatureLayers('x')).toMatch(/has no layers/);
  });

  it('takes the digest a payload vouches for, and says what is wrong with one that is not cosign’s', () => {
    expect(
      parseSimpleSigning(
        payload({
          critical: {
            identity: { 'docker-reference': 'r/app' },
            image: { 'docker-manifest-digest': digest },
            type: 'cosign container image signature',
          },
          optional: null,
        }),
      ),
    ).toEqual({ manifestDigest: digest, dockerReference: 'r/app' });
    expect(parseSimpleSigning(Buffer.from('{'))).toMatch(/not JSON/);
    expect(parseSimpleSigning(payload({ critical: { type: 'other', image: {} } }))).toMatch(
      /not a cosign simple-signing payload/,
    );
  });
});
