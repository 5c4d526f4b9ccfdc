// The station key and manifest signatures without a registry: key creation and reuse, file modes,
// fingerprints, and every way a signature check can end.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SignatureError } from '../errors.ts';
import {
  checkManifestSignature,
  MANIFEST_SIGNATURE,
  requireAcceptedSignature,
  signManifest,
} from './manifest-signature.ts';
import { parseTrustedKey } from './public-key.ts';
import { signJson, verifyJson } from './signed-json.ts';
import { PRIVATE_KEY_FILE, stationKey } from './station-key.ts';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ferry-sign-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bundle(): string {
  const d = dir();
  writeFileSync(join(d, 'ferry-manifest.json'), '{"format":"ferry-bundle","transferId":"t"}\n');
  return d;
}

describe('station key', () => {
  it('is created once, private key mode 0600, and reused', () => {
    const home = dir();
    const key = stationKey(home);
    expect(key.created).toBe(true);
    expect(statSync(join(home, 'keys', PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(Buffer.from(key.publicKey, 'base64')).toHaveLength(32);
    expect(stationKey(home)).toBe(key);
  });
});

describe('manifest signature', () => {
  it('is valid for the manifest as signed and names the signer', async () => {
    const key = stationKey(dir());
    const b = bundle();
    const sig = await signManifest(b, key);
    expect(sig).toMatchObject({
      algorithm: 'ed25519',
      publicKey: key.publicKey,
      fingerprint: key.fingerprint,
    });
    const file = JSON.parse(readFileSync(join(b, MANIFEST_SIGNATURE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(
      expect.arrayContaining(['algorithm', 'publicKey', 'fingerprint', 'signature']),
    );
    const check = await checkManifestSignature(b, parseTrustedKey(key.publicKeyPem(), 'pem'));
    expect(check).toMatchObject({ status: 'signed', fingerprint: key.fingerprint, trusted: true });
    expect(() => requireAcceptedSignature(check, b)).not.toThrow();
  });

  it('refuses another signer, a missing signature and an edited manifest', async () => {
    const signer = stationKey(dir());
    const other = stationKey(dir());
    const b = bundle();
    await signManifest(b, signer);
    const untrusted = await checkManifestSignature(b, parseTrustedKey(other.publicKey, 'raw'));
    expect(untrusted).toMatchObject({ status: 'signed', trusted: false });
    expect(() => requireAcceptedSignature(untrusted, b)).toThrow(SignatureError);
    expect(() => requireAcceptedSignature(untrusted, b)).toThrow(
      `is signed by ${signer.fingerprint}, not by the trusted key ${other.fingerprint}`,
    );

    writeFileSync(join(b, 'ferry-manifest.json'), '{"format":"ferry-bundle","transferId":"evil"}\n');
    const edited = await checkManifestSignature(b);
    expect(edited.status).toBe('invalid');
    expect(() => requireAcceptedSignature(edited, b)).toThrow(/changed after it was signed/);

    rmSync(join(b, MANIFEST_SIGNATURE));
    const unsigned = await checkManifestSignature(b);
    expect(unsigned.status).toBe('unsigned');
    expect(() => requireAcceptedSignature(unsigned, b)).not.toThrow();
    const demanded = await checkManifestSignature(b, parseTrustedKey(signer.fingerprint, 'fp'));
    expect(() => requireAcceptedSignature(demanded, b)).toThrow(/is not signed, and --trusted-key asks/);
  });

  it('trusted keys come as PEM, raw base64 or a fingerprint; anything else is a usage error', () => {
    const key = stationKey(dir());
    for (const text of [key.publicKeyPem(), key.publicKey, key.fingerprint]) {
      expect(parseTrustedKey(text, 'x').fingerprint).toBe(key.fingerprint);
    }
    expect(() => parseTrustedKey('hello', 'k.pub')).toThrow(/k.pub holds no Ed25519 public key/);
  });
});

describe('signed JSON', () => {
  it('survives re-indenting but not a changed value', () => {
    const key = stationKey(dir());
    const value = { b: [1, 2], a: 'x' };
    const sig = signJson(value, key);
    expect(verifyJson(JSON.parse(JSON.stringify(value, null, 4)), sig)).toBe(key.fingerprint);
    expect(verifyJson({ ...value, a: 'y' }, sig)).toBeUndefined();
  });
});
