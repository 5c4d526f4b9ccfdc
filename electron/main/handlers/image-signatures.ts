// The app's side of image signatures: the request's keys or policy as the engine's policy, and each
// engine verdict as the DTO the Verify and Push steps show.
import type { ImageSignatureInfo, ImageSignatureRequirement } from '../../../shared/dto.ts';
import {
  requiredSignatures,
  type ImageSignatureVerdict,
  type SignaturePolicy,
} from '../../engine/api/signatures.ts';

export function signaturePolicyOf(
  required: ImageSignatureRequirement | undefined,
): Promise<SignaturePolicy | undefined> {
  return required ? requiredSignatures(required) : Promise.resolve(undefined);
}

export function imageSignatureInfo(verdict: ImageSignatureVerdict): ImageSignatureInfo {
  if (verdict.status === 'signed') {
    return {
      status: 'signed',
      signer: verdict.key,
      via: verdict.keySource,
      keyless: verdict.identity !== undefined,
    };
  }
  return { status: verdict.status, reason: verdict.reason };
}
