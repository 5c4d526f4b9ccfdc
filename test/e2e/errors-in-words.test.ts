// Errors in the user's words: no CLI flag, request line or engine word on screen; one sentence with
// the button that fixes it; plain HTTP told apart from an untrusted certificate; a refused login on
// the Target step names the Target step, and is not kept.
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, byLabel, pullThroughApp, startAppSession, type AppSession } from './app-session.ts';
import { focusedId } from './page-checks.ts';

let s: AppSession;

/** What the notice shows with its "Technical details" closed. */
async function shown(alert: Locator): Promise<string> {
  const text = await alert.innerText();
  expect(await alert.locator('details.notice-details').getAttribute('open')).toBeNull();
  return text.replace(/Technical details[\s\S]*$/, '');
}

function inUserWords(text: string): void {
  expect(text).not.toMatch(/(^|\s)--[a-z]/);
  expect(text).not.toMatch(/\b(GET|HEAD|PUT|POST) \//);
  expect(text).not.toMatch(/\b(blobs?|archives?|SSL_CERT_FILE|ERR_SSL|FERRY_ERR)\b/i);
}

beforeAll(async () => {
  s = await startAppSession({ target: true });
  await pullThroughApp(s, join(s.work, 'bundle'), ['vendor/app:v1.0']);
});

afterAll(async () => {
  await s?.close();
});

describe("errors in the user's words", () => {
  it('Source: a plain-HTTP registry reached over HTTPS says so, and "Use plain HTTP" fixes it', async () => {
    const { page } = s;
    await button(page, /Prepare a transfer/).click();
    await byLabel(page, 'Registry address (required)').fill(s.source.host);
    await button(page, 'Test connection').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1);
    const text = await shown(alert);
    expect(text).toContain('This registry speaks plain HTTP');
    expect(text).not.toContain('certificate');
    inUserWords(text);
    await alert.getByRole('button', { name: 'Use plain HTTP' }).click();
    await expect
      .poll(() => page.locator('.connection .ok-text').textContent(), { timeout: 15_000 })
      .toContain(`Connected to ${s.source.host}`);
    expect(await byLabel(page, 'Plain HTTP (the registry serves no TLS)').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Ferry: back to the start screen' }).click();
  });

  it('Target: an untrusted certificate is a certificate problem, with Choose CA file… and Accept', async () => {
    const { page } = s;
    await button(page, /Import and push/).click();
    await byLabel(page, 'Bundle folder (or the stick)').fill(join(s.work, 'bundle'));
    await button(page, 'Open bundle').click();
    await expect.poll(() => page.locator('.review').count(), { timeout: 15_000 }).toBe(1);
    await button(page, 'Next').click();
    await expect.poll(() => page.getByText(/are intact/).count(), { timeout: 30_000 }).toBe(1);
    await button(page, 'Next').click();

    const target = s.target!;
    await byLabel(page, 'Registry and path (required)').fill(`${target.host}/mirror`);
    await button(page, 'Test connection').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1);
    const text = await shown(alert);
    expect(text).toContain('Certificate not trusted');
    // The harness signs with its own CA (a self-signed leaf is named so: renderer/errors.test.ts).
    expect(text).toContain('presents a certificate this computer does not trust');
    expect(text).not.toContain('plain HTTP');
    inUserWords(text);
    expect(await alert.getByRole('button', { name: 'Accept this certificate' }).count()).toBe(1);
    await s.shot('errors-certificate');
    await alert.getByRole('button', { name: 'Choose CA file…' }).click();
    await expect.poll(() => page.evaluate(focusedId)).toBe('target-ca');
    await byLabel(page, 'CA certificate file (PEM)').fill(target.caFile!);
  });

  it('Target: a refused password names the Target step and is not kept; the right one is', async () => {
    const { page } = s;
    const target = s.target!;
    await byLabel(page, 'User name').fill(target.username!);
    await byLabel(page, 'Password or token').fill('not-the-password');
    await button(page, 'Test connection').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain('Login refused');
    const text = await shown(alert);
    expect(text).toContain('on the Target step');
    expect(text).not.toContain('Source');
    inUserWords(text);
    expect(await page.locator('.held-login').count()).toBe(0);
    expect(s.bridge.credentials.list()).toEqual([]);
    // The dry run maps names only: it takes no login, so the refused one is not handed over either.
    await button(page, 'Preview where images go (dry run)').click();
    await expect.poll(() => page.locator('table.mapping tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(s.bridge.credentials.list()).toEqual([]);

    await byLabel(page, 'Password or token').fill(target.password!);
    await button(page, 'Test connection').click();
    await expect
      .poll(() => page.locator('.connection .ok-text').textContent(), { timeout: 15_000 })
      .toContain(`as ${target.username!}`);
    expect(await page.locator('.held-login').textContent()).toContain(`as ${target.username!}`);
  });

  it('logged no console error', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
