import type { SignatureInfo } from '../../shared/dto.ts';

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
