// Ed25519 public keys as Ferry shows and exchanges them: the raw 32 bytes in base64, a PEM (SPKI) file
// for `--trusted-key`, and an SSH-style fingerprint `SHA256:<base64 of SHA-256(raw key)>` that people
// compare by eye.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SignatureError, UsageError } from '../errors.ts';

export const SIGNATURE_ALGORITHM = 'ed25519';

/** The raw 32-byte public key, base64. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

export function publicKeyFromRaw(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new SignatureError(`'${base64.slice(0, 60)}' is not an Ed25519 public key`);
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

export function fingerprintOf(rawBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(rawBase64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

export function publicKeyPem(rawBase64: string): string {
  return publicKeyFromRaw(rawBase64).export({ type: 'spki', format: 'pem' }).toString();
}

/** True when `signature` (base64) is `publicKey`'s (raw base64) Ed25519 signature of `message`. */
export function verifySignature(publicKey: string, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, publicKeyFromRaw(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A key the operator trusts: given as a PEM file, a base64 raw key, or a `SHA256:` fingerprint. */
export interface TrustedKey {
  fingerprint: string;
  /** Where it came from, for messages. */
  source: string;
}

export function parseTrustedKey(text: string, source: string): TrustedKey {
  const trimmed = text.trim();
  const fail = () =>
    new UsageError(
      `${source} holds no Ed25519 public key: give the file 'ferry key export' wrote on the signing station (or its SHA256: fingerprint)`,
    );
  if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(trimmed)) return { fingerprint: trimmed, source };
  try {
    const key = trimmed.includes('-----BEGIN') ? createPublicKey(trimmed) : publicKeyFromRaw(trimmed);
    if (key.asymmetricKeyType !== 'ed25519') throw fail();
    return { fingerprint: fingerprintOf(rawPublicKey(key)), source };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw fail();
  }
}

export async function readTrustedKey(file: string): Promise<TrustedKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the trusted key ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseTrustedKey(text, file);
}
