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
//     - match: keyless/**       # keyless: a Fulcio certificate for this identity, as `cosign verify
//       identities:             # --certificate-identity[-regexp] --certificate-oidc-issuer[-regexp]`
//         - certificate-identity: https://github.com/vendor/app/.github/workflows/release.yml@refs/heads/main
//           certificate-oidc-issuer: https://token.actions.githubusercontent.com
//         - certificate-identity-regexp: ^release@vendor\.example$
//           certificate-oidc-issuer-regexp: ^https://accounts\.vendor\.example$
//
// Keys count for both cosign schemes (the `.sig` tag and Sigstore bundles carried as referrers);
// identities for Sigstore bundles, checked against the trusted root the bundle carries (`ferry pull
// --carry-trust`). A rule may list both: any one key or identity suffices.
//
// An image no rule covers needs no signature (the policy asks for what it requires, as the issue
// has it); the report says so for each such image. The policy's own digest goes into the ledger.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { sha256Digest } from '../oci/digest.ts';
import { readCosignKey, type CosignKey } from './cosign-key.ts';

/** A keyless signer: the certificate's identity (subject alternative name) and OIDC issuer. */
export interface IdentityRequirement {
  subject: string | RegExp;
  issuer: string | RegExp;
  /** As written, for reports. */
  label: string;
}

export interface PolicyRule {
  /** The pattern as written, for reports. */
  match: string;
  /** Any one of these keys or identities must have signed the image; both empty = no signature needed. */
  keys: CosignKey[];
  identities: IdentityRequirement[];
}

/** Does a certificate's identity satisfy the requirement? Exact strings, or regexps as cosign's
 *  `-regexp` flags take them (unanchored unless the pattern anchors itself, as Go's MatchString). */
export function identityMatches(req: IdentityRequirement, subject: string, issuer: string): boolean {
  const match = (want: string | RegExp, got: string) =>
    typeof want === 'string' ? want === got : want.test(got);
  return match(req.subject, subject) && match(req.issuer, issuer);
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

/** What the ledger records of the policy an operation ran under: every key's fingerprint once, the
 *  keyless identities, the policy file's digest, and the SHA-256 of the trusted root the bundle carries
 *  (what keyless signatures were checked against). */
export function policyRecord(
  policy: SignaturePolicy,
  trustedRoot?: { sha256: string },
): {
  imageKeys: string[];
  imageIdentities?: string[];
  policyDigest?: string;
  trustedRoot?: string;
} {
  const keys = [...new Set(policy.rules.flatMap((r) => r.keys.map((k) => k.fingerprint)))];
  const identities = [...new Set(policy.rules.flatMap((r) => r.identities.map((i) => i.label)))];
  return {
    imageKeys: keys,
    ...(identities.length ? { imageIdentities: identities } : {}),
    ...(policy.digest ? { policyDigest: policy.digest } : {}),
    ...(trustedRoot ? { trustedRoot: `sha256:${trustedRoot.sha256}` } : {}),
  };
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
  return { source: '--key', rules: [{ match: '**', keys, identities: [], test: /^/ }] };
}

/** The policy of `--key FILE...` or `--policy FILE` (the CLI's flags, the app's request), if any. */
export async function requiredSignatures(given: {
  keyFiles?: readonly string[];
  policyFile?: string;
}): Promise<SignaturePolicy | undefined> {
  const files = given.keyFiles ?? [];
  if (given.policyFile !== undefined && files.length) {
    throw new UsageError('give --key or --policy, not both: name the keys in the policy file');
  }
  if (given.policyFile !== undefined) return readSignaturePolicy(given.policyFile);
  return files.length ? keysPolicy(await Promise.all(files.map(readCosignKey))) : undefined;
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
    const signers = entry.keys !== undefined || entry.identities !== undefined;
    if (allow === signers) {
      throw bad(
        `${at} (${entry.match}) needs either 'keys: [names]' and/or 'identities: [...]', or 'unsigned: allow'`,
      );
    }
    const names = entry.keys ?? [];
    if (!Array.isArray(names) || (entry.keys !== undefined && names.length === 0))
      throw bad(`${at}: 'keys:' must list key names`);
    const ruleKeys = names.map((n: unknown) => {
      const key = typeof n === 'string' ? keys.get(n) : undefined;
      if (!key) throw bad(`${at} names the key '${String(n)}', which 'keys:' does not define`);
      return key;
    });
    const identities = readIdentities(entry.identities, `${file}: ${at}`);
    return { match: entry.match, keys: ruleKeys, identities, test: globToRegExp(entry.match) };
  });
  return { digest: sha256Digest(text), source: file, rules };
}

/** One field of an identity: `NAME: exact` or `NAME-regexp: pattern`, exactly one of the two. */
function identityField(entry: Record<string, unknown>, name: string, at: string): string | RegExp {
  const exact = entry[name];
  const pattern = entry[`${name}-regexp`];
  if ((exact === undefined) === (pattern === undefined)) {
    throw new UsageError(`${at} needs '${name}:' or '${name}-regexp:' (one of them)`);
  }
  if (exact !== undefined) {
    if (typeof exact !== 'string' || exact === '') throw new UsageError(`${at}: '${name}:' must be text`);
    return exact;
  }
  if (typeof pattern !== 'string' || pattern === '') {
    throw new UsageError(`${at}: '${name}-regexp:' must be a pattern`);
  }
  try {
    return new RegExp(pattern);
  } catch {
    throw new UsageError(`${at}: '${name}-regexp: ${pattern}' is not a valid regular expression`);
  }
}

function readIdentities(value: unknown, at: string): IdentityRequirement[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(`${at}: 'identities:' must list certificate identities`);
  }
  return value.map((entry: unknown, i: number) => {
    const where = `${at}.identities[${i}]`;
    if (!isRecord(entry))
      throw new UsageError(`${where} must map certificate-identity and certificate-oidc-issuer`);
    const subject = identityField(entry, 'certificate-identity', where);
    const issuer = identityField(entry, 'certificate-oidc-issuer', where);
    const show = (v: string | RegExp) => (typeof v === 'string' ? v : `/${v.source}/`);
    return { subject, issuer, label: `${show(subject)} (issuer ${show(issuer)})` };
  });
}
