// The real cosign as a peer: it signs images in a source registry with its own key pair (`cosign
// generate-key-pair`, `cosign sign --key --tlog-upload=false`); Ferry pulls them, `ferry verify --key
// cosign.pub` checks the signatures offline from the bundle alone, `ferry push --key` pushes only
// the signed images, and `cosign verify` accepts what Ferry pushed.
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
  work = mkdtempSync(join(tmpdir(), 'ferry-cosign-peer-'));
  cosign = await cosignPeer(mkdtempSync(join(work, 'cosign-')));
  // The multi-arch index already carries a random signature at its .sig tag: cosign adds its layer
  // beside it, and one valid layer is enough. tool and base stay unsigned.
  await cosign.sign(`${source.host}/${seed.appIndex.repository}@${seed.appIndex.digest}`);
  await cosign.sign(`${source.host}/${seed.app.repository}@${seed.app.digest}`);
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

it('ferry verify --key cosign.pub accepts what cosign signed and names the unsigned images', async () => {
  const run = await ferry(['verify', bundle, '--key', cosign.publicKeyFile]);
  expect(run.code).toBe(3);
  const lines = run.stdout.split('\n');
  const lineOf = (ref: string) => lines.find((l) => l.includes(`${ref}:`)) ?? '';
  const [index, app, tool, base] = seed.imageRefs as [string, string, string, string];
  expect(lineOf(index)).toMatch(/^✓ .*: signed by SHA256:\S+ \(.*cosign\.pub\)$/);
  expect(lineOf(app)).toMatch(/^✓ .*: signed by SHA256:/);
  expect(lineOf(tool)).toMatch(/^✗ .*: not signed: no cosign signature/);
  expect(lineOf(base)).toMatch(/^✗ .*: not signed: no cosign signature/);
});

it('ferry push --key pushes only the signed images, and cosign verify accepts them on the target', async () => {
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
  for (const img of [seed.appIndex, seed.app]) {
    const out = await cosign.verify(`${target.host}/mirror/${img.repository}@${img.digest}`);
    expect(out).toContain(img.digest);
  }
  const client = createRegistryClient(target);
  try {
    expect(await client.headManifest(`mirror/${seed.tool.repository}`, seed.tool.tags[0]!)).toBeUndefined();
  } finally {
    await client.close();
  }
});
