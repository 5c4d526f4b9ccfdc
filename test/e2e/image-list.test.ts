// Image lists at real sizes: a bad line and a missing image are named by line number while the
// good lines still preview; "Carry the rest" removes exactly those lines; a running count says how
// many lines are being checked; a new preview cancels the one still asking the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, byLabel, invokeFromPage, startAppSession, type AppSession } from './app-session.ts';
import { startGateProxy, type GateProxy } from './gate-proxy.ts';

let s: AppSession;
let gate: GateProxy;

const lines = [
  'vendor/app:v1.0',
  'Vendor/Not-Lowercase',
  'vendor/tool:2.0',
  'vendor/nope:1',
  'vendor/app:v1.1',
];

beforeAll(async () => {
  s = await startAppSession();
  gate = await startGateProxy(s.source.host, /\/manifests\//);
});

afterAll(async () => {
  await gate?.stop();
  await s?.close();
});

describe('image lists', () => {
  it('names each bad line by number and still previews the others', async () => {
    const { page } = s;
    await button(page, /Prepare a transfer/).click();
    await byLabel(page, 'Registry address (required)').fill(s.source.host);
    await page.getByText('Connection security').click();
    await byLabel(page, 'Plain HTTP (the registry serves no TLS)').check();
    await button(page, 'Next').click();
    await byLabel(page, 'Image references, one per line').fill(lines.join('\n'));
    const rows = page.locator('table.preview tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(3);
    const problems = page.locator('.line-problems li');
    await expect.poll(() => problems.count()).toBe(2);
    const [bad, missing] = await problems.allTextContents();
    expect(bad).toMatch(/^Line 2: Vendor\/Not-Lowercase — 'Vendor\/Not-Lowercase' is not an image name/);
    expect(missing).toMatch(/^Line 4: vendor\/nope:1 — /);
    for (const text of [bad!, missing!]) expect(text).not.toMatch(/--[a-z]|\bblob|HEAD \/v2/);
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /images? ready/ })
        .textContent(),
    ).toMatch(/^3 images ready, 2 cannot be carried · /);
    expect(await button(page, 'Next').isDisabled()).toBe(true);
    await s.shot('image-list-errors');
  });

  it('"Carry the rest" removes exactly the named lines, and Next opens', async () => {
    const { page } = s;
    await button(page, 'Carry the rest: remove these 2 lines').click();
    expect(await byLabel(page, 'Image references, one per line').inputValue()).toBe(
      [lines[0], lines[2], lines[4]].join('\n'),
    );
    await expect.poll(() => page.locator('.line-problems').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.locator('table.preview tbody tr').count()).toBe(3);
    await expect.poll(() => button(page, 'Next').isEnabled()).toBe(true);
  });

  it('shows a running count while it asks, and a new preview cancels the one still asking', async () => {
    const { page } = s;
    gate.close();
    const selection = {
      source: { registry: gate.host, insecure: true, tlsSkipVerify: false },
      images: ['vendor/app:v1.0', 'vendor/tool:2.0'],
      platforms: [],
      signatures: false,
    };
    const first = invokeFromPage(page, 'images:preview', selection);
    await expect.poll(() => gate.held, { timeout: 10_000 }).toBeGreaterThan(0);
    const second = invokeFromPage(page, 'images:preview', { ...selection, images: ['vendor/app:v1.0'] });
    const cancelled = await first;
    expect(cancelled.ok).toBe(false);
    expect(!cancelled.ok && cancelled.error.code).toBe('FERRY_ERR_CANCELLED');
    gate.open();
    const answered = await second;
    expect(answered.ok && answered.value.images.length).toBe(1);

    // The page says how many lines it is checking while the registry is slow to answer.
    gate.close();
    await button(page, 'Back').click();
    await byLabel(page, 'Registry address (required)').fill(gate.host);
    await button(page, 'Next').click();
    await byLabel(page, 'Image references, one per line').fill(lines.slice(0, 3).join('\n'));
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Asking the registry' }).textContent(), {
        timeout: 10_000,
      })
      .toBe('Asking the registry about 3 lines…');
    gate.open();
    await expect.poll(() => page.locator('table.preview tbody tr').count(), { timeout: 20_000 }).toBe(2);
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
