// The Import wizard's Verify step with image signatures, in Debian's Chromium over the test bridge (the
// same IPC handlers as Electron, the real engine, a real registry): a bundle whose images are signed
// by a vendor key, by nobody, or by another key; the Signature column says who signed each image, or
// what a failure means and why, and the step says "intact but not signed" rather than "damaged".
// The vendor's key is given in the Bundle step's "Image signatures" field, as a person would.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageRequest } from '../../electron/engine/api/input.ts';
import { pull } from '../../electron/engine/api/pull.ts';
import { closeLedgers } from '../../electron/engine/ledger/ledger.ts';
import { Station } from '../../electron/engine/ledger/station.ts';
import { buildRenderer } from '../../scripts/build-app.ts';
import { cosignKeyPair, pushCosignSignature, type FixtureCosignKey } from '../harness/cosign-keys.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { SeedRecorder } from '../harness/seed-recorder.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { keyBundle, pushBundleReferrers } from '../harness/sigstore-fixtures.ts';
import { launchChromium } from './browser.ts';
import { startBridge, type Bridge } from './bridge.ts';
import { stepProblems } from './page-checks.ts';

let work: string;
let source: RunningRegistry;
let seed: GenericSeed;
let vendor: FixtureCosignKey;
let other: FixtureCosignKey;
let bundleDir: string;
let bridge: Bridge;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-e2e-sigs-'));
  const rendererDir = join(work, 'renderer');
  [source] = await Promise.all([startRegistry('http'), buildRenderer(rendererDir)]);
  seed = await seedGeneric(source, { layerSize: 4 * 1024, layersPerImage: 1 });
  vendor = cosignKeyPair(work, 'vendor');
  other = cosignKeyPair(work, 'other');
  const client = createRegistryClient(source);
  try {
    const recorder = new SeedRecorder(client, source.host);
    // vendor/app:v1.1 signed by the vendor (tag scheme), library/base by the vendor in a Sigstore
    // bundle, vendor/tool by another key; vendor/app:v1.0 carries the seed's random signature.
    await pushCosignSignature(recorder, seed.app.repository, seed.app.digest, vendor.sign);
    await pushBundleReferrers(recorder, seed.base, [await keyBundle(seed.base.digest, vendor)]);
    await pushCosignSignature(recorder, seed.tool.repository, seed.tool.digest, other.sign);
  } finally {
    await client.close();
  }
  const home = join(work, 'home');
  mkdirSync(join(work, 'saved'), { recursive: true });
  bundleDir = join(work, 'bundle');
  await pull({
    bundleDir,
    images: seed.imageRefs.map((r) => imageRequest(r, [])),
    transport: { insecure: true },
    station: new Station({ home, operator: 'tester' }),
  });
  bridge = await startBridge({ rendererDir, home, saveDir: join(work, 'saved') });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.addInitScript({ content: bridge.shim });
  await page.goto(bridge.url);
});

afterAll(async () => {
  await browser?.close();
  await bridge?.stop();
  closeLedgers();
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
const rowOf = (img: { repository: string; tags: string[] }) =>
  page.locator('table.images tbody tr', { hasText: `${source.host}/${img.repository}:${img.tags[0]}` });

describe('Verify step: image signatures', () => {
  it('shows who signed each image, or what a failure means and why', async () => {
    await button(/Import and push/).click();
    await page.getByLabel('Bundle folder (or the stick)', { exact: true }).fill(bundleDir);
    await button('Open bundle').click();
    await expect.poll(() => page.locator('.review').count()).toBe(1);
    await page.getByText('Image signatures', { exact: true }).click();
    await page
      .getByLabel('Public key every image must be signed with', { exact: true })
      .fill(vendor.publicKeyFile);
    await button('Next').click();
    await expect.poll(() => page.locator('table.images').count(), { timeout: 30_000 }).toBe(1);

    expect(await page.locator('table.images thead th').allTextContents()).toContain('Signature');
    expect(await rowOf(seed.app).textContent()).toMatch(/Signed by SHA256:\S+ \(.*vendor\.pub\)/);
    expect(await rowOf(seed.base).textContent()).toMatch(/Signed by SHA256:/);
    expect(await rowOf(seed.tool).textContent()).toMatch(
      /Signature does not hold: it was made by someone the policy does not trust.*Why: none of its 1 signature\(s\) verifies/,
    );
    expect(await rowOf(seed.tool).getAttribute('class')).toContain('bad');
    expect(await rowOf(seed.app).getAttribute('class')).not.toContain('bad');
    // Every byte is intact: the step says so, and names the signature failures apart.
    expect(await page.getByText(/are intact/).count()).toBe(1);
    expect(await page.getByText(/The bundle is damaged/).count()).toBe(0);
    expect(await page.getByText(/2 image\(s\) carry no valid signature the policy accepts/).count()).toBe(1);

    const problems = await page.evaluate(stepProblems);
    expect(problems.unlabelled).toEqual([]);
    expect(problems.overflow).toBeLessThanOrEqual(0);
    expect(consoleErrors).toEqual([]);
  });
});
