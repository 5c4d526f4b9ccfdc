// Every screen of the app, in the light and the dark theme (the OS setting, emulated), scanned by
// axe-core: the test fails on any serious or critical WCAG 2.x A/AA violation (contrast among them).
// Also what axe cannot judge: the current step's number is readable on its chip, each step says its
// state in words, the start cards have short names, digests stay whole, and the dark theme is a
// real one (the page background changes with the OS setting).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, brokenDigests, currentStepNumberContrast, pageBackground } from './a11y-checks.ts';
import { button, byLabel, startAppSession, type AppSession } from './app-session.ts';

let s: AppSession;
const scanned: string[] = [];

/** Scans the screen as it is in both themes, then leaves the light theme on. */
async function scan(name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await s.page.emulateMedia({ colorScheme });
    const { violations, passed } = await axeScan(s.page);
    expect(violations, `${name} (${colorScheme}): serious or critical violations`).toEqual([]);
    expect(passed, `${name} (${colorScheme}): the checker judged the text's contrast`).toContain(
      'color-contrast',
    );
    const contrast = await s.page.evaluate(currentStepNumberContrast);
    if (contrast !== null)
      expect(contrast, `${name} (${colorScheme}): current step number`).toBeGreaterThanOrEqual(4.5);
    expect(await s.page.evaluate(brokenDigests), `${name}: digests broken across lines`).toEqual([]);
  }
  await s.page.emulateMedia({ colorScheme: 'light' });
  scanned.push(name);
}

beforeAll(async () => {
  s = await startAppSession({ target: true, sticks: [{ label: 'FERRY 01', fstype: 'vfat' }] });
});

afterAll(async () => {
  await s?.close();
});

describe('accessibility of every screen, light and dark', () => {
  it('Start: short names for the three doors, and the theme follows the OS', async () => {
    const { page } = s;
    await expect
      .poll(() => page.getByRole('heading', { name: 'What would you like to do?' }).isVisible())
      .toBe(true);
    for (const name of ['Prepare a transfer', 'Import and push', 'History']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    const background = () => page.evaluate(pageBackground);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(dark).not.toBe(await background());
    await scan('start');
  });

  it('Prepare: source (an error and a connection), images, media, review, transfer, done', async () => {
    const { page } = s;
    await button(page, /Prepare a transfer/).click();
    await byLabel(page, 'Registry address (required)').fill('127.0.0.1:9');
    await page.getByText('Connection security').click();
    await byLabel(page, 'Plain HTTP (the registry serves no TLS)').check();
    await button(page, 'Test connection').click();
    await expect.poll(() => page.getByRole('alert').count(), { timeout: 20_000 }).toBe(1);
    await scan('prepare-source-error');
    await byLabel(page, 'Registry address (required)').fill(s.source.host);
    await button(page, 'Test connection').click();
    await expect.poll(() => page.locator('.connection .ok-text').count(), { timeout: 15_000 }).toBe(1);
    await scan('prepare-source');
    await button(page, 'Next').click();

    // The stepper says each step's state in words, not only by colour and a ✓.
    expect(await page.locator('.stepper li.done').first().textContent()).toContain(', done');
    expect(await page.locator('.stepper li[aria-current="step"]').textContent()).toContain(', current step');
    await byLabel(page, 'Image references, one per line').fill('vendor/app:v1.0\nvendor/tool:2.0');
    await expect.poll(() => page.locator('table.preview tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await scan('prepare-images');
    await page.emulateMedia({ colorScheme: 'dark' });
    await s.shot('accessibility-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await button(page, 'Next').click();

    await page.getByRole('radio', { name: /FERRY 01/ }).check();
    await byLabel(page, 'Chunk size in MiB').fill('1');
    await expect.poll(() => page.locator('.estimate').textContent()).toMatch(/1 stick/);
    await scan('prepare-media');
    await button(page, 'Next').click();
    await scan('prepare-review');
    await button(page, 'Start transfer').click();
    await expect.poll(() => page.locator('.progress-panel').count()).toBe(1);
    await scan('prepare-transfer');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await scan('prepare-done');
    await button(page, 'Back to start').click();
  });

  it('Import: bundle, verify, target, push done', async () => {
    const { page } = s;
    await button(page, /Import and push/).click();
    await scan('import-bundle-empty');
    await byLabel(page, 'Bundle folder (or the stick)').fill(s.stickMounts[0]!);
    await button(page, 'Open bundle').click();
    await expect.poll(() => page.locator('.review').count(), { timeout: 15_000 }).toBe(1);
    await scan('import-bundle');
    await button(page, 'Next').click();
    await expect.poll(() => page.getByText(/are intact/).count(), { timeout: 30_000 }).toBe(1);
    await scan('import-verify');
    await button(page, 'Next').click();
    const target = s.target!;
    await byLabel(page, 'Registry and path (required)').fill(`${target.host}/mirror`);
    await byLabel(page, 'User name').fill(target.username!);
    await byLabel(page, 'Password or token').fill(target.password!);
    await page.getByText('Connection security').click();
    await byLabel(page, 'CA certificate file (PEM)').fill(target.caFile!);
    await button(page, 'Test connection').click();
    await expect.poll(() => page.locator('.connection .ok-text').count(), { timeout: 15_000 }).toBe(1);
    await scan('import-target');
    await button(page, 'Push images').click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Images pushed' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await scan('import-done');
    await button(page, 'Back to start').click();
  });

  it('History: the list and a transfer in detail', async () => {
    const { page } = s;
    await button(page, /History/).click();
    await expect.poll(() => page.locator('table.transfers tbody tr').count()).toBe(1);
    await scan('history');
    await page.getByRole('button', { name: /^Details of transfer/ }).click();
    await expect.poll(() => page.locator('table.chunks tbody tr').count()).toBeGreaterThan(0);
    await scan('history-detail');
  });

  it('scanned every screen and logged no console error', () => {
    expect(scanned).toHaveLength(15);
    expect(s.consoleErrors).toEqual([]);
  });
});
