// The facade's image signatures: cosign keys the isolated side trusts, and each image's verdict.
export { readCosignKey, type CosignKey } from '../verify/cosign-key.ts';
export {
  describeImageSignature,
  signatureAccepted,
  type ImageSignatureResult,
  type ImageSignatureVerdict,
} from '../verify/image-signatures.ts';
export { keysPolicy, readSignaturePolicy, type SignaturePolicy } from '../verify/signature-policy.ts';
