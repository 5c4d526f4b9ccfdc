// A pull that runs out of room (issue 13, item 2), in Debian's Chromium over the test bridge, onto a
// real 8 MiB tmpfs that a filler file leaves almost full: the Transfer step says the drive is full in
// the user's words and offers Resume (not the connection form: nothing about the source is wrong);
// the test frees the space, presses Resume, and the same pull finishes and its bundle verifies.
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  button,
  invokeFromPage,
  prepareUpToReview,
  startAppSession,
  type AppSession,
} from './app-session.ts';
import { mountTmpfs } from './tmpfs.ts';

let s: AppSession;
let small: string;
let unmount: (() => void) | undefined;
const MiB = 1024 * 1024;

beforeAll(async () => {
  // Seven layers of 512 KiB: about 3.6 MiB to write, more than the room the filler leaves.
  s = await startAppSession({ layerSize: 512 * 1024, prefix: 'disk-full' });
  small = join(s.work, 'small');
  unmount = mountTmpfs(small, '8m');
}, 120_000);

afterAll(async () => {
  unmount?.();
  await s?.close();
});

describe('a pull that fills the drive', () => {
  it('says the drive is full, offers Resume, and after space is freed the same pull finishes', async () => {
    const { page } = s;
    const folder = join(small, 'bundle');
    await prepareUpToReview(page, s.source.host, folder);
    // Filled now (the Media step would have said there is no room): about 1.5 MiB stays free.
    const filler = join(small, 'filler');
    const free = () => {
      const st = statfsSync(small);
      return st.bavail * st.bsize;
    };
    writeFileSync(filler, Buffer.alloc(free() - 1.5 * MiB));
    expect(free()).toBeLessThan(2 * MiB);
    await button(page, 'Start transfer').click();

    const alert = page.locator('.progress-panel [role=alert]');
    await expect.poll(() => alert.getAttribute('data-code'), { timeout: 30_000 }).toBe('FERRY_ERR_DISK_FULL');
    const text = (await alert.innerText()).replace(/Technical details[\s\S]*$/, '');
    expect(text).toContain('Disk full');
    expect(text).toContain('The drive has no room left: free some space');
    expect(text).not.toMatch(/(^|\s)--[a-z]|ENOSPC|\b(blobs?|archives?|chunks?|tar|run the same command)\b/i);
    expect(await alert.locator('details.notice-details').getAttribute('open')).toBeNull();
    // Nothing to correct about the source: no connection form, just Resume.
    expect(await page.getByRole('region', { name: 'Correct the source registry and retry' }).count()).toBe(0);
    const resume = alert.getByRole('button', { name: 'Resume' });
    expect(await resume.count()).toBe(1);
    const [pull] = s.bridge.jobs.list().filter((j) => j.title === `Pull into ${folder}`);
    expect(pull?.status).toBe('failed');
    const written = pull!.progress.bytesDone;
    await s.shot('stopped');

    rmSync(filler);
    await resume.click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Transfer ready' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    // The same job, resumed from what it had written (progress never went back below it).
    const pulls = s.bridge.jobs.list().filter((j) => j.title === `Pull into ${folder}`);
    expect(pulls.map((j) => [j.jobId, j.status])).toEqual([[pull!.jobId, 'succeeded']]);
    expect(pulls[0]!.progress.bytesDone).toBeGreaterThanOrEqual(written);
    await expect.poll(() => page.locator('table.checksums tbody tr').count()).toBeGreaterThan(0);
    await s.shot('done');

    // And what is on the small drive checks out.
    const started = await invokeFromPage(page, 'job:verify', { folders: [folder] });
    if (!started.ok) throw new Error(started.error.message);
    await s.bridge.jobs.settled(started.value.jobId);
    const checked = s.bridge.jobs.get(started.value.jobId)!;
    expect(checked.status).toBe('succeeded');
    const result = checked.outcome?.kind === 'verify' ? checked.outcome.value : undefined;
    expect(result?.ok).toBe(true);
    expect(result?.files.every((f) => f.status === 'ok')).toBe(true);
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
