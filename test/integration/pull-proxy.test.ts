// Pulls through a forward proxy from the environment, against a real registry. The registry is
// named `registry.test:PORT`, a name that resolves nowhere: only the proxy (which sends every
// request to the registry) can reach it, so a pull that succeeds went through the proxy — plain
// HTTP in absolute form, and HTTPS through a CONNECT tunnel. Once the proxy is stopped, the pull
// names the dead proxy and what to do, instead of blaming the registry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../harness/forward-proxy.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let plain: RunningRegistry;
let tls: RunningRegistry;
let plainSeed: GenericSeed;
let tlsSeed: GenericSeed;
let work: string;
let n = 0;

beforeAll(async () => {
  [plain, tls] = await Promise.all([startRegistry('http'), startRegistry('tls')]);
  [plainSeed, tlsSeed] = await Promise.all([seedGeneric(plain), seedGeneric(tls)]);
  work = mkdtempSync(join(tmpdir(), 'ferry-proxy-'));
});
afterAll(async () => {
  await Promise.all([plain?.stop(), tls?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const portOf = (r: RunningRegistry) => Number(r.host.split(':')[1]);
/** The seed's references under the name only the proxy can resolve. */
const viaName = (r: RunningRegistry, seed: GenericSeed) =>
  seed.imageRefs.map((ref) => ref.replace(r.host, `registry.test:${portOf(r)}`));
const pullArgs = (refs: string[], flags: string[]) => [
  'pull',
  join(work, `b${n++}`),
  ...refs.flatMap((r) => ['--image', r]),
  ...flags,
];
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

describe('a forward proxy from the environment', () => {
  let proxy: ForwardProxy;
  beforeAll(async () => {
    proxy = await startForwardProxy({ host: '127.0.0.1', port: portOf(plain) });
  });
  afterAll(() => proxy.stop());

  it('carries a plain-HTTP pull (HTTP_PROXY) and the bundle verifies', async () => {
    const args = pullArgs(viaName(plain, plainSeed), ['--insecure']);
    const r = await ferry(args, { HTTP_PROXY: proxy.url });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(proxy.requests.some((u) => u.startsWith(`http://registry.test:${portOf(plain)}/v2/`))).toBe(true);
    expect((await ferry(['verify', args[1]!])).code).toBe(0);
  });

  it('names a stopped proxy and the fix, not the registry', async () => {
    const dead = await startForwardProxy({ host: '127.0.0.1', port: portOf(plain) });
    await dead.stop();
    const r = await ferry(pullArgs(viaName(plain, plainSeed), ['--insecure']), { HTTP_PROXY: dead.url });
    expect(r.code).toBe(4);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => /error/.test(l))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const line = lastLine(r.stderr);
    expect(line).toContain(`the proxy ${dead.url} (HTTP_PROXY) refused the connection`);
    expect(line).toMatch(/start the proxy, fix HTTP_PROXY, or add registry\.test to NO_PROXY/);
    expect(line).not.toMatch(/registry registry\.test:\d+ refused/);
  });

  it('names a proxy whose host is unknown', async () => {
    const r = await ferry(pullArgs(viaName(plain, plainSeed), ['--insecure']), {
      HTTP_PROXY: 'http://user:hunter22@proxy.invalid:3128',
    });
    expect(r.code).toBe(4);
    const line = lastLine(r.stderr);
    expect(line).toContain('the proxy http://proxy.invalid:3128 (HTTP_PROXY) is an unknown host');
    expect(r.stderr).not.toContain('hunter22');
  });
});

describe('an HTTPS registry through a CONNECT tunnel', () => {
  let proxy: ForwardProxy;
  beforeAll(async () => {
    proxy = await startForwardProxy({ host: '127.0.0.1', port: portOf(tls) });
  });
  afterAll(() => proxy.stop());

  it('pulls through HTTPS_PROXY', async () => {
    // The registry's certificate names 127.0.0.1 and localhost, not registry.test.
    const args = pullArgs(viaName(tls, tlsSeed), ['--tls-skip-verify']);
    const r = await ferry(args, { HTTPS_PROXY: proxy.url });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(proxy.requests).toContain(`CONNECT registry.test:${portOf(tls)}`);
    expect((await ferry(['verify', args[1]!])).code).toBe(0);
  });

  it('names HTTPS_PROXY when that proxy is down', async () => {
    const dead = await startForwardProxy({ host: '127.0.0.1', port: portOf(tls) });
    await dead.stop();
    const r = await ferry(pullArgs(viaName(tls, tlsSeed), ['--tls-skip-verify']), { HTTPS_PROXY: dead.url });
    expect(r.code).toBe(4);
    expect(lastLine(r.stderr)).toContain(`the proxy ${dead.url} (HTTPS_PROXY) refused the connection`);
  });
});
