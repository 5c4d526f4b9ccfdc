// One trip across the gap: a transfer on two sticks with one file missing from stick 1 and one byte
// flipped in a file on stick 2. Import still checks everything that is there, and gives one short
// list naming both files with the stick each belongs on; the stick map shows the same picture.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, byLabel, pullThroughApp, startAppSession, type AppSession } from './app-session.ts';

let s: AppSession;
let chunks: string[];
const sticks: string[] = [];

beforeAll(async () => {
  s = await startAppSession({ layerSize: 640 * 1024 });
  const bundle = join(s.work, 'bundle');
  await pullThroughApp(s, bundle, ['vendor/app:v1.0', 'vendor/tool:2.0', 'vendor/app:v1.1']);
  chunks = readdirSync(bundle)
    .filter((f) => f.endsWith('.chunk'))
    .sort();
  expect(chunks.length).toBeGreaterThanOrEqual(4);
  const half = Math.ceil(chunks.length / 2);
  for (const [i, files] of [chunks.slice(0, half), chunks.slice(half)].entries()) {
    const stick = join(s.work, `STICK-${i + 1}`);
    mkdirSync(stick);
    for (const f of ['ferry-manifest.json', 'ferry-manifest.sig.json', ...files])
      cpSync(join(bundle, f), join(stick, f));
    sticks.push(stick);
  }
  // Stick 1 lost its second file; stick 2's last file has one byte flipped.
  rmSync(join(sticks[0]!, chunks[1]!));
  const damaged = join(sticks[1]!, chunks.at(-1)!);
  const bytes = readFileSync(damaged);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  writeFileSync(damaged, bytes);
});

afterAll(async () => {
  await s?.close();
});

describe('Import: missing and damaged files in one pass', () => {
  it('opens the two sticks, names the missing file and its stick, and does not block the check', async () => {
    const { page } = s;
    await button(page, /Import and push/).click();
    await byLabel(page, 'Bundle folder (or the stick)').fill(sticks[0]!);
    await button(page, 'Add another stick').click();
    await byLabel(page, 'Stick 2: folder').fill(sticks[1]!);
    await button(page, 'Open bundle').click();
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toContain('1 file is on none of the chosen sticks');
    expect(await alert.textContent()).toContain(`stick 1 of 2 (STICK-1): ${chunks[1]!} (missing)`);
    expect(await page.locator('.stick-map .segment[data-state="missing"]').count()).toBe(1);
    expect(await button(page, 'Next').isEnabled()).toBe(true);
    await button(page, 'Next').click();
  });

  it('checks every file present and lists both problems together, by stick', async () => {
    const { page } = s;
    const rows = page.locator('ul.recopy li');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await rows.allTextContents()).toEqual([
      `stick 1 of 2 (STICK-1): ${chunks[1]!} (missing)`,
      `stick 2 of 2 (STICK-2): ${chunks.at(-1)!} (damaged)`,
    ]);
    // Every other file was read and checked despite the missing one.
    const map = page.locator('.stick-map').last();
    expect(await map.locator('.segment[data-state="missing"]').count()).toBe(1);
    expect(await map.locator('.segment[data-state="damaged"]').count()).toBe(1);
    expect(await map.locator('.segment[data-state="verified"]').count()).toBe(chunks.length - 2);
    expect(
      await map
        .locator(`.stick-row[data-stick="2"] .segment[data-file="${chunks.at(-1)!}"]`)
        .getAttribute('data-state'),
    ).toBe('damaged');
    // The notice is in the user's words; the engine's account waits behind Technical details.
    const notice = (await page.getByRole('alert').innerText()).replace(/Technical details[\s\S]*$/, '');
    expect(notice).not.toMatch(/\bblobs?\b|\barchive|sha256:[0-9a-f]{64}/);
    await s.shot('import-one-trip');
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
