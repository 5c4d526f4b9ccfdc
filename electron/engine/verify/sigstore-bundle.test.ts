// Sigstore bundles checked with the Sigstore libraries, offline: bundles made for real (a cosign key
// pair, or @sigstore/mock's fake Fulcio CA and Rekor log), and each way one can fail named in words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignKeyPair, type FixtureCosignKey } from '../../../test/harness/cosign-keys.ts';
import {
  keyBundle,
  sigstoreTestInstance,
  type SigstoreTestInstance,
} from '../../../test/harness/sigstore-fixtures.ts';
import { parseCosignKey } from './cosign-key.ts';
import {
  parseSigstoreBundle,
  sigstoreBundleLayer,
  trustFromRoot,
  verifyBundleKeyless,
  verifyBundleWithKey,
  type ParsedSigstoreBundle,
} from './sigstore-bundle.ts';

const digest = `sha256:${'a'.repeat(64)}`;
const other = `sha256:${'b'.repeat(64)}`;
const identity = {
  subject: 'https://ci.vendor.test/release@refs/heads/main',
  issuer: 'https://issuer.vendor.test',
};
const noManifest = Buffer.alloc(0);
let work: string;
let vendor: FixtureCosignKey;
let stranger: FixtureCosignKey;
let sigstore: SigstoreTestInstance;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-sigstore-bundle-'));
  vendor = cosignKeyPair(work, 'vendor');
  stranger = cosignKeyPair(work, 'stranger', 'ed25519');
  sigstore = await sigstoreTestInstance();
});
afterAll(async () => {
  await sigstore?.close();
  rmSync(work, { recursive: true, force: true });
});

const parse = (json: unknown): ParsedSigstoreBundle => {
  const parsed = parseSigstoreBundle(Buffer.from(JSON.stringify(json)));
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};
const keyOf = (k: FixtureCosignKey) => parseCosignKey(k.publicKeyPem, k.publicKeyFile);

describe('key-signed bundles', () => {
  it('verify with the key that signed them and name the digest they vouch for', async () => {
    const parsed = parse(await keyBundle(digest, vendor));
    expect(parsed.subjects).toEqual([digest]);
    expect(parsed.predicateType).toBeUndefined();
    expect(verifyBundleWithKey(parsed, noManifest, keyOf(vendor))).toBe(true);
  });

  it('fail with another key, and when the payload was altered after signing', async () => {
    const parsed = parse(await keyBundle(digest, vendor));
    expect(verifyBundleWithKey(parsed, noManifest, keyOf(stranger))).toMatch(/signed by another key/);
    const tampered = parse(await keyBundle(digest, vendor, { tamper: true }));
    expect(verifyBundleWithKey(tampered, noManifest, keyOf(vendor))).toMatch(/payload was altered/);
  });

  it('say which digest a signature of another image names, and tell attestations apart', async () => {
    expect(parse(await keyBundle(digest, vendor, { claimedDigest: other })).subjects).toEqual([other]);
    const attestation = parse(
      await keyBundle(digest, vendor, { predicateType: 'https://slsa.dev/provenance/v1' }),
    );
    expect(attestation.predicateType).toBe('https://slsa.dev/provenance/v1');
  });

  it('refuse what is not a bundle, and find the bundle layer of a referrer manifest', () => {
    expect(parseSigstoreBundle(Buffer.from('{"mediaType":"nope"}'))).toMatch(/not a valid bundle/);
    expect(sigstoreBundleLayer({ artifactType: 'application/spdx+json', layers: [] })).toBeUndefined();
    expect(
      sigstoreBundleLayer({
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest }],
      }),
    ).toEqual({ digest });
  });
});

describe('keyless bundles against a trusted root', () => {
  it('verify and yield the certificate identity and OIDC issuer', async () => {
    const parsed = parse(await sigstore.keylessBundle(digest, identity));
    expect(verifyBundleKeyless(parsed, noManifest, trustFromRoot(sigstore.trustedRoot))).toEqual(identity);
  });

  it('fail with an expired certificate, a tampered payload, and a root of another instance', async () => {
    const trust = trustFromRoot(sigstore.trustedRoot);
    const expired = parse(await sigstore.keylessBundle(digest, identity, { certificateAgeMs: 3600_000 }));
    expect(verifyBundleKeyless(expired, noManifest, trust)).toMatch(
      /^its certificate was valid from \S+ to \S+, but the log recorded the signature at \S+: it had expired when it signed$/,
    );
    const tampered = parse(await sigstore.keylessBundle(digest, identity, { tamper: true }));
    expect(verifyBundleKeyless(tampered, noManifest, trust)).toMatch(/the payload was altered after signing/);
    const elsewhere = await sigstoreTestInstance();
    try {
      const fine = parse(await sigstore.keylessBundle(digest, identity));
      expect(verifyBundleKeyless(fine, noManifest, trustFromRoot(elsewhere.trustedRoot))).toMatch(
        /^its certificate does not hold against the carried trusted root: not issued by a trusted CA/,
      );
    } finally {
      await elsewhere.close();
    }
  });
});
