// The facade's image signatures: cosign keys and identities the isolated side trusts, the Sigstore
// trusted root the connected side carries for them, and each image's verdict.
export { readCosignKey, type CosignKey } from '../verify/cosign-key.ts';
export {
  describeImageSignature,
  signatureAccepted,
  type ImageSignatureResult,
  type ImageSignatureVerdict,
} from '../verify/image-signature-verdict.ts';
export {
  keysPolicy,
  readSignaturePolicy,
  requiredSignatures,
  type SignaturePolicy,
} from '../verify/signature-policy.ts';
export { readTrustedRootFile } from '../verify/signature-check.ts';
