// Which keys must have signed which images: the isolated side's own policy. `--key FILE` (repeatable)
// is the one-rule policy "every image, any one of these keys"; a policy file maps repository patterns
// to keys:
//
//   keys:                       # name → public key file (relative to the policy file)
//     vendor: vendor-cosign.pub
//   images:                     # the first rule whose pattern matches the image's repository applies
//     - match: vendor/**        # `*` within one path segment, `**` across segments
//       keys: [vendor]          # signed by any one of these
//     - match: library/*
//       unsigned: allow         # needs no signature
//
// An image no rule covers needs no signature (the policy asks for what it requires, as the issue
// has it); the report says so for each such image. The policy's own digest goes into the ledger.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { sha256Digest } from '../oci/digest.ts';
import { readCosignKey, type CosignKey } from './cosign-key.ts';

export interface PolicyRule {
  /** The pattern as written, for reports. */
  match: string;
  /** Any one of these must have signed the image; empty = no signature needed. */
  keys: CosignKey[];
}

export interface SignaturePolicy {
  /** `sha256:<hex>` of the policy file (absent for `--key` flags, whose key fingerprints say it all). */
  digest?: string;
  /** Where it came from, for messages. */
  source: string;
  rules: Array<PolicyRule & { test: RegExp }>;
}

/** The rule for an image's repository (as the bundle names it, e.g. `vendor/app`), if any. */
export function ruleFor(policy: SignaturePolicy, repository: string): PolicyRule | undefined {
  return policy.rules.find((r) => r.test.test(repository));
}

/** What the ledger records of the policy an operation ran under: every key's fingerprint once, and
 *  the policy file's digest. */
export function policyRecord(policy: SignaturePolicy): { imageKeys: string[]; policyDigest?: string } {
  const keys = [...new Set(policy.rules.flatMap((r) => r.keys.map((k) => k.fingerprint)))];
  return { imageKeys: keys, ...(policy.digest ? { policyDigest: policy.digest } : {}) };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** `--key` files: every image, any one of the keys. */
export function keysPolicy(keys: CosignKey[]): SignaturePolicy {
  return { source: '--key', rules: [{ match: '**', keys, test: /^/ }] };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a policy file and the key files it names; UsageError (one line) for anything wrong. */
export async function readSignaturePolicy(file: string): Promise<SignaturePolicy> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read the policy ${file}: ${(err as Error).message}`, { cause: err });
  }
  // Loaded here, not at the top: every `ferry verify` loads this module, few read a policy file.
  const { parse: parseYaml } = await import('yaml');
  let doc: unknown;
  try {
    doc = parseYaml(text.toString('utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const bad = (what: string) => new UsageError(`${file}: ${what}`);
  if (!isRecord(doc) || !Array.isArray(doc.images)) throw bad("expected 'keys:' and a list 'images:'");
  const keyFiles = doc.keys ?? {};
  if (!isRecord(keyFiles)) throw bad("'keys:' must map names to public key files");
  const keys = new Map<string, CosignKey>();
  for (const [name, path] of Object.entries(keyFiles)) {
    if (typeof path !== 'string') throw bad(`key '${name}' must be a file path`);
    keys.set(name, await readCosignKey(resolve(dirname(file), path)));
  }
  const rules = doc.images.map((entry: unknown, i: number) => {
    const at = `images[${i}]`;
    if (!isRecord(entry) || typeof entry.match !== 'string' || entry.match === '') {
      throw bad(`${at} needs 'match: <repository pattern>'`);
    }
    const allow = entry.unsigned === 'allow';
    if (allow === (entry.keys !== undefined)) {
      throw bad(`${at} (${entry.match}) needs either 'keys: [names]' or 'unsigned: allow'`);
    }
    const names = allow ? [] : entry.keys;
    if (!Array.isArray(names) || (!allow && names.length === 0))
      throw bad(`${at}: 'keys:' must list key names`);
    const ruleKeys = names.map((n: unknown) => {
      const key = typeof n === 'string' ? keys.get(n) : undefined;
      if (!key) throw bad(`${at} names the key '${String(n)}', which 'keys:' does not define`);
      return key;
    });
    return { match: entry.match, keys: ruleKeys, test: globToRegExp(entry.match) };
  });
  return { digest: sha256Digest(text), source: file, rules };
}
