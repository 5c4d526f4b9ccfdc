import type { ImageSignatureInfo, SignatureInfo } from '../../shared/dto.ts';

/** Who signed a bundle, in one line. */
export function SignatureLine({ signature }: { signature: SignatureInfo }) {
  switch (signature.status) {
    case 'signed':
      return (
        <span className="ok-text">
          Signed by station <code>{signature.fingerprint}</code>
        </span>
      );
    case 'unsigned':
      return <span className="warn-text">Not signed: where it came from cannot be checked.</span>;
    case 'invalid':
      return <span className="bad-text">Signature invalid: {signature.reason}</span>;
  }
}

/** What each failing image-signature verdict means for the operator, in plain words. */
const imageSignatureMeaning = {
  unsigned:
    'Not signed: nothing vouches that this image comes from its vendor, and the policy asks that something does. Push will refuse it.',
  invalid:
    'Signature does not hold: it was made by someone the policy does not trust, for another image, or the image or signature was changed since. Push will refuse it.',
} as const;

/** One image's own signature (under the operator's keys or policy): who signed it, or why it does not
 *  count — the engine's reason after a sentence saying what that means. */
export function ImageSignatureLine({ signature }: { signature: ImageSignatureInfo }) {
  switch (signature.status) {
    case 'signed':
      return (
        <span className="ok-text">
          Signed {signature.keyless ? 'keyless ' : ''}by <code>{signature.signer}</code> ({signature.via})
        </span>
      );
    case 'not-required':
      return <span>No signature required ({signature.reason})</span>;
    case 'unsigned':
    case 'invalid':
      return (
        <span className="bad-text">
          {imageSignatureMeaning[signature.status]} <span className="small">Why: {signature.reason}.</span>
        </span>
      );
  }
}
