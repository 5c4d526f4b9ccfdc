// Bad input gets one clear line on stderr and a documented exit code: never a stack trace, never a
// password, never a silent success.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let plain: RunningRegistry;
let secure: RunningRegistry;
let seed: GenericSeed;
let work: string;
let n = 0;
const fresh = () => join(work, `b${n++}`);

beforeAll(async () => {
  [plain, secure] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  seed = await seedGeneric(plain);
  await seedGeneric(secure);
  work = mkdtempSync(join(tmpdir(), 'ferry-errors-'));
});
afterAll(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

/** Progress lines may come first; the failure is exactly one line, the last. */
function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines.filter((l) => l.includes('error:'))).toHaveLength(1);
  expect(lines.at(-1)).toMatch(/^ferry pull: error: /);
  expect(lines.at(-1)).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('pull refuses bad input with one clear line', () => {
  it('an unparseable reference (usage, exit 2)', async () => {
    const r = await ferry(['pull', fresh(), '--image', 'Not A/Ref::']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^ferry pull: error: .*Not A\/Ref::/);
  });

  it('an unknown flag', async () => {
    const r = await ferry(['pull', fresh(), '--imagez', 'x']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /--imagez.*ferry pull --help/);
  });

  it('a chunk size under 1 MiB', async () => {
    const r = await ferry([
      'pull',
      fresh(),
      '--image',
      seed.imageRefs[0]!,
      '--insecure',
      '--chunk-size',
      '512KiB',
    ]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /under the 1 MiB minimum/);
  });

  it('a size that is not a size', async () => {
    const r = await ferry(['pull', fresh(), '--image', seed.imageRefs[0]!, '--chunk-size', 'lots']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /'lots' is not a size/);
  });

  it('an empty chunk size (not silently "no chunks")', async () => {
    const r = await ferry(['pull', fresh(), '--image', seed.imageRefs[0]!, '--insecure', '--chunk-size', '']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /--chunk-size '' is not a size/);
  });

  it('a bundle folder that cannot be made (under /proc: no endless retry)', async () => {
    const r = await ferry(['pull', '/proc/ferry-x', '--image', seed.imageRefs[0]!, '--insecure']);
    expect(r.code).toBe(5);
    expectOneLine(r.stderr, /cannot create the bundle folder \/proc\/ferry-x/);
  }, 10_000);

  it('the same image given twice is carried once', async () => {
    const dir = fresh();
    const r = await ferry([
      'pull',
      dir,
      '--image',
      seed.imageRefs[3]!,
      '--image',
      seed.imageRefs[3]!,
      '--insecure',
    ]);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as { images: unknown[] };
    expect(m.images).toHaveLength(1);
  });

  it('a non-empty bundle folder without --force', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'holiday.jpg'), 'x');
    const r = await ferry(['pull', dir, '--image', seed.imageRefs[0]!, '--insecure']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /not empty .*holiday\.jpg.*--force/);
    const forced = await ferry(['pull', dir, '--image', seed.imageRefs[0]!, '--insecure', '--force']);
    expect(forced.code).toBe(0);
    const again = await ferry(['pull', dir, '--image', seed.imageRefs[0]!, '--insecure']);
    expect(again.code).toBe(2);
    expectOneLine(again.stderr, /finished bundle/);
  });

  it('an unknown host (registry failure, exit 4)', async () => {
    const r = await ferry(['pull', fresh(), '--image', 'no-such-host.invalid/app:1']);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /no-such-host\.invalid/);
  });

  it('a reference that does not exist (404 names it)', async () => {
    const r = await ferry(['pull', fresh(), '--image', `${plain.host}/vendor/app:nope`, '--insecure']);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /vendor\/app:nope/);
  });

  it('a TLS failure says how to fix it', async () => {
    const r = await ferry(['pull', fresh(), '--image', `${secure.host}/vendor/app:v1.0`]);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /--tls-skip-verify|SSL_CERT_FILE/);
  });

  it('refused credentials name the registry, never the password', async () => {
    const password = 'wrong-secret-password';
    const r = await ferry(
      [
        'pull',
        fresh(),
        '--image',
        `${secure.host}/vendor/app:v1.0`,
        '--source-login',
        'someone',
        '--source-password',
        password,
      ],
      {
        SSL_CERT_FILE: secure.caFile!,
      },
    );
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, new RegExp(secure.host.replace(/\./g, '\\.')));
    expect(r.stderr + r.stdout).not.toContain(password);
  });

  it('credentials from the environment are used', async () => {
    const r = await ferry(['pull', fresh(), '--image', `${secure.host}/vendor/app:v1.0`], {
      SSL_CERT_FILE: secure.caFile!,
      D8_MIRROR_SOURCE_LOGIN: secure.username!,
      D8_MIRROR_SOURCE_PASSWORD: secure.password!,
    });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });
});
