// Import finds the sticks: the transfers on the mounted drives are offered without typing a path; a
// stick holding two transfers offers both, to choose one; a stick holding a bundle `d8 mirror pull`
// wrote is offered and opened as the command line opens it, and verifies.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../harness/registry-client.ts';
import { writeD8Bundle } from '../support/d8-bundle-writer.ts';
import { button, byLabel, pullThroughApp, startAppSession, type AppSession } from './app-session.ts';

let s: AppSession;
let first: string;
let second: string;

const found = () => s.page.locator('.found-list li');

beforeAll(async () => {
  s = await startAppSession({
    sticks: [
      { label: 'FERRY 01', fstype: 'vfat' },
      { label: 'D8 STICK', fstype: 'exfat' },
    ],
  });
  const [ferryStick, d8Stick] = s.stickMounts as [string, string];
  await pullThroughApp(s, join(ferryStick, 'ferry-first'), ['vendor/app:v1.0']);
  await pullThroughApp(s, join(ferryStick, 'ferry-second'), ['vendor/tool:2.0']);
  [first, second] = [join(ferryStick, 'ferry-first'), join(ferryStick, 'ferry-second')];
  const client = createRegistryClient(s.source);
  try {
    await writeD8Bundle(client, s.source.host, join(d8Stick, 'd8-bundle'), [
      {
        name: 'platform.tar',
        layouts: { '': [{ repository: 'vendor/app', reference: 'v1.0', shortTag: 'v1.0' }] },
      },
    ]);
  } finally {
    await client.close();
  }
});

afterAll(async () => {
  await s?.close();
});

describe('Import finds the sticks', () => {
  it('lists every transfer on the mounted drives, and says when a stick holds two', async () => {
    const { page } = s;
    await button(page, /Import and push/).click();
    await expect.poll(() => found().count(), { timeout: 15_000 }).toBe(3);
    const texts = await found().allTextContents();
    expect(texts.filter((t) => t.startsWith('FERRY 01'))).toHaveLength(2);
    for (const t of texts.filter((t) => t.startsWith('FERRY 01')))
      expect(t).toContain('This stick holds more than one transfer: choose one.');
    expect(texts.find((t) => t.startsWith('D8 STICK'))).toMatch(
      /transfer d8-[0-9a-f]{4}.* 1 image .*files on this stick/,
    );
    await s.shot('import-finds-sticks');
  });

  it('a chosen transfer fills the folder and opens: the second one on the stick, not the first', async () => {
    const { page } = s;
    const secondEntry = found()
      .filter({ hasText: /FERRY 01/ })
      .nth(1);
    await secondEntry.getByRole('button').click();
    expect(await byLabel(page, 'Bundle folder (or the stick)').inputValue()).toBe(second);
    expect(await secondEntry.getByRole('button').getAttribute('aria-pressed')).toBe('true');
    await button(page, 'Open bundle').click();
    await expect
      .poll(() => page.locator('.review').textContent(), { timeout: 15_000 })
      .toContain('1 image, ');
    expect(await byLabel(page, 'Bundle folder (or the stick)').inputValue()).not.toBe(first);
  });

  it('opens the bundle d8 wrote and verifies it, as the command line does', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    await button(page, /Import and push/).click();
    await expect.poll(() => found().count(), { timeout: 15_000 }).toBe(3);
    await found()
      .filter({ hasText: /D8 STICK/ })
      .getByRole('button')
      .click();
    await button(page, 'Open bundle').click();
    await expect
      .poll(() => page.locator('.review').textContent(), { timeout: 15_000 })
      .toMatch(/d8-[0-9a-f]{16}/);
    await button(page, 'Next').click();
    await expect.poll(() => page.getByText(/are intact/).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('table.images tbody tr').count()).toBe(1);
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
