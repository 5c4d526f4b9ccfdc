// The real cosign v3 as a peer: it signs images in a source registry with its own key pair, writing a
// Sigstore bundle attached as an OCI referrer (its default; the harness registry has no referrers API,
// so cosign writes the tag-schema index `sha256-<hex>` too). Ferry pulls them, `ferry verify --key
// cosign.pub` checks the bundles offline from the bundle alone, `ferry push --key` pushes only the
// signed images, and `cosign verify` accepts what Ferry pushed, referrers and all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cosignPeer, type CosignPeer } from '../harness/cosign-cli.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
let cosign: CosignPeer;
let bundle: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedGeneric(source, { layerSize: 4 * 1024, layersPerImage: 1 });
  work = mkdtempSync(join(tmpdir(), 'ferry-cosign-v3-'));
  cosign = await cosignPeer(mkdtempSync(join(work, 'cosign-')), 'v3');
  // vendor/app:v1.1 already has the seed's SBOM referrer: cosign adds its bundle to that index.
  await cosign.sign(`${source.host}/${seed.app.repository}@${seed.app.digest}`);
  await cosign.sign(`${source.host}/${seed.base.repository}@${seed.base.digest}`);
  bundle = join(work, 'bundle');
  const pulled = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((r) => ['--image', r]),
    '--insecure',
  ]);
  expect(pulled.code, pulled.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const lineOf = (out: string, img: { repository: string; tags: string[] }) =>
  out.split('\n').find((l) => l.includes(`${source.host}/${img.repository}:${img.tags[0]}:`)) ?? '';

it('ferry verify --key cosign.pub accepts the Sigstore bundles cosign v3 attached', async () => {
  const run = await ferry(['verify', bundle, '--key', cosign.publicKeyFile, '--json']);
  expect(run.code).toBe(3);
  const report = JSON.parse(run.stdout) as {
    imageSignatures: Array<{ digest: string; verdict: { status: string; scheme?: string } }>;
  };
  const verdict = (img: { digest: string }) =>
    report.imageSignatures.find((s) => s.digest === img.digest)?.verdict;
  expect(verdict(seed.app)).toMatchObject({ status: 'signed', scheme: 'sigstore-bundle' });
  expect(verdict(seed.base)).toMatchObject({ status: 'signed', scheme: 'sigstore-bundle' });
  expect(verdict(seed.tool)?.status).toBe('unsigned');
  const text = await ferry(['verify', bundle, '--key', cosign.publicKeyFile]);
  expect(lineOf(text.stdout, seed.base)).toMatch(/^✓ .*: signed by SHA256:\S+ \(.*cosign\.pub\)$/);
});

it('ferry push --key pushes only the signed images, and cosign v3 verify accepts them on the target', async () => {
  const run = await ferry([
    'push',
    bundle,
    `${target.host}/mirror`,
    '--insecure',
    '--key',
    cosign.publicKeyFile,
  ]);
  expect(run.code).toBe(3);
  expect(run.stdout).toMatch(/pushed 2 image\(s\); REFUSED 2 image\(s\) without a valid signature/);
  for (const img of [seed.app, seed.base]) {
    const out = await cosign.verify(`${target.host}/mirror/${img.repository}@${img.digest}`);
    expect(out).toContain(img.digest.slice('sha256:'.length));
  }
  const client = createRegistryClient(target);
  try {
    expect(await client.headManifest(`mirror/${seed.tool.repository}`, seed.tool.tags[0]!)).toBeUndefined();
  } finally {
    await client.close();
  }
});
