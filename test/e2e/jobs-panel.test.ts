// Jobs belong to the main process (issue 13, items 1, 2 and 6), in Debian's Chromium over the test
// bridge: the next start offers the pull Ferry was closed during; a pull held mid-copy by the gate
// proxy is left for the start screen and found again in the transfers panel, survives a reload, and
// refuses a second pull into its folder in one line naming it; pause/resume never makes progress go
// backwards, a cancel leaves Resume; the Done step gives the time taken and the distinct images; a
// pull that failed on an unreachable source is corrected in place and retried without redoing the
// preview.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullJobRequest } from '../../shared/dto.ts';
import type { InterruptedJob } from '../../shared/jobs.ts';
import { JOURNAL_FILE } from '../../electron/main/jobs/job-journal.ts';
import { prepareUpToReview, startAppSession, type AppSession } from './app-session.ts';
import { startGateProxy } from './gate-proxy.ts';

let app: AppSession;
let page: Page;
let interruptedFolder: string;
const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
const heading = (name: string) => page.getByRole('heading', { name });

beforeAll(async () => {
  app = await startAppSession({
    prefix: 'jobs',
    gate: true,
    beforeBridge: (home, source) => {
      interruptedFolder = join(home, '..', 'interrupted-bundle');
      const request: PullJobRequest = {
        source: { registry: source.host, insecure: true, tlsSkipVerify: false },
        images: ['vendor/tool:2.0'],
        platforms: [],
        signatures: false,
        bundleDir: interruptedFolder,
        force: false,
      };
      const left: InterruptedJob[] = [
        {
          jobId: 'job-from-last-run',
          title: `Pull into ${interruptedFolder}`,
          startedAt: '2026-12-01T10:00:00.000Z',
          seenAt: '2026-12-01T10:05:00.000Z',
          started: { kind: 'pull', request },
        },
      ];
      writeFileSync(join(home, JOURNAL_FILE), JSON.stringify(left));
    },
  });
  page = app.page;
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('jobs belong to the main process', () => {
  it('the next start offers to resume the pull Ferry was closed during, and resumes it', async () => {
    const offer = page.getByRole('region', { name: 'Interrupted transfers' });
    await expect.poll(() => offer.textContent()).toContain(`Pull into ${interruptedFolder}`);
    await app.shot('interrupted-offer');
    await button(`Resume: Pull into ${interruptedFolder}`).click();
    await expect.poll(() => heading('Transfer ready').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(existsSync(join(interruptedFolder, 'ferry-manifest.json'))).toBe(true);
    // Taken off the journal: the next start does not offer it again.
    const journal = JSON.parse(readFileSync(join(app.home, JOURNAL_FILE), 'utf8')) as InterruptedJob[];
    expect(journal.map((j) => j.jobId)).not.toContain('job-from-last-run');
    await button('Back to start').click();
  });

  it('a pull left for the start screen is in the transfers panel, and Open returns to it', async () => {
    const folder = join(app.work, 'held-bundle');
    await prepareUpToReview(page, app.gate!.host, folder);
    app.gate!.close();
    await button('Start transfer').click();
    await expect.poll(() => app.gate!.held, { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('item-counts').textContent()).toMatch(/0 done/);

    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    const toggle = button('Transfers: 1 in progress');
    await expect.poll(() => toggle.isVisible()).toBe(true);
    await toggle.click();
    const panel = page.getByRole('region', { name: 'Transfers' });
    expect(await panel.textContent()).toContain(`Pull into ${folder}`);
    expect(await panel.textContent()).toContain('running');
    await app.shot('panel');
    await button(`Open Pull into ${folder}`).click();
    await expect.poll(() => heading('Pulling images').isVisible()).toBe(true);
    expect(await page.locator('.progress-panel').count()).toBe(1);
  });

  it('a reload returns to the running pull', async () => {
    await page.reload();
    await expect.poll(() => heading('Pulling images').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('table.items tbody tr').count()).toBe(2);
    await app.shot('after-reload');
  });

  it('a second pull into the same folder is refused in one line naming the running one', async () => {
    const folder = join(app.work, 'held-bundle');
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
    await prepareUpToReview(page, app.gate!.host, folder);
    await button('Start transfer').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.count()).toBe(1);
    const message = (await alert.locator('.notice-message').textContent()) ?? '';
    expect(message).toContain(`${folder} is in use by "Pull into ${folder}" (running`);
    expect(message.split('\n')).toHaveLength(1);
    expect(await alert.getAttribute('data-code')).toBe('FERRY_ERR_BUNDLE_NOT_EMPTY');
    // Still one pull in main.
    expect(app.bridge.jobs.active()).toHaveLength(1);
    await app.shot('second-pull-refused');
  });

  it('pause and resume never make progress go backwards; cancel leaves Resume; Done shows time and images', async () => {
    const [held] = app.bridge.jobs.active();
    expect(held).toBeDefined();
    await button('Transfers: 1 in progress').click();
    const folder = join(app.work, 'held-bundle');
    await button(`Open Pull into ${folder}`).click();
    await expect.poll(() => heading('Pulling images').isVisible()).toBe(true);

    await button('Pause').click();
    await expect.poll(() => page.locator('.phase').textContent()).toContain('Paused');
    await button('Resume').click();
    await expect.poll(() => app.bridge.jobs.status(held!.jobId)).toBe('running');
    await button('Cancel').click();
    await expect.poll(() => page.locator('.phase').textContent()).toContain('Cancelled');
    expect(await button('Resume').isVisible()).toBe(true);
    await app.shot('cancelled-resume');

    // From here to the end, what the page shows and what main reports may only grow.
    const shown: number[] = [];
    const reported: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const value = await page
          .locator('.progress-panel progress')
          // Short: once the Done step replaces the panel there is nothing to wait for.
          .getAttribute('value', { timeout: 200 })
          .catch(() => null);
        if (value !== null) shown.push(Number(value));
        reported.push(app.bridge.jobs.get(held!.jobId)!.progress.bytesDone);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await button('Resume').click();
    app.gate!.open();
    await expect.poll(() => heading('Transfer ready').isVisible(), { timeout: 30_000 }).toBe(true);
    sampling = false;
    await sampler;
    // Resume after the cancel ran the same job to its end: the pull cancelled mid-copy is finished.
    expect(app.bridge.jobs.status(held!.jobId)).toBe('succeeded');
    expect(reported.at(-1)).toBeGreaterThan(0);
    const backwards = (list: number[]) => list.filter((v, n) => n > 0 && v < list[n - 1]!);
    expect(backwards(shown)).toEqual([]);
    expect(backwards(reported)).toEqual([]);

    expect(await page.getByTestId('done-duration').textContent()).toMatch(/\d+ s|min/);
    expect(await page.getByTestId('done-contents').textContent()).toMatch(/^2 images, /);
    const rows = page.locator('table.carried-images tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('table.carried-images').textContent()).toContain('vendor/app:v1.0');
    await app.shot('done');
    await button('Back to start').click();
  });

  it('a pull that failed on an unreachable source is corrected in place and retried', async () => {
    const doomed = await startGateProxy(app.source.host);
    doomed.open();
    const folder = join(app.work, 'retried-bundle');
    await prepareUpToReview(page, doomed.host, folder);
    await doomed.stop(); // the preview worked; now the address answers nothing
    await button('Start transfer').click();
    await expect
      .poll(() => page.locator('.progress-panel [role=alert]').getAttribute('data-code'), { timeout: 30_000 })
      .toBe('FERRY_ERR_UNREACHABLE');
    const fix = page.getByRole('region', { name: 'Correct the source registry and retry' });
    // The form may render a frame after the alert: waited for, not checked once.
    await expect.poll(() => fix.isVisible(), { timeout: 10_000 }).toBe(true);
    await app.shot('retry-in-place');
    await fix.getByLabel('Source registry address (required)').fill(app.source.host);
    await fix.getByRole('button', { name: 'Retry with these settings' }).click();
    await expect.poll(() => heading('Transfer ready').isVisible(), { timeout: 30_000 }).toBe(true);
    // One job, retried under its id: not a second pull.
    const pulls = app.bridge.jobs.list().filter((j) => j.title === `Pull into ${folder}`);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.started.kind === 'pull' && pulls[0]!.started.request.source.registry).toBe(
      app.source.host,
    );
  });

  it('logged no console error', () => {
    expect(app.consoleErrors).toEqual([]);
  });
});
