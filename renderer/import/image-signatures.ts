// The Bundle step's image-signature fields, as the verify and push requests carry them.
import type { ImageSignatureRequirement } from '../../shared/dto.ts';

export interface SignatureFields {
  keyFile: string;
  policyFile: string;
}

/** The request's `imageSignatures`, when a field is filled (both: the engine refuses the mix). */
export function signatureRequirement(fields: SignatureFields): {
  imageSignatures?: ImageSignatureRequirement;
} {
  const keyFile = fields.keyFile.trim();
  const policyFile = fields.policyFile.trim();
  if (!keyFile && !policyFile) return {};
  return {
    imageSignatures: { ...(keyFile ? { keyFiles: [keyFile] } : {}), ...(policyFile ? { policyFile } : {}) },
  };
}

/** The fields a reopened job's request held. */
export function fieldsOf(requirement: ImageSignatureRequirement | undefined): SignatureFields {
  return { keyFile: requirement?.keyFiles?.[0] ?? '', policyFile: requirement?.policyFile ?? '' };
}
