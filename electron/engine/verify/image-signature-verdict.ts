// What the image-signature check says of one image, and its one line for people: a module of its own,
// without the Sigstore libraries, so the ledger's history and reports can word verdicts cheaply.

export type ImageSignatureVerdict =
  | {
      status: 'signed';
      /** Fingerprint of the key whose signature holds, and the file it came from. */
      key: string;
      keySource: string;
      /** The signature manifest that holds it. */
      signature: string;
      /** Absent for the tag scheme (`.sig`), which came first. */
      scheme?: 'sigstore-bundle';
      /** A keyless signer: the certificate's identity and issuer (`key` is the identity then). */
      identity?: { subject: string; issuer: string };
    }
  | { status: 'unsigned'; reason: string }
  | { status: 'invalid'; reason: string }
  /** The policy asks no signature of this image. */
  | { status: 'not-required'; reason: string };

/** Signed as the policy asks, or asked for no signature: may be pushed. */
export function signatureAccepted(verdict: ImageSignatureVerdict): boolean {
  return verdict.status === 'signed' || verdict.status === 'not-required';
}

export interface ImageSignatureResult {
  source: string;
  digest: string;
  verdict: ImageSignatureVerdict;
}

/** One line a person reads: who signed the image, or why it does not count as signed. */
export function describeImageSignature(verdict: ImageSignatureVerdict): string {
  switch (verdict.status) {
    case 'signed':
      return `signed by ${verdict.key} (${verdict.keySource})`;
    case 'unsigned':
      return `not signed: ${verdict.reason}`;
    case 'invalid':
      return `bad signature: ${verdict.reason}`;
    case 'not-required':
      return `no signature required: ${verdict.reason}`;
  }
}
