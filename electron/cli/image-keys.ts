// `--key FILE` (repeatable), shared by verify and push: every image must carry a valid cosign
// signature by one of these public keys, as with `cosign verify --key`.
import { readCosignKey, type CosignKey } from '../engine/api.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';

export const imageKeyFlag: Record<string, OptionSpec> = {
  key: {
    type: 'string',
    multiple: true,
    arg: 'FILE',
    help: 'require each image to carry a valid cosign signature by this public key (cosign.pub; repeatable: any one of them)',
  },
};

export async function imageKeysFrom(args: ParsedArgs): Promise<CosignKey[]> {
  const files = (args.values.key as string[] | undefined) ?? [];
  return Promise.all(files.map(readCosignKey));
}
