// The desktop app's renderer, end to end, in Debian's Chromium: the built page (unchanged) talks to the
// test bridge, which answers with the same IPC handlers the Electron main process registers, over the
// real engine and real registries. Drives the Prepare wizard (pull onto a "stick"), the Import wizard
// (verify, push into a TLS + login registry), a damaged two-stick import, the auditor's history, and
// a Deckhouse bundle's import ending with its ModuleSource.
// Every step is checked for labelled controls, no horizontal scrolling at 1280×800 and no console
// error (a CSP violation is one), and saved as test/e2e/screenshots/NN-step.tmp.png.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { pullDeckhouse } from '../../electron/engine/jobs/pull-deckhouse.ts';
import { buildRenderer } from '../../scripts/build-app.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedDeckhouse } from '../harness/seed-deckhouse.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { launchChromium } from './browser.ts';
import { startBridge, type Bridge } from './bridge.ts';
import { fakeLinuxRoots } from './fake-sysfs.ts';
import { startGateProxy, type GateProxy } from './gate-proxy.ts';
import { focusedId, focusedText, stepProblems } from './page-checks.ts';

const shots = fileURLToPath(new URL('./screenshots', import.meta.url));
let work: string;
let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let bridge: Bridge;
let gate: GateProxy;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let stickMount: string;
let bundleDir: string;
let transferId: string;
const consoleErrors: string[] = [];
let shotNumber = 0;

/** Checks what every step must satisfy, then saves its screenshot. */
async function step(name: string): Promise<void> {
  const problems = await page.evaluate(stepProblems);
  expect(problems.unlabelled, `${name}: controls without a label`).toEqual([]);
  expect(problems.overflow, `${name}: horizontal scrolling at 1280×800`).toBeLessThanOrEqual(0);
  shotNumber++;
  await page.screenshot({
    path: join(shots, `${String(shotNumber).padStart(2, '0')}-${name}.tmp.png`),
    fullPage: true,
  });
}

const byLabel = (label: string | RegExp) => page.getByLabel(label, { exact: typeof label === 'string' });
const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
  mkdirSync(shots, { recursive: true });
  for (const f of readdirSync(shots)) if (f.endsWith('.tmp.png')) rmSync(join(shots, f));
  const rendererDir = join(work, 'renderer');
  [source, target] = await Promise.all([
    startRegistry('http'),
    startRegistry('tls-auth'),
    buildRenderer(rendererDir),
  ]);
  [seed] = await Promise.all([
    seedGeneric(source, { layerSize: 192 * 1024 }),
    seedDeckhouse(source, 'deckhouse/ee'),
  ]);
  stickMount = join(work, 'media', 'FERRY 01');
  mkdirSync(stickMount, { recursive: true });
  const linuxRoots = fakeLinuxRoots(join(work, 'root'), [
    {
      disk: 'sdz',
      partition: 'sdz1',
      label: 'FERRY 01',
      fstype: 'vfat',
      mountPoint: stickMount,
      serial: 'FE0001',
    },
  ]);
  mkdirSync(join(work, 'saved'));
  gate = await startGateProxy(source.host);
  bridge = await startBridge({
    rendererDir,
    home: join(work, 'home'),
    saveDir: join(work, 'saved'),
    linuxRoots,
  });
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
  await gate?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('desktop app (renderer in Chromium over the test bridge)', () => {
  it('starts on the three paths and is driven by keyboard', async () => {
    await expect
      .poll(() => page.getByRole('heading', { name: 'What would you like to do?' }).isVisible())
      .toBe(true);
    for (const name of [/Prepare a transfer/, /Import and push/, /History/]) {
      expect(await button(name).isVisible()).toBe(true);
    }
    await step('start');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(focusedText)).toContain('Prepare a transfer');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(focusedText)).toBe('Where do the images come from?');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(focusedId)).toBe('source-registry');
  });

  it('Prepare, source: a failed test says what to do next; a good one connects', async () => {
    await byLabel('Registry address (required)').fill('127.0.0.1:9');
    await page.getByText('Connection security').click();
    await byLabel('Plain HTTP (the registry serves no TLS)').check();
    await button('Test connection').click();
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 20_000 })
      .toContain('check the address and port on the Source step');
    expect(await alert.getAttribute('data-code')).toBe('FERRY_ERR_UNREACHABLE');
    await step('prepare-source-error');

    await byLabel('Registry address (required)').fill(source.host);
    await button('Test connection').click();
    await expect
      .poll(() => page.locator('.connection .ok-text').textContent())
      .toContain(`Connected to ${source.host}`);
    await step('prepare-source');
    await button('Next').click();
  });

  it('Prepare, images: a Deckhouse distribution previews its channels and modules', async () => {
    await page.getByRole('radio', { name: /A Deckhouse distribution/ }).check();
    await byLabel('Edition path (required)').fill('deckhouse/ee');
    await byLabel('Only these modules').fill('console@~1.3.0');
    const plan = page.locator('.deckhouse-plan');
    await expect.poll(() => plan.textContent(), { timeout: 20_000 }).toMatch(/stable v\d+\.\d+\.\d+/);
    expect(await plan.textContent()).toMatch(/console \(.*v1\.3\.1/);
    expect(await plan.textContent()).not.toContain('stronghold');
    expect(await plan.textContent()).toContain('trivy-db');
    expect(await page.locator('table.preview tbody tr').count()).toBeGreaterThan(5);
    await step('prepare-deckhouse');
    await page.getByRole('radio', { name: /Image references or an images file/ }).check();
  });

  it('Prepare, images: a live preview of what travels and its size', async () => {
    // Names without a host come from the source registry; one is given in full.
    await byLabel('Image references, one per line').fill(
      ['vendor/app:v1.0', 'vendor/tool:2.0', seed.imageRefs[3]!, 'vendor/app:v1.1'].join('\n'),
    );
    const rows = page.locator('table.preview tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    const text = (await page.locator('table.preview').textContent()) ?? '';
    for (const img of seed.images) expect(text).toContain(img.digest.slice(0, 19));
    expect(text).toContain('linux/amd64');
    await step('prepare-images');

    // A reference that does not exist is named, with what to do, and blocks Next.
    await byLabel('Image references, one per line').fill('vendor/app:v1.0\nvendor/nope:1');
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('vendor/nope:1');
    expect(await button('Next').isDisabled()).toBe(true);
    await byLabel('Image references, one per line').fill(
      ['vendor/app:v1.0', 'vendor/tool:2.0', seed.imageRefs[3]!, 'vendor/app:v1.1'].join('\n'),
    );
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    await expect.poll(() => button('Next').isEnabled()).toBe(true);
    await button('Next').click();
  });

  it('Prepare, media: lists the stick with its label and FAT32 limit, and sizes chunks', async () => {
    const stick = page.getByRole('radio', { name: /FERRY 01/ });
    await expect.poll(() => stick.count()).toBe(1);
    expect(await page.locator('.drive', { hasText: 'FERRY 01' }).textContent()).toMatch(
      /FAT32 · .* free .*FAT32 holds no file of 4 GiB/,
    );
    await stick.check();
    bundleDir = await byLabel('Bundle folder (required)').inputValue();
    expect(bundleDir.startsWith(join(stickMount, 'ferry-'))).toBe(true);
    await byLabel('Chunk size in MiB').fill('1');
    await expect
      .poll(() => page.locator('.estimate').textContent())
      .toMatch(/1 stick · \d+ files of up to 1\.0 MiB/);
    await step('prepare-media');
    await button('Next').click();
  });

  it('Prepare, review and transfer: progress, then transfer id, checksums and signature', async () => {
    expect(await page.locator('.review').textContent()).toContain(bundleDir);
    await step('prepare-review');
    await button('Start transfer').click();
    await expect.poll(() => page.locator('.progress-panel').count()).toBe(1);
    await step('prepare-transfer');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(bundleDir, 'ferry-manifest.json'), 'utf8'),
    ) as TransferManifest;
    transferId = manifest.transferId;
    expect(await page.getByTestId('transfer-id').textContent()).toBe(transferId);
    const files = manifest.archives.flatMap((a) => a.parts);
    expect(files.length).toBeGreaterThan(1);
    expect(await page.locator('table.checksums tbody tr').count()).toBe(files.length);
    expect(await page.locator('table.checksums').textContent()).toContain(files[0]!.sha256);
    expect(await page.locator('main').textContent()).toMatch(/Signed by station SHA256:/);
    expect(await page.locator('main').textContent()).toContain('Eject safely');
    await step('prepare-done');

    await button('Save as file…').click();
    await expect.poll(() => existsSync(join(work, 'saved', 'SHA256SUMS'))).toBe(true);
    expect(readFileSync(join(work, 'saved', 'SHA256SUMS'), 'utf8')).toContain(
      `${files[0]!.sha256}  ${files[0]!.file}`,
    );
    await button('Back to start').click();
  });

  it('Import: opens the stick (chosen with Browse…), verifies every file and image', async () => {
    await button(/Import and push/).click();
    bridge.choices.push(stickMount);
    await button('Browse…').first().click();
    await expect.poll(() => byLabel('Bundle folder (or the stick)').inputValue()).toBe(stickMount);
    expect(bridge.dialogs.at(-1)).toMatchObject({ kind: 'folder' });
    await button('Open bundle').click();
    await expect.poll(() => page.locator('.review').textContent()).toContain(transferId);
    expect(await page.locator('.review').textContent()).toMatch(/Signed by station SHA256:/);
    await step('import-bundle');
    await button('Next').click();
    await expect.poll(() => page.getByText(/are intact/).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('table.images tbody tr').count()).toBe(4);
    expect(await page.locator('table.files tbody tr.bad').count()).toBe(0);
    await step('import-verify');
    await button('Next').click();
  });

  it('Import, target: login, CA file, test connection and a dry-run preview', async () => {
    await byLabel('Registry and path (required)').fill(`${target.host}/mirror`);
    await byLabel('User name').fill(target.username!);
    await byLabel('Password or token').fill(target.password!);
    await page.getByText('Connection security').click();
    await byLabel('CA certificate file (PEM)').fill(target.caFile!);
    await button('Test connection').click();
    await expect
      .poll(() => page.locator('.connection .ok-text').textContent(), { timeout: 15_000 })
      .toContain(`as ${target.username!}`);
    expect(await page.locator('.held-login').textContent()).toContain(
      `Ferry holds a login for ${target.host} as ${target.username!}`,
    );
    await button('Preview where images go (dry run)').click();
    await expect.poll(() => page.locator('table.mapping tbody tr').count(), { timeout: 15_000 }).toBe(4);
    expect(await page.locator('table.mapping').textContent()).toContain(
      `${target.host}/mirror/vendor/app:v1.0`,
    );
    // The password never reaches the page again, and the logins file holds it encrypted only.
    expect(readFileSync(join(work, 'home', 'logins.json'), 'utf8')).not.toContain(target.password!);
    await step('import-target');
  });

  it('Import, push: every image lands with its digest; receipt and pull Secret to take away', async () => {
    await button('Push images').click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Images pushed' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    expect(await page.locator('table.pushed tbody tr').count()).toBe(4);
    const client = createRegistryClient(target);
    try {
      for (const img of seed.images.slice(0, 4)) {
        const tag = seed.imageRefs[seed.images.indexOf(img)]!.split('/').slice(1).join('/');
        const [repo, ref] = tag.split(':') as [string, string];
        expect((await client.headManifest(`mirror/${repo}`, ref))?.digest).toBe(img.digest);
      }
    } finally {
      await client.close();
    }
    const secret = await byLabel('Kubernetes pull Secret for the target registry').inputValue();
    expect(secret).toContain('kubernetes.io/dockerconfigjson');
    const receipt = JSON.parse(await byLabel('Receipt (signed)').inputValue()) as {
      receipt: { transferId: string };
    };
    expect(receipt.receipt.transferId).toBe(transferId);
    expect(await byLabel('Deckhouse ModuleSource for the pushed modules').count()).toBe(0);
    await step('import-done');
    await button('Back to start').click();
  });

  it('Import from two sticks, one damaged: names the file and the stick to copy again', async () => {
    const sticks = [join(work, 'stick-a'), join(work, 'stick-b')];
    const files = readdirSync(bundleDir)
      .filter((f) => f.endsWith('.chunk'))
      .sort();
    for (const [i, stick] of sticks.entries()) {
      mkdirSync(stick);
      for (const meta of ['ferry-manifest.json', 'ferry-manifest.sig.json'])
        cpSync(join(bundleDir, meta), join(stick, meta));
      const half = files.slice(
        i === 0 ? 0 : Math.ceil(files.length / 2),
        i === 0 ? Math.ceil(files.length / 2) : undefined,
      );
      for (const f of half) cpSync(join(bundleDir, f), join(stick, f));
    }
    const damaged = files[files.length - 1]!;
    const bytes = readFileSync(join(sticks[1]!, damaged));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(join(sticks[1]!, damaged), bytes);

    await button(/Import and push/).click();
    await byLabel('Bundle folder (or the stick)').fill(sticks[0]!);
    await button('Add another stick').click();
    await byLabel('Stick 2: folder').fill(sticks[1]!);
    await button('Open bundle').click();
    await expect.poll(() => page.locator('.review').textContent()).toContain(transferId);
    await button('Next').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain(damaged);
    expect(await alert.textContent()).toContain(`stick 2 of 2 (stick-b): ${damaged} (damaged)`);
    expect(await alert.textContent()).toContain('Copy these files onto their sticks again');
    const row = page.locator('table.files tr.bad');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(sticks[1]!);
    await step('import-damaged');
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
  });

  it('History: transfers, filters, detail with chain status, and report export', async () => {
    await button(/History/).click();
    const rows = page.locator('table.transfers tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = (await rows.first().textContent()) ?? '';
    expect(row).toMatch(/pull ✓.*verify ✓.*push ✓.*verify ✗/);
    expect(row).toContain('e2e-operator');
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /entries are intact/ })
        .count(),
    ).toBe(1);
    await step('history');

    await byLabel('Image').fill('vendor/nothing-like-this');
    await button('Filter').click();
    await expect.poll(() => page.getByText('No transfer matches').count()).toBe(1);
    await byLabel('Image').fill('');
    await byLabel('Digest').fill(seed.tool.digest);
    await button('Filter').click();
    await expect.poll(() => rows.count()).toBe(1);
    await byLabel('Digest').fill('');
    await byLabel('Outcome').selectOption('succeeded');
    await button('Filter').click();
    await expect.poll(() => page.getByText('No transfer matches').count()).toBe(1);
    await byLabel('Outcome').selectOption('failed');
    await button('Filter').click();
    await expect.poll(() => rows.count()).toBe(1);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await byLabel('From').fill(tomorrow);
    await button('Filter').click();
    await expect.poll(() => page.getByText('No transfer matches').count()).toBe(1);
    await byLabel('From').fill('');
    await byLabel('To').fill(tomorrow);
    await button('Filter').click();
    await expect.poll(() => rows.count()).toBe(1);

    await page.getByRole('button', { name: `Details of transfer ${transferId}` }).click();
    await expect.poll(() => page.locator('table.chunks tbody tr').count()).toBeGreaterThan(1);
    const detail = (await page.locator('main').textContent()) ?? '';
    expect(detail).toContain(seed.appIndex.digest.slice(0, 19));
    expect(detail).toMatch(/Signed by station SHA256:/);
    expect(detail).toMatch(/intact: the hash chain and the signed head agree/);
    await button('HTML').click();
    await expect.poll(() => page.getByText(/Report saved to/).count()).toBe(1);
    const html = readdirSync(join(work, 'saved')).find((f) => f.endsWith('.html'))!;
    expect(readFileSync(join(work, 'saved', html), 'utf8')).toContain(transferId);
    await button('CSV').click();
    await expect.poll(() => readdirSync(join(work, 'saved')).some((f) => f.endsWith('.csv'))).toBe(true);
    await step('history-detail');
    await button('PDF').click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('PDF export needs the desktop app');
    expect(await page.getByRole('alert').textContent()).toContain('export HTML and print it to PDF');
  });

  it('Prepare into a folder: pause mid-copy, resume, then copy onto the stick', async () => {
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    await button(/Prepare a transfer/).click();
    await byLabel('Registry address (required)').fill(gate.host);
    await page.getByText('Connection security').click();
    await byLabel('Plain HTTP (the registry serves no TLS)').check();
    await button('Next').click();
    await byLabel('Image references, one per line').fill('vendor/app:v1.0\nvendor/tool:2.0');
    await expect.poll(() => page.locator('table.preview tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await button('Next').click();
    await page.getByRole('radio', { name: /A folder on this computer/ }).check();
    const folder = join(work, 'local-bundle');
    await byLabel('Bundle folder (required)').fill(folder);
    await byLabel('Chunk size in MiB').fill('1');
    await expect.poll(() => page.locator('.estimate').textContent()).toMatch(/1 stick/);
    await button('Next').click();

    gate.close();
    await button('Start transfer').click();
    await expect.poll(() => gate.held, { timeout: 15_000 }).toBeGreaterThan(0);
    await button('Pause').click();
    await expect.poll(() => page.locator('.phase').textContent()).toContain('Paused: press Resume');
    expect(await button('Resume').isVisible()).toBe(true);
    await step('prepare-paused');
    gate.open();
    await button('Resume').click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 30_000 })
      .toBe(true);

    const stick = join(work, 'stick-copy');
    mkdirSync(stick);
    await byLabel('Folder on stick 1').fill(stick);
    await button('Copy to stick 1').click();
    await expect
      .poll(() => page.getByText(/All 1 stick\(s\) are written/).count(), { timeout: 15_000 })
      .toBe(1);
    const manifest = JSON.parse(
      readFileSync(join(folder, 'ferry-manifest.json'), 'utf8'),
    ) as TransferManifest;
    const copied = readdirSync(join(stick, `ferry-${manifest.transferId}`)).sort();
    expect(copied).toEqual(
      [
        'ferry-manifest.json',
        'ferry-manifest.sig.json',
        ...manifest.archives.flatMap((a) => a.parts.map((p) => p.file)),
      ].sort(),
    );
    await step('prepare-copied');
  });

  it('Import a Deckhouse bundle: the Done step offers its ModuleSource beside the Secret', async () => {
    const dhBundle = join(work, 'deckhouse-bundle');
    await pullDeckhouse({
      bundleDir: dhBundle,
      transport: { insecure: true },
      selection: {
        source: `${source.host}/deckhouse/ee`,
        includeModules: ['console@=v1.3.1+stable'],
        noPlatform: true,
        noSecurityDb: true,
      },
    });
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    await button(/Import and push/).click();
    await byLabel('Bundle folder (or the stick)').fill(dhBundle);
    await button('Open bundle').click();
    await expect.poll(() => page.locator('.review').count()).toBe(1);
    await button('Next').click();
    await expect.poll(() => page.getByText(/are intact/).count(), { timeout: 15_000 }).toBe(1);
    await button('Next').click();
    // The login for the target is the one Ferry holds from the first import.
    await byLabel('Registry and path (required)').fill(`${target.host}/dh`);
    await page.getByText('Connection security').click();
    await byLabel('CA certificate file (PEM)').fill(target.caFile!);
    await button('Push images').click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Images pushed' }).isVisible(), { timeout: 15_000 })
      .toBe(true);
    const yaml = await byLabel('Deckhouse ModuleSource for the pushed modules').inputValue();
    expect(yaml).toContain('kind: ModuleSource');
    expect(yaml).toContain(`repo: ${target.host}/dh/modules`);
    expect(yaml).toContain('scheme: HTTPS');
    expect(await byLabel('Kubernetes pull Secret for the target registry').inputValue()).toContain(
      'kubernetes.io/dockerconfigjson',
    );
    const client = createRegistryClient(target);
    try {
      // The discovery tag a cluster lists the ModuleSource's modules by.
      expect(await client.headManifest('dh/modules', 'console')).toBeTruthy();
    } finally {
      await client.close();
    }
    await step('import-deckhouse-done');
    await page
      .locator('.copy-box', { hasText: 'Deckhouse ModuleSource' })
      .getByRole('button', { name: 'Save as file…' })
      .click();
    const saved = join(work, 'saved', 'ferry-module-source.yaml');
    await expect.poll(() => existsSync(saved)).toBe(true);
    expect(readFileSync(saved, 'utf8')).toBe(yaml);
  });

  it('logged no console error (a CSP violation would be one)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
