// Image signatures checked on the isolated side, offline, from the bundle alone: images signed in the
// source registry as cosign signs them (node:crypto keys, cosign's payload, annotation and media
// types; test/integration/cosign-peer.test.ts does the same with the real cosign), pulled, then
// `ferry verify --key` and `ferry push --key` must say per image who signed it or why not, refuse
// the failing images, push the rest, and record every verdict in the ledger.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageBody, OperationBody } from '../../electron/engine/ledger/bodies.ts';
import { closeLedgers } from '../../electron/engine/ledger/ledger.ts';
import { parseCosignKey } from '../../electron/engine/verify/cosign-key.ts';
import { cosignKeyPair, pushCosignSignature, type FixtureCosignKey } from '../harness/cosign-keys.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { SeedRecorder } from '../harness/seed-recorder.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
let home: string;
let bundle: string;
/** The vendor's key, another vendor's, and an Ed25519 and an RSA key. */
let vendor: FixtureCosignKey;
let other: FixtureCosignKey;
let ed: FixtureCosignKey;
let rsa: FixtureCosignKey;
const fingerprint = (k: FixtureCosignKey) => parseCosignKey(k.publicKeyPem, k.publicKeyFile).fingerprint;

/** The seed's images by role: what each one carries. */
const role = () => {
  const [img1, img2, img3, img4] = seed.extra;
  return {
    /** Fake (random) signature from the generic seed: verifies with no key. */
    randomSig: seed.appIndex,
    signedByVendor: seed.app,
    signedByOther: seed.tool,
    /** A vendor signature whose payload names another image. */
    otherDigest: seed.base,
    /** Signature over bytes other than its payload: the payload was altered after signing. */
    tampered: img1!,
    unsigned: img2!,
    signedByEd25519: img3!,
    signedByRsa: img4!,
  };
};
const refOf = (img: { repository: string; tags: string[] }) =>
  `${source.host}/${img.repository}:${img.tags[0]}`;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedGeneric(source, { images: 8, layerSize: 4 * 1024, layersPerImage: 1 });
  work = mkdtempSync(join(tmpdir(), 'ferry-image-sigs-'));
  home = join(work, 'home');
  vendor = cosignKeyPair(work, 'vendor');
  other = cosignKeyPair(work, 'other');
  ed = cosignKeyPair(work, 'ed', 'ed25519');
  rsa = cosignKeyPair(work, 'rsa', 'rsa');
  const r = role();
  const client = createRegistryClient(source);
  try {
    const recorder = new SeedRecorder(client, source.host);
    const sign = (img: { repository: string; digest: string }, key: FixtureCosignKey, claimed?: string) =>
      pushCosignSignature(recorder, img.repository, img.digest, key.sign, claimed);
    await sign(r.signedByVendor, vendor);
    await sign(r.signedByOther, other);
    await sign(r.otherDigest, vendor, r.signedByVendor.digest);
    await pushCosignSignature(recorder, r.tampered.repository, r.tampered.digest, (p) =>
      vendor.sign(Buffer.concat([p, Buffer.from(' ')])),
    );
    await sign(r.signedByEd25519, ed);
    await sign(r.signedByRsa, rsa);
  } finally {
    await client.close();
  }
  bundle = join(work, 'bundle');
  const pulled = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((i) => ['--image', i]),
    '--insecure',
  ]);
  expect(pulled.code, pulled.stderr).toBe(0);
});
afterAll(async () => {
  closeLedgers();
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const line = (out: string, img: { repository: string; tags: string[] }) =>
  out.split('\n').find((l) => l.includes(`${refOf(img)}:`) || l.includes(`${refOf(img)} →`)) ?? '';

describe('ferry verify --key', () => {
  it('names, per image, the key that signed it or why it does not count, and exits 3', async () => {
    const run = await ferry(['verify', bundle, '--key', vendor.publicKeyFile], { FERRY_HOME: home });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(3);
    const r = role();
    expect(line(run.stdout, r.signedByVendor)).toBe(
      `✓ ${refOf(r.signedByVendor)}: signed by ${fingerprint(vendor)} (${vendor.publicKeyFile})`,
    );
    expect(line(run.stdout, r.signedByOther)).toMatch(
      /^✗ .*: bad signature: none of its 1 signature\(s\) verifies with .*vendor\.pub: signed by another key, or the payload was altered$/,
    );
    expect(line(run.stdout, r.randomSig)).toMatch(/bad signature: none of its 1 signature\(s\) verifies/);
    expect(line(run.stdout, r.tampered)).toMatch(/bad signature: none of its 1 signature\(s\) verifies/);
    expect(line(run.stdout, r.otherDigest)).toBe(
      `✗ ${refOf(r.otherDigest)}: bad signature: the signature by ${fingerprint(vendor)} is for another image (${r.signedByVendor.digest})`,
    );
    expect(line(run.stdout, r.unsigned)).toBe(
      `✗ ${refOf(r.unsigned)}: not signed: no cosign signature (${r.unsigned.digest.replace(':', '-')}.sig) or Sigstore bundle travelled with it`,
    );
    expect(run.stdout).toMatch(/✗ 7 of 8 image\(s\) carry no valid signature by the required key\(s\)/);
    // The bytes themselves are intact: the bundle is whole, the signatures are what fail.
    expect(run.stdout).toMatch(/FAILED verification: 0 problem\(s\)/);
  });

  it('accepts any one of several keys (--key repeated), Ed25519 and RSA included', async () => {
    const run = await ferry([
      'verify',
      bundle,
      ...[vendor, other, ed, rsa].flatMap((k) => ['--key', k.publicKeyFile]),
      '--json',
    ]);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as {
      imageSignatures: Array<{ digest: string; verdict: { status: string; key?: string } }>;
    };
    const verdict = (img: { digest: string }) =>
      report.imageSignatures.find((s) => s.digest === img.digest)?.verdict;
    const r = role();
    expect(verdict(r.signedByOther)).toMatchObject({ status: 'signed', key: fingerprint(other) });
    expect(verdict(r.signedByEd25519)).toMatchObject({ status: 'signed', key: fingerprint(ed) });
    expect(verdict(r.signedByRsa)).toMatchObject({ status: 'signed', key: fingerprint(rsa) });
    expect(verdict(r.unsigned)?.status).toBe('unsigned');
  });

  it('exits 0 when every image is signed by one of the keys', async () => {
    const r = role();
    const only = join(work, 'only-signed');
    const pulled = await ferry([
      'pull',
      only,
      '--image',
      refOf(r.signedByVendor),
      '--image',
      refOf(r.signedByRsa),
      '--insecure',
    ]);
    expect(pulled.code).toBe(0);
    const run = await ferry(['verify', only, '--key', vendor.publicKeyFile, '--key', rsa.publicKeyFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ bundle .* verified/);
  });

  it('refuses an unreadable key file and a key in an unknown format with one line and exit 2', async () => {
    const garbage = join(work, 'garbage.pub');
    writeFileSync(garbage, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE');
    for (const [file, message] of [
      [join(work, 'nope.pub'), /^ferry verify: error: cannot read the key .*nope\.pub: ENOENT[^\n]*\n$/],
      [garbage, /^ferry verify: error: .*garbage\.pub holds no PEM public key[^\n]*\n$/],
    ] as const) {
      const run = await ferry(['verify', bundle, '--key', file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\bat \S+:\d+/);
    }
  });

  it('records each verdict in the ledger, with the keys in the operation', () => {
    const db = new Database(join(home, 'ledger.db'), { readonly: true });
    try {
      const images = (
        db.prepare("SELECT body FROM entries WHERE kind = 'image'").all() as Array<{ body: string }>
      ).map((row) => JSON.parse(row.body) as ImageBody);
      const r = role();
      const of = (img: { digest: string }) => images.find((i) => i.digest === img.digest)?.signatureVerdict;
      expect(of(r.signedByVendor)).toMatchObject({ status: 'signed', key: fingerprint(vendor) });
      expect(of(r.unsigned)).toMatchObject({ status: 'unsigned' });
      const otherDigest = of(r.otherDigest);
      expect(otherDigest?.status).toBe('invalid');
      expect(otherDigest?.status === 'invalid' && otherDigest.reason).toMatch(/another image/);
      const op = db.prepare("SELECT body FROM entries WHERE kind = 'operation'").get() as { body: string };
      const operation = JSON.parse(op.body) as OperationBody;
      expect(operation.options?.imageKeys).toEqual([fingerprint(vendor)]);
    } finally {
      db.close();
    }
  });
});

describe('ferry push --key', () => {
  it('pushes the signed images, refuses the rest by name, exits 3, and records each verdict', async () => {
    const pushHome = join(work, 'push-home');
    const run = await ferry(
      ['push', bundle, `${target.host}/mirror`, '--insecure', '--key', vendor.publicKeyFile],
      {
        FERRY_HOME: pushHome,
      },
    );
    expect(run.code).toBe(3);
    const r = role();
    expect(line(run.stdout, r.signedByVendor)).toMatch(/^✓ /);
    expect(line(run.stdout, r.unsigned)).toMatch(/^✗ .* → .*: not signed: no cosign signature/);
    expect(line(run.stdout, r.signedByOther)).toMatch(/^✗ .*: bad signature: /);
    expect(run.stdout).toMatch(
      /pushed 1 image\(s\); REFUSED 7 image\(s\) without a valid signature by the required key\(s\) or identities\n/,
    );
    const client = createRegistryClient(target);
    try {
      expect(
        (await client.headManifest(`mirror/${r.signedByVendor.repository}`, r.signedByVendor.tags[0]!))
          ?.digest,
      ).toBe(r.signedByVendor.digest);
      expect(
        await client.headManifest(`mirror/${r.unsigned.repository}`, r.unsigned.tags[0]!),
      ).toBeUndefined();
      expect(
        await client.headManifest(`mirror/${r.signedByOther.repository}`, r.signedByOther.tags[0]!),
      ).toBeUndefined();
    } finally {
      await client.close();
    }
    const db = new Database(join(pushHome, 'ledger.db'), { readonly: true });
    try {
      const images = (
        db.prepare("SELECT body FROM entries WHERE kind = 'image'").all() as Array<{ body: string }>
      ).map((row) => JSON.parse(row.body) as ImageBody);
      const unsigned = images.find((i) => i.digest === r.unsigned.digest)!;
      expect(unsigned.push?.status).toBe('refused');
      expect(unsigned.signatureVerdict?.status).toBe('unsigned');
      expect(images.find((i) => i.digest === r.signedByVendor.digest)?.signatureVerdict?.status).toBe(
        'signed',
      );
    } finally {
      db.close();
    }
  });
});

describe('--policy ferry-policy.yaml', () => {
  const writePolicy = (text: string) => {
    const file = join(work, `policy-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return file;
  };
  // Keys by name, relative to the policy file; vendor/tool is another vendor's; library/* may come
  // unsigned; bench/* is covered by no rule, so needs no signature.
  const policy = () =>
    writePolicy(
      [
        'keys:',
        '  vendor: vendor.pub',
        '  other: other.pub',
        'images:',
        '  - match: vendor/tool',
        '    keys: [other]',
        '  - match: vendor/**',
        '    keys: [vendor]',
        '  - match: library/*',
        '    unsigned: allow',
        '',
      ].join('\n'),
    );

  it('verify and push follow the rule of each repository, and the ledger records the policy digest', async () => {
    const file = policy();
    const r = role();
    const run = await ferry(['verify', bundle, '--policy', file]);
    expect(run.code).toBe(3);
    expect(line(run.stdout, r.signedByOther)).toMatch(/^✓ .*: signed by /);
    expect(line(run.stdout, r.signedByVendor)).toMatch(/^✓ .*: signed by /);
    expect(line(run.stdout, r.randomSig)).toMatch(/^✗ .*: bad signature: /);
    expect(line(run.stdout, r.otherDigest)).toMatch(
      /^✓ .*: no signature required: .*policy-\w+\.yaml allows it unsigned \(library\/\*\)$/,
    );
    expect(line(run.stdout, r.unsigned)).toMatch(
      /^✓ .*: no signature required: no rule of .* covers bench\/img-02$/,
    );
    expect(run.stdout).toMatch(/✗ 1 of 8 image\(s\) carry no valid signature/);

    const pushHome = join(work, 'policy-home');
    const pushed = await ferry(['push', bundle, `${target.host}/policy`, '--insecure', '--policy', file], {
      FERRY_HOME: pushHome,
    });
    expect(pushed.code).toBe(3);
    expect(pushed.stdout).toMatch(/pushed 7 image\(s\); REFUSED 1 image\(s\) without a valid signature/);
    const db = new Database(join(pushHome, 'ledger.db'), { readonly: true });
    try {
      const op = db.prepare("SELECT body FROM entries WHERE kind = 'operation'").get() as { body: string };
      const options = (JSON.parse(op.body) as OperationBody).options;
      expect(options?.policyDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(options?.imageKeys).toEqual([fingerprint(other), fingerprint(vendor)]);
    } finally {
      db.close();
    }
  });

  it('refuses a policy naming an undefined key, and --key with --policy, with one line and exit 2', async () => {
    const broken = writePolicy('images:\n  - match: vendor/**\n    keys: [vendor]\n');
    const run = await ferry(['verify', bundle, '--policy', broken]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ferry verify: error: .*names the key 'vendor', which 'keys:' does not define\n$/,
    );
    const both = await ferry([
      'push',
      bundle,
      `${target.host}/x`,
      '--policy',
      policy(),
      '--key',
      vendor.publicKeyFile,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --key or --policy, not both/);
  });
});
