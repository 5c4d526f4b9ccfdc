// The stick map: on Media it is the estimate (planned segments on bars as large as the real stick),
// kept when the person switches to a folder; on Stick copy it fills as sticks are copied and checked
// (the copy reads every file back); in History it shows where the files went. The small stick is a
// real 12 MiB tmpfs, so its free space is what a real small stick reports, and being empty it is not
// "almost full". A pull written straight onto one stick offers Eject on its Done step.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, byLabel, startAppSession, type AppSession } from './app-session.ts';
import { mountTmpfs } from './tmpfs.ts';

let s: AppSession;
let tiny: string;
let unmount: (() => void) | undefined;
/** Drives the app asked to eject (the operating system's eject stands aside for the fake sticks). */
const ejected: string[] = [];

const map = () => s.page.locator('.stick-map').last();
const segments = (state: string) => map().locator(`.segment[data-state="${state}"]`);

beforeAll(async () => {
  s = await startAppSession({
    eject: async (drive) => {
      ejected.push(drive.label);
    },
    layerSize: 3 * 1024 * 1024,
    sticks: [
      { label: 'FERRY 01', fstype: 'vfat' },
      { label: 'TINY', fstype: 'exfat' },
    ],
  });
  tiny = s.stickMounts[1]!;
  // A real small volume: statfs reports its true size and free space.
  unmount = mountTmpfs(tiny, '12m');
});

afterAll(async () => {
  unmount?.();
  await s?.close();
});

describe('the stick map', () => {
  it('Media: bars as large as the real small stick, kept when switching to a folder', async () => {
    const { page } = s;
    await button(page, /Prepare a transfer/).click();
    await byLabel(page, 'Registry address (required)').fill(s.source.host);
    await page.getByText('Connection security').click();
    await byLabel(page, 'Plain HTTP (the registry serves no TLS)').check();
    await button(page, 'Next').click();
    await byLabel(page, 'Image references, one per line').fill('vendor/app:v1.0\nvendor/tool:2.0');
    await expect.poll(() => page.locator('table.preview tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await button(page, 'Next').click();

    const tinyCard = page.locator('.drive', { hasText: 'TINY' });
    await expect.poll(() => tinyCard.count()).toBe(1);
    expect(await tinyCard.textContent()).not.toContain('Almost full');
    await page.getByRole('radio', { name: /TINY/ }).check();
    await byLabel(page, 'Chunk size in MiB').fill('1');
    await expect.poll(() => page.locator('.estimate').textContent()).toMatch(/[2-9] sticks/);
    const sticks = Number(/(\d) sticks/.exec((await page.locator('.estimate').textContent()) ?? '')![1]);
    await expect.poll(() => map().locator('.stick-row').count()).toBe(sticks);
    expect(await segments('planned').count()).toBeGreaterThanOrEqual(sticks);
    expect(await map().textContent()).toContain(`1 of ${sticks} · TINY`);

    // A folder now: the sticks stay the size of TINY, not a nominal 32 GB one.
    await page.getByRole('radio', { name: /A folder on this computer/ }).check();
    expect(await byLabel(page, 'Stick size').inputValue()).toBe('0');
    expect(await page.locator('#stick-size option:checked').textContent()).toMatch(/^Like TINY \(/);
    await byLabel(page, 'Bundle folder (required)').fill(join(s.work, 'bundle'));
    await expect.poll(() => map().locator('.stick-row').count()).toBe(sticks);
    await s.shot('stick-map-media');
    await button(page, 'Next').click();
    expect(await page.locator('.review').textContent()).toContain('sticks like TINY');
  });

  it('Stick copy: the copied stick is read back and shown checked; the next is the current one', async () => {
    const { page } = s;
    await button(page, 'Start transfer').click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    const rows = page.locator('.stick-copy .stick-map .stick-row');
    // The stick plan arrives after the heading.
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const count = await rows.count();
    expect(await segments('verified').count()).toBe(0);
    expect(await rows.nth(0).getAttribute('class')).toContain('current');

    for (let i = 0; i < count; i++) {
      // The swap: the last stick's copy is taken away, the same small volume stands in for the next.
      for (const f of readdirSync(tiny)) rmSync(join(tiny, f), { recursive: true });
      await byLabel(page, 'Mounted drives').selectOption(tiny);
      await button(page, `Copy to stick ${i + 1}`).click();
      if (i + 1 < count) {
        await expect
          .poll(() => rows.nth(i + 1).getAttribute('class'), { timeout: 15_000 })
          .toContain('current');
        expect(await rows.nth(i).locator('.segment[data-state="verified"]').count()).toBeGreaterThan(0);
        expect(await rows.nth(i).locator('.segment:not([data-state="verified"])').count()).toBe(0);
        expect(await page.locator('.stick-list li.done').first().textContent()).toContain(
          'read back and checked',
        );
        if (i === 0) await s.shot('stick-map-copy');
        // Then Eject, as the file manager would.
        await button(page, `Eject stick ${i + 1} (TINY)`).click();
        await expect
          .poll(() => page.getByRole('status').filter({ hasText: 'is ejected' }).textContent())
          .toBe(`Stick ${i + 1} (TINY) is ejected: unplug it and label it "${i + 1} of ${count}".`);
        expect(ejected).toEqual(Array(i + 1).fill('TINY'));
      }
    }
    await expect
      .poll(() => page.getByText(/All \d stick\(s\) are written/).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await segments('planned').count()).toBe(0);
    await button(page, `Eject stick ${count} (TINY)`).click();
    await expect.poll(() => ejected.length).toBe(count);
  });

  it('History: the transfer detail shows where its files went', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    await button(page, /History/).click();
    await page
      .getByRole('button', { name: /^Details of transfer/ })
      .first()
      .click();
    await expect.poll(() => page.locator('table.chunks tbody tr').count()).toBeGreaterThan(0);
    expect(await map().locator('.stick-bars .segment').count()).toBe(
      await page.locator('table.chunks tbody tr').count(),
    );
  });

  it('Done: a pull written straight onto one stick offers Eject for that stick', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    await button(page, /Prepare a transfer/).click();
    await byLabel(page, 'Registry address (required)').fill(s.source.host);
    await page.getByText('Connection security').click();
    await byLabel(page, 'Plain HTTP (the registry serves no TLS)').check();
    await button(page, 'Next').click();
    await byLabel(page, 'Image references, one per line').fill('vendor/tool:2.0');
    await expect.poll(() => page.locator('table.preview tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await button(page, 'Next').click();
    await page.getByRole('radio', { name: /FERRY 01/ }).check();
    await expect.poll(() => page.locator('.estimate').textContent()).toMatch(/1 stick/);
    await button(page, 'Next').click();
    await button(page, 'Start transfer').click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    // Written onto the stick itself: nothing to copy, so no stick copy, but Eject.
    const onStick = readdirSync(s.stickMounts[0]!).filter((f) => f.startsWith('ferry-'));
    expect(onStick).toHaveLength(1);
    expect(readdirSync(join(s.stickMounts[0]!, onStick[0]!))).toContain('ferry-manifest.json');
    expect(await page.locator('.stick-copy').count()).toBe(0);
    const before = ejected.length;
    await button(page, 'Eject FERRY 01').click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'is ejected' }).textContent())
      .toBe(
        'FERRY 01 is ejected: unplug it and take it to the isolated side, where Import and push opens it.',
      );
    expect(ejected.slice(before)).toEqual(['FERRY 01']);
    expect(await button(page, 'Eject FERRY 01').count()).toBe(0);
    await s.shot('done-eject');
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
