// One desktop-app session for an e2e file: a seeded plain-HTTP source registry (and, if asked, a TLS +
// login target), the built renderer served by the test bridge with fake USB sticks, and Debian's
// Chromium on the page. desktop-app.test.ts sets up its own; the newer files share this one.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Drive } from '../../shared/dto.ts';
import type { Result } from '../../shared/errors.ts';
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc.ts';
import { buildRenderer } from '../../scripts/build-app.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { launchChromium } from './browser.ts';
import { startBridge, type Bridge, type BridgeOptions } from './bridge.ts';
import { startGateProxy, type GateProxy } from './gate-proxy.ts';
import { fakeLinuxRoots, type FakeStick } from './fake-sysfs.ts';
import { stepProblems } from './page-checks.ts';

export const screenshotDir = fileURLToPath(new URL('./screenshots', import.meta.url));

export interface SessionOptions {
  /** Also start a TLS + login registry to push into. */
  target?: boolean;
  /** USB sticks by label; each is a folder under the session's work folder. */
  sticks?: Array<Pick<FakeStick, 'label' | 'fstype'> & { mountPoint?: string }>;
  /** Layer size of the seeded images (small keeps bundles small). */
  layerSize?: number;
  /** Stands in for the operating system's eject. */
  eject?: (drive: Drive) => Promise<void>;
  /** A gate proxy in front of the source, so a pull can be held mid-copy (`gate.host`). */
  gate?: boolean;
  /** Runs once the station folder exists, before the bridge opens it (e.g. to leave a journal). */
  beforeBridge?: (home: string, source: RunningRegistry) => void;
  /** More bridge options (a PDF stand-in, ...). */
  bridge?: Partial<BridgeOptions>;
  /** Screenshots are saved as `<prefix>-<name>.tmp.png`; the prefix's old ones are removed first. */
  prefix?: string;
}

export interface AppSession {
  work: string;
  /** The station folder (FERRY_HOME). */
  home: string;
  source: RunningRegistry;
  /** With `gate: true`: the proxy in front of the source. */
  gate: GateProxy | undefined;
  target: RunningRegistry | undefined;
  seed: GenericSeed;
  bridge: Bridge;
  page: Page;
  /** Mount folders of the fake sticks, in the order given. */
  stickMounts: string[];
  consoleErrors: string[];
  /** Checks labels and sideways scrolling, then saves screenshots/<name>.tmp.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startAppSession(options: SessionOptions = {}): Promise<AppSession> {
  const work = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
  mkdirSync(screenshotDir, { recursive: true });
  const shotName = (name: string) => (options.prefix ? `${options.prefix}-${name}` : name);
  if (options.prefix)
    for (const f of readdirSync(screenshotDir))
      if (f.startsWith(`${options.prefix}-`) && f.endsWith('.tmp.png')) rmSync(join(screenshotDir, f));
  const rendererDir = join(work, 'renderer');
  const [source, target] = await Promise.all([
    startRegistry('http'),
    options.target ? startRegistry('tls-auth') : Promise.resolve(undefined),
    buildRenderer(rendererDir),
  ]);
  const seed = await seedGeneric(source, { layerSize: options.layerSize ?? 192 * 1024 });
  const stickMounts: string[] = [];
  const sticks: FakeStick[] = (options.sticks ?? []).map((s, i) => {
    const mountPoint = s.mountPoint ?? join(work, 'media', s.label ?? `STICK${i + 1}`);
    mkdirSync(mountPoint, { recursive: true });
    stickMounts.push(mountPoint);
    const letter = String.fromCharCode('z'.charCodeAt(0) - i);
    return {
      disk: `sd${letter}`,
      partition: `sd${letter}1`,
      ...(s.label ? { label: s.label } : {}),
      fstype: s.fstype,
      mountPoint,
      serial: `FE${String(i + 1).padStart(4, '0')}`,
    };
  });
  mkdirSync(join(work, 'saved'));
  const home = join(work, 'home');
  mkdirSync(home);
  const gate = options.gate ? await startGateProxy(source.host) : undefined;
  options.beforeBridge?.(home, source);
  const bridge = await startBridge({
    rendererDir,
    home,
    saveDir: join(work, 'saved'),
    linuxRoots: fakeLinuxRoots(join(work, 'root'), sticks),
    ...(options.eject ? { eject: options.eject } : {}),
    ...options.bridge,
  });
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
    gate,
    target,
    seed,
    bridge,
    page,
    stickMounts,
    consoleErrors,
    async shot(name) {
      const problems = await page.evaluate(stepProblems);
      expect(problems.unlabelled, `${name}: controls without a label`).toEqual([]);
      expect(problems.overflow, `${name}: horizontal scrolling`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(screenshotDir, `${shotName(name)}.tmp.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await bridge.stop();
      await gate?.stop();
      await Promise.all([source.stop(), target?.stop()]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export const byLabel = (page: Page, label: string | RegExp) =>
  page.getByLabel(label, { exact: typeof label === 'string' });
export const button = (page: Page, name: string | RegExp) =>
  page.getByRole('button', { name, exact: typeof name === 'string' });

/** Calls one IPC channel from the page, as the renderer does, and returns its Result envelope. */
export function invokeFromPage<C extends Channel>(
  page: Page,
  channel: C,
  request: RequestOf<C>,
): Promise<Result<ResponseOf<C>>> {
  return page.evaluate(
    ([c, r]) =>
      (globalThis as unknown as { ferry: { invoke(c: string, r: unknown): Promise<unknown> } }).ferry.invoke(
        c,
        r,
      ),
    [channel, request] as const,
  ) as Promise<Result<ResponseOf<C>>>;
}

/** A pull through the app's own channel (no screens), for tests that start on the isolated side. */
export async function pullThroughApp(
  s: AppSession,
  bundleDir: string,
  images: string[],
  chunkSize = 1 << 20,
) {
  const started = await invokeFromPage(s.page, 'job:pull', {
    source: { registry: s.source.host, insecure: true, tlsSkipVerify: false },
    images,
    platforms: [],
    signatures: true,
    bundleDir,
    chunkSize,
    force: false,
  });
  if (!started.ok) throw new Error(started.error.message);
  await s.bridge.jobs.settled(started.value.jobId);
  // The app follows a job the page starts (it opens the job's step); the tests go on from the start.
  const home = s.page.getByRole('button', { name: 'Ferry: back to the start screen' });
  if ((await home.count()) > 0) await home.click();
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
