// Retry in place on the isolated side (issue 13, items 2 and 3), in Debian's Chromium over the test
// bridge with the harness's TLS + login target: a push refused for a wrong password says so on the
// Target side, the person types the right password in place and retries, and the same push job
// finishes without the check being run again; a target typed as plain HTTP and one whose certificate
// is not trusted each get their own sentence and button, are fixed in place and retried. Every image
// lands on the target with its digest, every layer with it.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PushedImage } from '../harness/seed-recorder.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { button, byLabel, pullThroughApp, startAppSession, type AppSession } from './app-session.ts';
import { focusedId } from './page-checks.ts';

let s: AppSession;
let page: Page;
let bundle: string;
const images = ['vendor/app:v1.0', 'vendor/tool:2.0'];

beforeAll(async () => {
  s = await startAppSession({ target: true, prefix: 'push-retry' });
  page = s.page;
  bundle = join(s.work, 'bundle');
  await pullThroughApp(s, bundle, images);
}, 120_000);

afterAll(async () => {
  await s?.close();
});

beforeEach(async () => {
  // Each case starts on the start screen, whatever the one before left.
  const home = page.getByRole('button', { name: 'Ferry: back to the start screen' });
  if ((await home.count()) > 0) await home.click();
});

/** Import from the start screen to its Target step: open the bundle, check it. */
async function importUpToTarget(): Promise<void> {
  await button(page, /Import and push/).click();
  await byLabel(page, 'Bundle folder (or the stick)').fill(bundle);
  await button(page, 'Open bundle').click();
  await expect.poll(() => page.locator('.review').count(), { timeout: 15_000 }).toBe(1);
  await button(page, 'Next').click();
  await expect.poll(() => page.getByText(/are intact/).count(), { timeout: 30_000 }).toBe(1);
  await button(page, 'Next').click();
}

const jobsOf = (kind: 'verify' | 'push') =>
  s.bridge.jobs
    .list()
    .filter((j) => j.kind === kind && !(j.started.kind === 'push' && j.started.request.dryRun));

/** The failure on the Push step, once it is shown; with what it says ("Technical details" closed). */
async function pushFailure(code: string): Promise<{ alert: Locator; text: string }> {
  const alert = page.locator('.progress-panel [role=alert]');
  await expect.poll(() => alert.getAttribute('data-code'), { timeout: 30_000 }).toBe(code);
  expect(await alert.count()).toBe(1);
  expect(await alert.locator('details.notice-details').getAttribute('open')).toBeNull();
  const text = (await alert.innerText()).replace(/Technical details[\s\S]*$/, '');
  expect(text).not.toMatch(/(^|\s)--[a-z]/);
  expect(text).not.toMatch(/\b(GET|HEAD|PUT|POST) \//);
  expect(text).not.toMatch(/\b(blobs?|archives?|manifests?|chunks?|tar|FERRY_ERR)\b/i);
  return { alert, text };
}

const fixRegion = () => page.getByRole('region', { name: 'Correct the target registry and retry' });

/** Waits for the Done step, then checks every image, child manifest and layer on the target. */
async function landedUnder(path: string): Promise<void> {
  await expect
    .poll(() => page.getByRole('heading', { name: 'Images pushed' }).isVisible(), { timeout: 30_000 })
    .toBe(true);
  const client = createRegistryClient(s.target!);
  try {
    for (const ref of images) {
      const [repo, tag] = ref.split(':') as [string, string];
      const pushed = ref === 'vendor/app:v1.0' ? s.seed.appIndex : s.seed.tool;
      expect((await client.headManifest(`${path}/${repo}`, tag))?.digest, ref).toBe(pushed.digest);
      const manifests: PushedImage[] = pushed.kind === 'index' ? pushed.children : [pushed];
      for (const m of manifests) {
        expect((await client.headManifest(`${path}/${repo}`, m.digest))?.digest).toBe(m.digest);
        for (const blob of [m.config, ...m.layers])
          expect((await client.headBlob(`${path}/${repo}`, blob.digest))?.size, blob.digest).toBe(blob.size);
      }
    }
  } finally {
    await client.close();
  }
}

/** Import up to its Target step, the target filled by `fill`, then Push images; the check is done. */
async function pushTo(fill: () => Promise<void>): Promise<void> {
  await importUpToTarget();
  await fill();
  await button(page, 'Push images').click();
}

/** The failed push, and what there is before the retry: it is retried in place, nothing else runs. */
function beforeRetry() {
  const failed = jobsOf('push').at(-1)!;
  expect(failed.status).toBe('failed');
  return { jobId: failed.jobId, checks: jobsOf('verify').length, pushes: jobsOf('push').length };
}

/** Every image landed; the failed push is the job that finished (same id), and no check ran again. */
async function finishedInPlace(path: string, before: ReturnType<typeof beforeRetry>): Promise<void> {
  await landedUnder(path);
  expect(jobsOf('push')).toHaveLength(before.pushes);
  expect(s.bridge.jobs.get(before.jobId)).toMatchObject({ status: 'succeeded' });
  expect(jobsOf('verify')).toHaveLength(before.checks);
  await button(page, 'Back to start').click();
}

describe('retry in place on the Push step', () => {
  it('a wrong target password: named on the Target side, fixed in place, the same push finishes', async () => {
    const target = s.target!;
    await pushTo(async () => {
      await byLabel(page, 'Registry and path (required)').fill(`${target.host}/mirror`);
      await byLabel(page, 'User name').fill(target.username!);
      await byLabel(page, 'Password or token').fill('not-the-password');
      await page.getByText('Connection security').click();
      await byLabel(page, 'CA certificate file (PEM)').fill(target.caFile!);
    });
    const { text } = await pushFailure('FERRY_ERR_AUTH');
    expect(text).toContain('Login refused');
    expect(text).toContain(`The registry ${target.host} refused the login`);
    expect(text).toContain('on the Target step');
    expect(text).not.toContain('Source');
    const before = beforeRetry();
    expect(before.pushes).toBe(1);
    // The refused password is let go, not held for the retry.
    await expect.poll(() => s.bridge.credentials.list()).toEqual([]);
    await s.shot('wrong-password');

    // Only the password is typed again: the user name is the one the push was started with.
    const fix = fixRegion();
    expect(await fix.getByLabel('User name').inputValue()).toBe(target.username!);
    await fix.getByLabel('Password or token').fill(target.password!);
    await fix.getByRole('button', { name: 'Retry with these settings' }).click();
    await finishedInPlace('mirror', before);
  });

  it('an HTTPS target typed as plain HTTP says it uses HTTPS; "Use HTTPS" retries the push', async () => {
    const target = s.target!;
    await pushTo(async () => {
      await byLabel(page, 'Registry and path (required)').fill(`${target.host}/plain`);
      await page.getByText('Connection security').click();
      await byLabel(page, 'Plain HTTP (the registry serves no TLS)').check();
      await byLabel(page, 'CA certificate file (PEM)').fill(target.caFile!);
    });
    const { alert, text } = await pushFailure('FERRY_ERR_TLS');
    expect(text).toContain('This registry uses HTTPS');
    expect(text).not.toContain('certificate');
    expect(await alert.getByRole('button', { name: 'Use HTTPS' }).count()).toBe(1);
    expect(await alert.getByRole('button', { name: 'Choose CA file…' }).count()).toBe(0);
    await s.shot('plain-http');
    const before = beforeRetry();
    await alert.getByRole('button', { name: 'Use HTTPS' }).click();
    await finishedInPlace('plain', before);
    const started = s.bridge.jobs.get(before.jobId)!.started;
    expect(started.kind === 'push' && started.request.target.insecure).toBe(false);
  });

  it('an untrusted certificate is told apart: "Choose CA file…" picks the CA in place, then retry', async () => {
    const target = s.target!;
    await pushTo(() => byLabel(page, 'Registry and path (required)').fill(`${target.host}/trusted`));
    const { alert, text } = await pushFailure('FERRY_ERR_TLS');
    expect(text).toContain('Certificate not trusted');
    expect(text).toContain(`The registry ${target.host} presents a certificate this computer does not trust`);
    expect(text).not.toContain('plain HTTP');
    expect(await alert.getByRole('button', { name: 'Accept this certificate' }).count()).toBe(1);
    expect(await alert.getByRole('button', { name: 'Use HTTPS' }).count()).toBe(0);
    await s.shot('certificate');
    const before = beforeRetry();
    await alert.getByRole('button', { name: 'Choose CA file…' }).click();
    await expect.poll(() => page.evaluate(focusedId)).toBe('target-ca');
    await fixRegion().getByLabel('CA certificate file (PEM)').fill(target.caFile!);
    await fixRegion().getByRole('button', { name: 'Retry with these settings' }).click();
    await finishedInPlace('trusted', before);
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
