// History an auditor can use (issue 13, item 8), in Debian's Chromium over the test bridge: two real
// pulls (one checked) through the app's own IPC; the list names source registries and durations, with
// dates in one format carrying the time zone; a transfer's detail draws its two-lane timeline; the
// filtered list exports as one CSV, HTML and PDF file (Electron's printToPDF stood in for) holding
// only the listed transfers; the station key exports as the file the isolated side trusts.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobOutcome, JobStarted, PullJobRequest } from '../../shared/dto.ts';
import type { Result } from '../../shared/errors.ts';
import { startAppSession, type AppSession } from './app-session.ts';

let app: AppSession;
let page: Page;
const printed: string[] = [];
const transfers: Record<'app' | 'tool', string> = { app: '', tool: '' };
const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });

/** Starts a job through the page's own window.ferry (the preload's api in Electron) and waits for it. */
async function runJob(
  channel: 'job:pull' | 'job:verify' | 'job:push',
  request: unknown,
): Promise<JobOutcome | undefined> {
  const started = (await page.evaluate(
    ([c, r]) =>
      (globalThis as unknown as { ferry: { invoke(c: string, r: unknown): Promise<unknown> } }).ferry.invoke(
        c as string,
        r,
      ),
    [channel, request] as const,
  )) as Result<JobStarted>;
  if (!started.ok) throw new Error(started.error.message);
  await app.bridge.jobs.settled(started.value.jobId);
  expect(app.bridge.jobs.status(started.value.jobId)).toBe('succeeded');
  return app.bridge.jobs.get(started.value.jobId)?.outcome;
}

function pullOf(image: string, folder: string): PullJobRequest {
  return {
    source: { registry: app.source.host, insecure: true, tlsSkipVerify: false },
    images: [image],
    platforms: [],
    signatures: false,
    bundleDir: folder,
    force: false,
  };
}

const saved = () => readdirSync(join(app.work, 'saved'));

beforeAll(async () => {
  app = await startAppSession({
    prefix: 'history',
    bridge: {
      printToPdf: async (html) => {
        printed.push(html);
        return Buffer.from(`%PDF-1.7 stand-in for ${html.length} characters of HTML\n`);
      },
    },
  });
  page = app.page;
  const appDir = join(app.work, 'bundle-app');
  const toolDir = join(app.work, 'bundle-tool');
  await runJob('job:pull', pullOf('vendor/app:v1.0', appDir));
  await runJob('job:verify', { folders: [appDir] });
  await runJob('job:pull', pullOf('vendor/tool:2.0', toolDir));
  for (const [key, dir] of [
    ['app', appDir],
    ['tool', toolDir],
  ] as const) {
    transfers[key] = (
      JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as { transferId: string }
    ).transferId;
  }
  // The page may have opened a pull's screen while it ran (as after a reload): start afresh.
  await page.reload();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('history an auditor can use', () => {
  it('lists source registries, durations and dates with their time zone', async () => {
    await button(/History/).click();
    const rows = page.locator('table.transfers tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const text = (await page.locator('table.transfers').textContent()) ?? '';
    expect(text).toContain(app.source.host);
    expect(text).toMatch(/\d+ s/);
    // en-GB in UTC (browser.ts): "2 Dec 2026, 19:40:12 UTC" — month as a word, zone named.
    expect(text).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} UTC/);
    expect(await page.locator('main').textContent()).toContain('Times are shown in UTC');
    await app.shot('list');
  });

  it("a transfer's detail draws its connected and isolated lanes", async () => {
    await page.getByRole('button', { name: `Details of transfer ${transfers.app}` }).click();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect.poll(() => timeline.isVisible()).toBe(true);
    const connected = timeline.locator('.lane-connected .lane-op');
    const isolated = timeline.locator('.lane-isolated .lane-op');
    expect(await connected.count()).toBe(1);
    expect(await connected.first().getAttribute('data-kind')).toBe('pull');
    expect(await connected.first().textContent()).toContain(`from ${app.source.host}`);
    expect(await isolated.count()).toBe(1);
    expect(await isolated.first().textContent()).toMatch(/Check — succeeded/);
    expect(await page.locator('dl.review').textContent()).toContain(app.source.host);
    await app.shot('detail-timeline');
    await button('← All transfers').click();
  });

  it('exports the filtered list as one CSV, HTML and PDF file with only the listed transfers', async () => {
    await page.getByLabel('Image', { exact: true }).fill('vendor/tool');
    await button('Filter').click();
    await expect.poll(() => page.locator('table.transfers tbody tr').count()).toBe(1);
    for (const [label, ext] of [
      ['CSV', 'csv'],
      ['HTML', 'html'],
      ['PDF', 'pdf'],
    ] as const) {
      await button(`Export list as ${label}`).click();
      await expect
        .poll(() => saved().some((f) => f.startsWith('ferry-transfers-') && f.endsWith(`.${ext}`)))
        .toBe(true);
    }
    const file = (ext: string) =>
      join(
        app.work,
        'saved',
        saved().find((f) => f.endsWith(`.${ext}`))!,
      );
    const csv = readFileSync(file('csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('section,operation,direction,time,name,digest,size,status,detail');
    expect(csv).toContain(transfers.tool);
    expect(csv).not.toContain(transfers.app);
    const html = readFileSync(file('html'), 'utf8');
    expect(html).toContain('Ferry transfers report');
    expect(html).toContain('image contains &quot;vendor/tool&quot;');
    expect(html).toContain(transfers.tool);
    expect(html).not.toContain(transfers.app);
    expect(readFileSync(file('pdf'), 'utf8')).toMatch(/^%PDF-/);
    expect(printed.at(-1)).toContain(transfers.tool);
    await expect.poll(() => page.getByText(/Report saved to/).count()).toBe(1);
    await app.shot('list-exported');
  });

  it('exports the station key the isolated side trusts', async () => {
    await button('Export station key').click();
    await expect.poll(() => saved().includes('ferry-station.pub')).toBe(true);
    expect(readFileSync(join(app.work, 'saved', 'ferry-station.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    await expect.poll(() => page.getByText(/Station key saved to/).count()).toBe(1);
  });

  it('imports the receipt a push gave, and an incremental pull then leaves out what the target holds', async () => {
    const appDir = join(app.work, 'bundle-app');
    const pushed = await runJob('job:push', {
      folders: [appDir],
      target: { registry: `${app.source.host}/mirror`, insecure: true, tlsSkipVerify: false },
      dryRun: false,
    });
    const receipt = pushed?.kind === 'push' ? pushed.value.receipt : undefined;
    expect(receipt).toBeDefined();
    const file = join(app.work, 'receipt.json');
    writeFileSync(file, receipt!.json);
    app.bridge.choices.push(file);
    await button('Import a receipt…').click();
    await expect.poll(() => page.getByText(/^Receipt .* recorded: .* is in /).count()).toBe(1);
    await app.shot('receipt-imported');

    const again = join(app.work, 'bundle-incremental');
    await runJob('job:pull', { ...pullOf('vendor/app:v1.0', again), incremental: true });
    const manifest = JSON.parse(readFileSync(join(again, 'ferry-manifest.json'), 'utf8')) as {
      omitted?: unknown[];
    };
    expect(manifest.omitted?.length).toBeGreaterThan(0);
  });

  it('logged no console error', () => {
    expect(app.consoleErrors).toEqual([]);
  });
});
