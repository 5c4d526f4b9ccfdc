// The policy file: repository patterns to keys, the first matching rule applies, and every mistake
// in the file named in one line.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { identityMatches, policyRecord, readSignaturePolicy, ruleFor } from './signature-policy.ts';

const work = mkdtempSync(join(tmpdir(), 'ferry-policy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(
  join(work, 'vendor.pub'),
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }),
);
const policyFile = (text: string) => {
  const file = join(work, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
};

describe('signature policy', () => {
  it('applies the first rule whose pattern matches: * within a segment, ** across', async () => {
    const policy = await readSignaturePolicy(
      policyFile(
        'keys:\n  vendor: vendor.pub\nimages:\n  - match: vendor/*\n    keys: [vendor]\n  - match: "library/**"\n    unsigned: allow\n',
      ),
    );
    expect(ruleFor(policy, 'vendor/app')?.keys).toHaveLength(1);
    expect(ruleFor(policy, 'vendor/app/sub')).toBeUndefined();
    expect(ruleFor(policy, 'vendorx/app')).toBeUndefined();
    expect(ruleFor(policy, 'library/a/b')?.keys).toEqual([]);
    const record = policyRecord(policy);
    expect(record.imageKeys).toHaveLength(1);
    expect(record.policyDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reads keyless identities as cosign takes them: exact, or regexps as cosign matches them', async () => {
    const policy = await readSignaturePolicy(
      policyFile(
        [
          'images:',
          '  - match: "**"',
          '    identities:',
          '      - certificate-identity: https://ci.test/release@refs/heads/main',
          '        certificate-oidc-issuer: https://issuer.test',
          '      - certificate-identity-regexp: "@vendor\\\\.test$"',
          '        certificate-oidc-issuer-regexp: ^https://accounts\\.',
          '',
        ].join('\n'),
      ),
    );
    const [exact, pattern] = ruleFor(policy, 'any/repo')!.identities;
    expect(identityMatches(exact!, 'https://ci.test/release@refs/heads/main', 'https://issuer.test')).toBe(
      true,
    );
    expect(identityMatches(exact!, 'https://ci.test/release@refs/heads/dev', 'https://issuer.test')).toBe(
      false,
    );
    expect(identityMatches(exact!, 'https://ci.test/release@refs/heads/main', 'https://other.test')).toBe(
      false,
    );
    expect(identityMatches(pattern!, 'release@vendor.test', 'https://accounts.vendor.test')).toBe(true);
    expect(identityMatches(pattern!, 'release@vendorxtest', 'https://accounts.vendor.test')).toBe(false);
    expect(policyRecord(policy).imageIdentities).toEqual([
      'https://ci.test/release@refs/heads/main (issuer https://issuer.test)',
      '/@vendor\\.test$/ (issuer /^https:\\/\\/accounts\\./)',
    ]);
  });

  it('names each mistake in one line', async () => {
    const cases: Array<[string, RegExp]> = [
      ['images: [', /is not valid YAML/],
      ['keys: {}\n', /expected 'keys:' and a list 'images:'/],
      ['images:\n  - keys: [a]\n', /images\[0\] needs 'match: <repository pattern>'/],
      [
        'images:\n  - match: a/*\n',
        /images\[0\] \(a\/\*\) needs either 'keys: \[names\]' and\/or 'identities: \[...\]', or 'unsigned: allow'/,
      ],
      [
        'images:\n  - match: a/*\n    identities:\n      - certificate-identity: me\n',
        /images\[0\]\.identities\[0\] needs 'certificate-oidc-issuer:' or 'certificate-oidc-issuer-regexp:'/,
      ],
      [
        'images:\n  - match: a/*\n    identities:\n      - certificate-identity: me\n        certificate-identity-regexp: m.\n        certificate-oidc-issuer: x\n',
        /needs 'certificate-identity:' or 'certificate-identity-regexp:' \(one of them\)/,
      ],
      [
        'images:\n  - match: a/*\n    identities:\n      - certificate-identity-regexp: "("\n        certificate-oidc-issuer: x\n',
        /'certificate-identity-regexp: \(' is not a valid regular expression/,
      ],
      [
        'images:\n  - match: a/*\n    keys: [nobody]\n',
        /names the key 'nobody', which 'keys:' does not define/,
      ],
      ['keys:\n  v: missing.pub\nimages: []\n', /cannot read the key .*missing\.pub/],
    ];
    for (const [text, message] of cases) {
      const err = await readSignaturePolicy(policyFile(text)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
    await expect(readSignaturePolicy(join(work, 'none.yaml'))).rejects.toThrow(/cannot read the policy/);
  });
});
