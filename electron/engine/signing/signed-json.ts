// Signatures over JSON values (receipts, the ledger head): the signature covers the value's canonical
// JSON, so re-indenting a receipt does not break it but changing any value does.
import { canonicalJson } from './canonical-json.ts';
import { fingerprintOf, SIGNATURE_ALGORITHM, verifySignature } from './public-key.ts';
import type { Signature, StationKey } from './station-key.ts';

export function signJson(value: unknown, key: StationKey): Signature {
  return key.sign(Buffer.from(canonicalJson(value)));
}

/** The signer's fingerprint when `signature` is a valid Ed25519 signature of `value`, else undefined. */
export function verifyJson(value: unknown, signature: Partial<Signature> | undefined): string | undefined {
  if (
    !signature ||
    signature.algorithm !== SIGNATURE_ALGORITHM ||
    typeof signature.publicKey !== 'string' ||
    typeof signature.signature !== 'string'
  ) {
    return undefined;
  }
  const fingerprint = fingerprintOf(signature.publicKey);
  if (signature.fingerprint !== undefined && signature.fingerprint !== fingerprint) return undefined;
  return verifySignature(signature.publicKey, Buffer.from(canonicalJson(value)), signature.signature)
    ? fingerprint
    : undefined;
}
