// Counts that agree (issue 13, item 6), in Debian's Chromium over the test bridge: a Deckhouse pull
// whose release channels share releases shows the same number of images on Preview, Media, Review,
// the Transfer step, Done and History (distinct images, not one per channel: shared/counts.ts); the
// preview is a grouped table whose group headings are row headers; the progress bar speaks its
// value in bytes and time, not a bare percentage.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDeckhouse } from '../harness/seed-deckhouse.ts';
import { byLabel, button, screenshotDir, startAppSession, type AppSession } from './app-session.ts';

let app: AppSession;
let page: Page;
/** The count the preview gives: every later screen must say the same. */
let images = 0;
let transferId = '';

beforeAll(async () => {
  app = await startAppSession({ prefix: 'counts', gate: true });
  page = app.page;
  await seedDeckhouse(app.source);
  // Open until the transfer starts: the preview reads channel versions from blobs too.
  app.gate!.open();
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const countIn = (text: string | null, what: RegExp): number => {
  const m = what.exec(text ?? '');
  expect(m, `${what} in "${text}"`).not.toBeNull();
  return Number(m![1]);
};

describe('the image count agrees on every screen', () => {
  it('Preview: one row per distinct image, grouped, with the channels that point at it', async () => {
    await button(page, /Prepare a transfer/).click();
    await byLabel(page, 'Registry address (required)').fill(app.gate!.host);
    await page.getByText('Connection security').click();
    await byLabel(page, 'Plain HTTP (the registry serves no TLS)').check();
    await button(page, 'Next').click();
    await page.getByRole('radio', { name: /A Deckhouse distribution/ }).check();
    await byLabel(page, 'Edition path (required)').fill('deckhouse/ee');
    await byLabel(page, 'Only these modules').fill('console@~1.3.0');
    const table = page.locator('table.preview');
    await expect
      .poll(() => table.locator('caption').textContent(), { timeout: 30_000 })
      .toMatch(/\d+ images/);
    images = countIn(await table.locator('caption').textContent(), /What will travel: (\d+) images/);
    // Group headings are row headers of their row groups; the image rows are the rest.
    const headings = await table.locator('tbody th[scope=rowgroup]').allTextContents();
    expect(headings.map((h) => h.replace(/ · .*/, ''))).toEqual(
      expect.arrayContaining(['Platform', 'Security databases', 'Module console']),
    );
    const rows = table.locator('tbody tr:not(.group)');
    expect(await rows.count()).toBe(images);
    const perGroup = headings.reduce((n, h) => n + countIn(h, /· (\d+) images?$/), 0);
    expect(perGroup).toBe(images);
    // beta and early-access share v1.70.1 in the seed: one row names both.
    const shared = rows.filter({ hasText: /release-channel:[^;]*\bv1\.70\.1(?!\d)/ });
    expect(await shared.count()).toBe(1);
    expect(await shared.textContent()).toMatch(/beta.*early-access|early-access.*beta/);
    expect(await shared.textContent()).toContain('Release channel');
    // A short digest is one word: never broken across lines.
    const digest = shared.locator('td.digest');
    const whiteSpace = await digest.evaluate(
      (el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { whiteSpace: string } }).getComputedStyle(
          el,
        ).whiteSpace,
    );
    expect(whiteSpace).toBe('nowrap');
    expect(await page.getByRole('status').filter({ hasText: /ready/ }).textContent()).toMatch(
      new RegExp(`^${images} images ready`),
    );
    await app.shot('preview');
    // The table's top alone, small enough to commit as the docs' picture (counts-preview.png).
    await table.evaluate((el) =>
      (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }),
    );
    const box = (await table.boundingBox())!;
    const top = Math.max(0, box.y);
    await page.screenshot({
      path: join(screenshotDir, 'counts-preview-table.tmp.png'),
      clip: { x: box.x, y: top, width: box.width, height: Math.min(box.height, 800 - top) },
    });
    await button(page, 'Next').click();
  });

  it('Media and Review say the same number', async () => {
    await page.getByRole('radio', { name: /A folder on this computer/ }).check();
    await byLabel(page, 'Bundle folder (required)').fill(join(app.work, 'd8-bundle'));
    await byLabel(page, 'Chunk size in MiB').fill('1');
    const estimate = page.locator('.estimate');
    await expect.poll(() => estimate.textContent()).toMatch(/1 stick/);
    expect(countIn(await estimate.textContent(), /(\d+) images, about/)).toBe(images);
    await button(page, 'Next').click();
    const review = page.locator('dl.review');
    expect(countIn(await review.textContent(), /Deckhouse deckhouse\/ee: (\d+) images, /)).toBe(images);
  });

  it('the Transfer step counts the same images, and its bar speaks bytes and time', async () => {
    app.gate!.close();
    await button(page, 'Start transfer').click();
    await expect.poll(() => app.gate!.held, { timeout: 15_000 }).toBeGreaterThan(0);
    const stats = page.locator('.progress-panel .stats');
    await expect.poll(() => stats.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`of ${images}\\b`));
    const bar = page.locator('.progress-panel progress');
    expect(await bar.getAttribute('aria-valuemin')).toBe('0');
    expect(await bar.getAttribute('aria-valuemax')).toBe('100');
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
    expect(await bar.getAttribute('aria-valuetext')).toMatch(/^[\d.]+ (B|KiB|MiB) of [\d.]+ (B|KiB|MiB)/);
    app.gate!.open();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 60_000 })
      .toBe(true);
  });

  it('Done and History say the same number', async () => {
    const contents = await page.getByTestId('done-contents').textContent();
    expect(countIn(contents, /^(\d+) images, /)).toBe(images);
    expect(await page.locator('table.carried-images tbody tr').count()).toBe(images);
    transferId = (await page.getByTestId('transfer-id').textContent()) ?? '';
    expect(transferId).not.toBe('');
    await button(page, 'Back to start').click();

    await button(page, /History/).click();
    const table = page.locator('table.transfers');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    const headers = await table.locator('thead th').allTextContents();
    const column = headers.indexOf('Images');
    expect(column).toBeGreaterThanOrEqual(0);
    expect(Number(await table.locator('tbody tr td').nth(column).textContent())).toBe(images);
    await page.getByRole('button', { name: `Details of transfer ${transferId}` }).click();
    const caption = page.locator('table.images caption');
    await expect.poll(() => caption.textContent()).toMatch(/^Images: /);
    expect(countIn(await caption.textContent(), /^Images: (\d+) images, under \d+ tags$/)).toBe(images);
  });
});
