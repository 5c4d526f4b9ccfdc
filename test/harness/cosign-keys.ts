// Key pairs and signatures as cosign makes them, with node:crypto: ECDSA P-256 + SHA-256 with ASN.1
// DER signatures (what `cosign generate-key-pair` and `cosign sign --key` produce), Ed25519 over the
// payload itself, RSA PKCS#1 v1.5 + SHA-256. The public key is written as cosign.pub is: a PEM
// SubjectPublicKeyInfo. Tests that need the real tool use test/harness/cosign-cli.ts instead.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignSignature, cosignTag, type PayloadSigner } from './oci-builders.ts';
import type { SeedRecorder } from './seed-recorder.ts';

export type FixtureKeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa';

export interface FixtureCosignKey {
  algorithm: FixtureKeyAlgorithm;
  /** Path of the public key PEM (cosign.pub). */
  publicKeyFile: string;
  publicKeyPem: string;
  sign: PayloadSigner;
}

function generate(algorithm: FixtureKeyAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  if (algorithm === 'ecdsa-p256') return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  if (algorithm === 'ed25519') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** A fresh key pair; the public half is written to `<dir>/<name>.pub`. */
export function cosignKeyPair(
  dir: string,
  name: string,
  algorithm: FixtureKeyAlgorithm = 'ecdsa-p256',
): FixtureCosignKey {
  const { publicKey, privateKey } = generate(algorithm);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const publicKeyFile = join(dir, `${name}.pub`);
  writeFileSync(publicKeyFile, publicKeyPem);
  return {
    algorithm,
    publicKeyFile,
    publicKeyPem,
    sign: (payload) => sign(algorithm === 'ed25519' ? null : 'sha256', payload, privateKey),
  };
}

/**
 * Pushes a signature of `claimedDigest` (default: the subject itself) at the subject's tag-scheme
 * tag `sha256-<subject hex>.sig`, as `cosign sign` does.
 */
export function pushCosignSignature(
  recorder: SeedRecorder,
  repository: string,
  subjectDigest: string,
  signer: PayloadSigner,
  claimedDigest: string = subjectDigest,
) {
  return recorder.pushImage(repository, cosignSignature(claimedDigest, `${repository}`, signer), [
    cosignTag(subjectDigest, '.sig'),
  ]);
}
