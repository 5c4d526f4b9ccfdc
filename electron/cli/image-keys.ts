// `--key FILE` (repeatable) and `--policy FILE`, shared by verify and push: which images must carry a
// valid cosign signature, by which keys. `--key` alone is the simple case, as with `cosign verify
// --key`: every image, any one of the keys.
import { requiredSignatures, type SignaturePolicy } from '../engine/api/signatures.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';

export const imageKeyFlag: Record<string, OptionSpec> = {
  key: {
    type: 'string',
    multiple: true,
    arg: 'FILE',
    help: 'require each image to carry a valid cosign signature (.sig tag or Sigstore bundle) by this public key (cosign.pub; any one of them)',
  },
  policy: {
    type: 'string',
    arg: 'FILE',
    help: 'which images need a signature by which keys or keyless identities (ferry-policy.yaml: repository patterns → keys, certificate identities; keyless against the trusted root the bundle carries, see pull --carry-trust)',
  },
};

export function signaturePolicyFrom(args: ParsedArgs): Promise<SignaturePolicy | undefined> {
  const policyFile = args.values.policy as string | undefined;
  return requiredSignatures({
    keyFiles: (args.values.key as string[] | undefined) ?? [],
    ...(policyFile !== undefined ? { policyFile } : {}),
  });
}
