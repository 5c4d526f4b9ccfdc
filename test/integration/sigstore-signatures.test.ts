// Sigstore bundles carried as OCI referrers (cosign v3's default), checked on the isolated side,
// offline, from the bundle alone: images signed in the source registry with a cosign key or keyless
// (@sigstore/mock's fake Fulcio CA and Rekor log, test/harness/sigstore-fixtures.ts), pulled with
// `--carry-trust` (the trusted root of that fake instance, inside the station-signed manifest), then
// `ferry verify --policy` and `ferry push --policy` must name per image who signed it or why not,
// push only what the policy accepts, and catch a trusted root swapped after the station signed.
import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageBody, OperationBody } from '../../electron/engine/ledger/bodies.ts';
import { closeLedgers } from '../../electron/engine/ledger/ledger.ts';
import { parseCosignKey } from '../../electron/engine/verify/cosign-key.ts';
import { cosignKeyPair, type FixtureCosignKey } from '../harness/cosign-keys.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { SeedRecorder } from '../harness/seed-recorder.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import {
  keyBundle,
  pushBundleReferrers,
  sigstoreTestInstance,
  type SigstoreTestInstance,
} from '../harness/sigstore-fixtures.ts';
import { ferry } from '../support/cli.ts';

const RELEASE = {
  subject: 'https://ci.vendor.test/release@refs/heads/main',
  issuer: 'https://issuer.vendor.test',
};
const NIGHTLY = {
  subject: 'https://ci.vendor.test/nightly@refs/heads/dev',
  issuer: 'https://issuer.vendor.test',
};

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let sigstore: SigstoreTestInstance;
let work: string;
let bundle: string;
let rootFile: string;
let vendor: FixtureCosignKey;
let policyFile: string;

type Img = GenericSeed['extra'][number];
const role = () => {
  const [keyed, release, wrongIdentity, wrongIssuer, expired, otherDigest, tampered, unsigned, nightly] =
    seed.extra as [Img, Img, Img, Img, Img, Img, Img, Img, Img];
  return { keyed, release, wrongIdentity, wrongIssuer, expired, otherDigest, tampered, unsigned, nightly };
};
const refOf = (img: { repository: string; tags: string[] }) =>
  `${source.host}/${img.repository}:${img.tags[0]}`;
const line = (out: string, img: { repository: string; tags: string[] }) =>
  out.split('\n').find((l) => l.includes(`${refOf(img)}:`) || l.includes(`${refOf(img)} →`)) ?? '';

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedGeneric(source, { images: 13, layerSize: 4 * 1024, layersPerImage: 1 });
  work = mkdtempSync(join(tmpdir(), 'ferry-sigstore-'));
  sigstore = await sigstoreTestInstance();
  vendor = cosignKeyPair(work, 'vendor');
  rootFile = join(work, 'trusted_root.json');
  writeFileSync(rootFile, JSON.stringify(sigstore.trustedRoot, null, 2));
  const r = role();
  const client = createRegistryClient(source);
  try {
    const recorder = new SeedRecorder(client, source.host);
    const attach = async (img: Img, make: () => Promise<unknown>) =>
      pushBundleReferrers(recorder, img, [await make()]);
    await attach(r.keyed, () => keyBundle(r.keyed.digest, vendor));
    await attach(r.release, () => sigstore.keylessBundle(r.release.digest, RELEASE));
    await attach(r.wrongIdentity, () =>
      sigstore.keylessBundle(r.wrongIdentity.digest, { ...RELEASE, subject: 'mallory@evil.test' }),
    );
    await attach(r.wrongIssuer, () =>
      sigstore.keylessBundle(r.wrongIssuer.digest, { ...RELEASE, issuer: 'https://issuer.evil.test' }),
    );
    await attach(r.expired, () =>
      sigstore.keylessBundle(r.expired.digest, RELEASE, { certificateAgeMs: 3600_000 }),
    );
    await attach(r.otherDigest, () =>
      sigstore.keylessBundle(r.otherDigest.digest, RELEASE, { claimedDigest: r.release.digest }),
    );
    await attach(r.tampered, () => sigstore.keylessBundle(r.tampered.digest, RELEASE, { tamper: true }));
    await attach(r.nightly, () => sigstore.keylessBundle(r.nightly.digest, NIGHTLY));
  } finally {
    await client.close();
  }
  policyFile = join(work, 'ferry-policy.yaml');
  writeFileSync(
    policyFile,
    [
      'keys:',
      '  vendor: vendor.pub',
      'images:',
      '  - match: bench/img-01',
      '    keys: [vendor]',
      '  - match: bench/**',
      '    identities:',
      `      - certificate-identity: ${RELEASE.subject}`,
      `        certificate-oidc-issuer: ${RELEASE.issuer}`,
      '      - certificate-identity-regexp: ^https://ci\\.vendor\\.test/nightly@',
      '        certificate-oidc-issuer-regexp: ^https://issuer\\.vendor\\.test$',
      '',
    ].join('\n'),
  );
  bundle = join(work, 'bundle');
  const pulled = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((i) => ['--image', i]),
    '--insecure',
    '--carry-trust',
    rootFile,
  ]);
  expect(pulled.code, pulled.stderr).toBe(0);
  expect(pulled.stdout).toMatch(
    /carried the Sigstore trusted root .*trusted_root\.json \(sha256 [0-9a-f]{64}\)/,
  );
});
afterAll(async () => {
  closeLedgers();
  await Promise.all([source?.stop(), target?.stop(), sigstore?.close()]);
  rmSync(work, { recursive: true, force: true });
});

describe('ferry verify --policy with Sigstore bundles', () => {
  it('names who signed each image, keyed or keyless, and why each failing one fails', async () => {
    const run = await ferry(['verify', bundle, '--policy', policyFile], { FERRY_HOME: join(work, 'home') });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(3);
    const r = role();
    const vendorFp = parseCosignKey(vendor.publicKeyPem, vendor.publicKeyFile).fingerprint;
    expect(line(run.stdout, r.keyed)).toBe(
      `✓ ${refOf(r.keyed)}: signed by ${vendorFp} (${join(work, 'vendor.pub')})`,
    );
    expect(line(run.stdout, r.release)).toBe(
      `✓ ${refOf(r.release)}: signed by ${RELEASE.subject} (issuer ${RELEASE.issuer})`,
    );
    expect(line(run.stdout, r.nightly)).toBe(
      `✓ ${refOf(r.nightly)}: signed by ${NIGHTLY.subject} (issuer ${NIGHTLY.issuer})`,
    );
    expect(line(run.stdout, r.wrongIdentity)).toMatch(
      /^✗ .*: bad signature: it is signed by mallory@evil\.test \(issuer https:\/\/issuer\.vendor\.test\), whom the rule for bench\/\*\* does not name \(it wants https:\/\/ci\.vendor\.test\/release@refs\/heads\/main \(issuer https:\/\/issuer\.vendor\.test\) or .*\)$/,
    );
    expect(line(run.stdout, r.wrongIssuer)).toMatch(
      /^✗ .*: bad signature: it is signed by https:\/\/ci\.vendor\.test\/release@refs\/heads\/main \(issuer https:\/\/issuer\.evil\.test\), whom the rule/,
    );
    expect(line(run.stdout, r.expired)).toMatch(
      /^✗ .*: bad signature: its keyless signature fails: its certificate was valid from .* but the log recorded the signature at .*: it had expired when it signed$/,
    );
    expect(line(run.stdout, r.otherDigest)).toBe(
      `✗ ${refOf(r.otherDigest)}: bad signature: the signature by ${RELEASE.subject} (issuer ${RELEASE.issuer}) is for another image (${r.release.digest})`,
    );
    expect(line(run.stdout, r.tampered)).toMatch(
      /^✗ .*: bad signature: .*the payload was altered after signing$/,
    );
    expect(line(run.stdout, r.unsigned)).toBe(
      `✗ ${refOf(r.unsigned)}: not signed: no cosign signature (${r.unsigned.digest.replace(':', '-')}.sig) or Sigstore bundle travelled with it`,
    );
    // vendor/* and library/* are covered by no rule.
    expect(line(run.stdout, seed.base)).toMatch(
      /^✓ .*: no signature required: no rule of .* covers library\/base$/,
    );
    expect(run.stdout).toMatch(/✗ 6 of 13 image\(s\) carry no valid signature/);
    expect(run.stdout).toMatch(/FAILED verification: 0 problem\(s\)/);
  });

  it('--key checks Sigstore bundles too: the key-signed bundle counts, keyless ones are named', async () => {
    const run = await ferry(['verify', bundle, '--key', vendor.publicKeyFile, '--json']);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as {
      imageSignatures: Array<{
        digest: string;
        verdict: { status: string; scheme?: string; reason?: string };
      }>;
    };
    const verdict = (img: { digest: string }) =>
      report.imageSignatures.find((s) => s.digest === img.digest)?.verdict;
    const r = role();
    expect(verdict(r.keyed)).toMatchObject({ status: 'signed', scheme: 'sigstore-bundle' });
    expect(verdict(r.release)).toMatchObject({ status: 'invalid' });
    expect(verdict(r.release)?.reason).toMatch(
      /signed keyless \(a certificate\); the rule for \*\* names keys only/,
    );
  });

  it('refuses a --carry-trust file that is not a trusted root, before pulling, with one line and exit 2', async () => {
    const bad = join(work, 'not-a-root.json');
    writeFileSync(bad, '{"hello": "world"}');
    const run = await ferry([
      'pull',
      join(work, 'never'),
      '--image',
      refOf(role().release),
      '--insecure',
      '--carry-trust',
      bad,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ferry pull: error: .*not-a-root\.json is not a Sigstore trusted root .*cosign trusted-root create[^\n]*\n$/,
    );
  });
});

describe('the carried trusted root', () => {
  const copyOfBundle = (name: string) => {
    const dir = join(work, name);
    cpSync(bundle, dir, { recursive: true });
    return dir;
  };
  const manifestOf = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as {
      formatVersion: number;
      trustedRoot: { sha256: string; json: string };
    };

  it('travels in the station-signed manifest, so a root swapped after signing breaks the signature', async () => {
    expect(manifestOf(bundle).formatVersion).toBe(4);
    const swapped = copyOfBundle('swapped');
    const other = await sigstoreTestInstance();
    try {
      const manifest = manifestOf(swapped);
      const json = JSON.stringify(other.trustedRoot);
      manifest.trustedRoot = { json, sha256: createHash('sha256').update(json).digest('hex') };
      writeFileSync(join(swapped, 'ferry-manifest.json'), JSON.stringify(manifest, null, 2));
    } finally {
      await other.close();
    }
    const run = await ferry(['verify', swapped, '--policy', policyFile]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^ferry verify: error: bundle .*swapped refused: .*\n$/);
  });

  it('vouches for nothing once the station signature is gone, or when its text no longer matches', async () => {
    const unsigned = copyOfBundle('unsigned');
    rmSync(join(unsigned, 'ferry-manifest.sig.json'));
    const r = role();
    const run = await ferry(['verify', unsigned, '--policy', policyFile]);
    expect(run.code).toBe(3);
    expect(line(run.stdout, r.release)).toMatch(
      /bad signature: the bundle carries a trusted root but is not signed by a station/,
    );
    expect(line(run.stdout, r.keyed)).toMatch(/^✓ /);

    const edited = copyOfBundle('edited');
    rmSync(join(edited, 'ferry-manifest.sig.json'));
    const manifest = manifestOf(edited);
    manifest.trustedRoot.json = manifest.trustedRoot.json.replace('SHA2_256', 'SHA2_256 ');
    writeFileSync(join(edited, 'ferry-manifest.json'), JSON.stringify(manifest, null, 2));
    const again = await ferry(['verify', edited, '--policy', policyFile]);
    expect(again.code).toBe(3);
    expect(line(again.stdout, r.release)).toMatch(
      /the trusted root in the bundle was changed after the pull/,
    );
  });

  it('is needed for keyless signatures: without --carry-trust they are named unverifiable', async () => {
    const r = role();
    const plain = join(work, 'plain');
    const pulled = await ferry(['pull', plain, '--image', refOf(r.release), '--insecure']);
    expect(pulled.code, pulled.stderr).toBe(0);
    const run = await ferry(['verify', plain, '--policy', policyFile]);
    expect(run.code).toBe(3);
    expect(line(run.stdout, r.release)).toMatch(
      /bad signature: it is signed keyless, but the bundle carries no Sigstore trusted root: pull with --carry-trust FILE$/,
    );
  });
});

describe('ferry pull --policy on the connected side', () => {
  it('carries only what the policy accepts, lists the refused images, and exits 3', async () => {
    const screened = join(work, 'screened');
    const run = await ferry(
      [
        'pull',
        screened,
        ...seed.imageRefs.flatMap((i) => ['--image', i]),
        '--insecure',
        '--carry-trust',
        rootFile,
        '--policy',
        policyFile,
      ],
      { FERRY_HOME: join(work, 'screen-home') },
    );
    expect(run.code, run.stderr).toBe(3);
    const r = role();
    expect(line(run.stdout, r.expired)).toMatch(/^✗ .*: bad signature: .*it had expired when it signed$/);
    expect(line(run.stdout, r.unsigned)).toMatch(/^✗ .*: not signed: /);
    expect(run.stdout).toMatch(/^pulled 7 image\(s\), /m);
    expect(run.stdout).toMatch(/REFUSED 6 image\(s\) without a valid signature .*: not carried\n$/);
    const manifest = JSON.parse(readFileSync(join(screened, 'ferry-manifest.json'), 'utf8')) as {
      images: Array<{ digest: string }>;
      skipped: Array<{ item: string; refused?: string }>;
    };
    expect(manifest.images.map((i) => i.digest)).not.toContain(r.expired.digest);
    expect(manifest.skipped.filter((s) => s.refused === 'signature').map((s) => s.item)).toContain(
      refOf(r.expired),
    );
    // The pull's ledger entry names the policy and the trusted root, and lists the refused images.
    const db = new Database(join(work, 'screen-home', 'ledger.db'), { readonly: true });
    try {
      const op = db.prepare("SELECT body FROM entries WHERE kind = 'operation'").get() as { body: string };
      const options = (JSON.parse(op.body) as OperationBody).options;
      expect(options?.policyDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(options?.trustedRoot).toMatch(/^sha256:[0-9a-f]{64}$/);
      const end = db.prepare("SELECT body FROM entries WHERE kind = 'outcome'").get() as { body: string };
      const skipped = (JSON.parse(end.body) as { skipped?: Array<{ item: string; refused?: string }> })
        .skipped;
      expect(skipped?.find((s) => s.item === refOf(r.expired))?.refused).toBe('signature');
    } finally {
      db.close();
    }
    // What crossed passes the same policy on the isolated side.
    const verified = await ferry(['verify', screened, '--policy', policyFile]);
    expect(verified.code, verified.stdout).toBe(0);
  });

  it('says that a dry run refuses nothing', async () => {
    const run = await ferry([
      'pull',
      join(work, 'dry'),
      '--image',
      refOf(role().unsigned),
      '--insecure',
      '--policy',
      policyFile,
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'note: --key/--policy are checked on a real pull; a dry run refuses nothing\n',
    );
  });

  it('refuses the whole pull when every image fails, writing no bundle', async () => {
    const r = role();
    const none = join(work, 'none');
    const run = await ferry([
      'pull',
      none,
      '--image',
      refOf(r.unsigned),
      '--insecure',
      '--policy',
      policyFile,
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^ferry pull: error: every image was refused by .*ferry-policy\.yaml: nothing to carry\n$/m,
    );
    expect(existsSync(join(none, 'ferry-manifest.json'))).toBe(false);
  });
});

describe('ferry push --policy with Sigstore bundles', () => {
  it('pushes what the policy accepts, refuses the rest, and records identities in the ledger', async () => {
    const home = join(work, 'push-home');
    const run = await ferry(['push', bundle, `${target.host}/mirror`, '--insecure', '--policy', policyFile], {
      FERRY_HOME: home,
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/pushed 7 image\(s\); REFUSED 6 image\(s\) without a valid signature/);
    const r = role();
    const client = createRegistryClient(target);
    try {
      const at = (img: Img) => client.headManifest(`mirror/${img.repository}`, img.tags[0]!);
      expect((await at(r.release))?.digest).toBe(r.release.digest);
      expect((await at(r.keyed))?.digest).toBe(r.keyed.digest);
      expect(await at(r.expired)).toBeUndefined();
      expect(await at(r.wrongIdentity)).toBeUndefined();
    } finally {
      await client.close();
    }
    const db = new Database(join(home, 'ledger.db'), { readonly: true });
    try {
      const images = (
        db.prepare("SELECT body FROM entries WHERE kind = 'image'").all() as Array<{ body: string }>
      ).map((row) => JSON.parse(row.body) as ImageBody);
      const of = (img: Img) => images.find((i) => i.digest === img.digest);
      expect(of(r.release)?.signatureVerdict).toMatchObject({
        status: 'signed',
        identity: RELEASE,
        scheme: 'sigstore-bundle',
      });
      expect(of(r.expired)?.push?.status).toBe('refused');
      const op = db.prepare("SELECT body FROM entries WHERE kind = 'operation'").get() as { body: string };
      const options = (JSON.parse(op.body) as OperationBody).options;
      expect(options?.imageIdentities).toEqual([
        `${RELEASE.subject} (issuer ${RELEASE.issuer})`,
        '/^https:\\/\\/ci\\.vendor\\.test\\/nightly@/ (issuer /^https:\\/\\/issuer\\.vendor\\.test$/)',
      ]);
      expect(options?.policyDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const rootDigest = createHash('sha256').update(readFileSync(rootFile)).digest('hex');
      expect(options?.trustedRoot).toBe(`sha256:${rootDigest}`);
    } finally {
      db.close();
    }

    // history and the report say each verdict in words.
    const shown = await ferry(['history', '--limit', '1'], { FERRY_HOME: home });
    expect(shown.code, shown.stderr).toBe(0);
    const historyLine = (img: Img) =>
      shown.stdout.split('\n').find((l) => l.includes(`${refOf(img)} `)) ?? '';
    expect(historyLine(r.keyed)).toMatch(/ pushed {2}✓ signed by SHA256:\S+ \(.*vendor\.pub\)$/);
    const { transferId } = JSON.parse(readFileSync(join(bundle, 'ferry-manifest.json'), 'utf8')) as {
      transferId: string;
    };
    const csv = await ferry(['report', transferId, '--format', 'csv'], { FERRY_HOME: home });
    expect(csv.code, csv.stderr).toBe(0);
    const row = (img: Img) =>
      csv.stdout.split('\n').find((l) => l.startsWith('image-signature,') && l.includes(img.digest)) ?? '';
    expect(row(r.release)).toMatch(
      /,signed,signed by https:\/\/ci\.vendor\.test\/release@refs\/heads\/main \(issuer https:\/\/issuer\.vendor\.test\)/,
    );
    expect(row(r.expired)).toMatch(/,invalid,".*it had expired when it signed"?/);
    const html = await ferry(['report', transferId, '--format', 'html'], { FERRY_HOME: home });
    expect(html.stdout).toContain('<th>Image signature</th>');
    expect(html.stdout).toMatch(/refused<\/span> bad signature: it is signed by mallory@evil\.test/);
  });
});
