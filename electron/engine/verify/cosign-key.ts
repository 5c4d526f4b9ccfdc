// Cosign public keys, as `cosign generate-key-pair` writes cosign.pub and `cosign public-key` prints
// them: a PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"). cosign signs with ECDSA P-256 and
// SHA-256 (its own key pairs), and with Ed25519 or RSA PKCS#1 v1.5 + SHA-256 for imported keys; a
// plain signature check is all the key-based path needs, so node:crypto does it.
// A key's fingerprint is `SHA256:<base64 of SHA-256(DER SubjectPublicKeyInfo)>`, the look of Ferry's
// other fingerprints; `openssl pkey -pubin -in cosign.pub -outform DER | sha256sum` gives the same
// hash in hex, so an operator can check it by hand.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';

export type CosignKeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa';

export interface CosignKey {
  fingerprint: string;
  algorithm: CosignKeyAlgorithm;
  /** Where it came from (the file), for messages. */
  source: string;
  key: KeyObject;
}

function algorithmOf(key: KeyObject, source: string): CosignKeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'ed25519';
  if (type === 'rsa') return 'rsa';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ecdsa-p256';
    throw new UsageError(`${source} is an ECDSA key on curve ${curve ?? 'unknown'}: cosign keys use P-256`);
  }
  throw new UsageError(
    `${source} is a ${type ?? 'unknown'} key: cosign keys are ECDSA P-256, Ed25519 or RSA`,
  );
}

/** A cosign public key from the text of its PEM file; UsageError (one line) for anything else. */
export function parseCosignKey(text: string, source: string): CosignKey {
  const pem = text.trim();
  // A private key handed over by mistake must not be echoed, only named.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new UsageError(`${source} is a private key: give the public key (cosign.pub) instead`);
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new UsageError(
      `${source} holds no PEM public key: give the cosign.pub that 'cosign generate-key-pair' wrote (or 'cosign public-key' prints)`,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new UsageError(`${source} is not a readable PEM public key (damaged or cut short?)`);
  }
  const algorithm = algorithmOf(key, source);
  const der = key.export({ type: 'spki', format: 'der' });
  const fingerprint = `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
  return { fingerprint, algorithm, source, key };
}

export async function readCosignKey(file: string): Promise<CosignKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the key ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseCosignKey(text, file);
}

/** True when `signature` is `key`'s signature of `payload`, made as cosign makes it. */
export function verifyCosignSignature(key: CosignKey, payload: Buffer, signature: Buffer): boolean {
  try {
    // Ed25519 signs the message itself (no pre-hash); ECDSA (ASN.1 DER signatures) and RSA
    // (PKCS#1 v1.5, node's default padding) hash it with SHA-256 first.
    return verify(key.algorithm === 'ed25519' ? null : 'sha256', payload, key.key, signature);
  } catch {
    // A signature that is not even well-formed for this key type is simply not valid.
    return false;
  }
}
