// Set-up shared by the e2e files that need only a plain HTTP source: the built renderer, a seeded
// harness registry behind a gate proxy (so a pull can be held mid-copy), the test bridge over a fresh
// station, and Debian's Chromium with the page open. Each file gets its own (they run one at a time).
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildRenderer } from '../../scripts/build-app.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { launchChromium } from './browser.ts';
import { startBridge, type Bridge, type BridgeOptions } from './bridge.ts';
import { startGateProxy, type GateProxy } from './gate-proxy.ts';
import { stepProblems } from './page-checks.ts';

export const screenshots = fileURLToPath(new URL('./screenshots', import.meta.url));

export interface AppFixture {
  work: string;
  home: string;
  source: RunningRegistry;
  seed: GenericSeed;
  gate: GateProxy;
  bridge: Bridge;
  page: Page;
  consoleErrors: string[];
  /** Checks labels and sideways scrolling, then saves `<prefix>-<name>.tmp.png`. */
  shot(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startAppFixture(
  prefix: string,
  options: {
    beforeBridge?: (home: string, source: RunningRegistry) => void;
    bridge?: Partial<BridgeOptions>;
  } = {},
): Promise<AppFixture> {
  const work = mkdtempSync(join(tmpdir(), `ferry-e2e-${prefix}-`));
  mkdirSync(screenshots, { recursive: true });
  for (const f of readdirSync(screenshots))
    if (f.startsWith(`${prefix}-`) && f.endsWith('.tmp.png')) rmSync(join(screenshots, f));
  const rendererDir = join(work, 'renderer');
  const [source] = await Promise.all([startRegistry('http'), buildRenderer(rendererDir)]);
  const seed = await seedGeneric(source, { layerSize: 192 * 1024 });
  const gate = await startGateProxy(source.host);
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  mkdirSync(join(work, 'saved'));
  options.beforeBridge?.(home, source);
  const bridge = await startBridge({ rendererDir, home, saveDir: join(work, 'saved'), ...options.bridge });
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.addInitScript({ content: bridge.shim });
  await page.goto(bridge.url);
  return {
    work,
    home,
    source,
    seed,
    gate,
    bridge,
    page,
    consoleErrors,
    async shot(name) {
      const problems = await page.evaluate(stepProblems);
      expect(problems.unlabelled, `${name}: controls without a label`).toEqual([]);
      expect(problems.overflow, `${name}: horizontal scrolling at 1280×800`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(screenshots, `${prefix}-${name}.tmp.png`), fullPage: true });
    },
    async stop() {
      await browser.close();
      await bridge.stop();
      await gate.stop();
      await source.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Drives Prepare from the start screen to its Review step: a plain HTTP source, two images, a folder. */
export async function prepareUpToReview(page: Page, registry: string, folder: string): Promise<void> {
  const byLabel = (label: string) => page.getByLabel(label, { exact: true });
  const button = (name: string | RegExp) =>
    page.getByRole('button', { name, exact: typeof name === 'string' });
  await button(/Prepare a transfer/).click();
  await byLabel('Registry address (required)').fill(registry);
  await page.getByText('Connection security').click();
  await byLabel('Plain HTTP (the registry serves no TLS)').check();
  await button('Next').click();
  await byLabel('Image references, one per line').fill('vendor/app:v1.0\nvendor/tool:2.0');
  await expect.poll(() => page.locator('table.preview tbody tr').count(), { timeout: 15_000 }).toBe(2);
  await button('Next').click();
  await page.getByRole('radio', { name: /A folder on this computer/ }).check();
  await byLabel('Bundle folder (required)').fill(folder);
  await byLabel('Chunk size in MiB').fill('1');
  await expect.poll(() => page.locator('.estimate').textContent()).toMatch(/1 stick/);
  await button('Next').click();
}
