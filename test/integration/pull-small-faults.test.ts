// Faults inside small responses (manifests, tag lists), which registries do not serve with Range:
// each is fetched again whole. A connection dropped or stalled mid-manifest, or a 10% rate of
// mid-body resets on every GET, must not stop a pull. The fault server, because a real registry
// cannot be made to drop a connection halfway through a manifest.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryStore } from '../../electron/engine/store/registry-store.ts';
import { createTransport } from '../../electron/engine/transport/transport.ts';
import { addOneLayerImage, startFaultServer, type FaultServer } from '../harness/fault-server.ts';
import { ferry } from '../support/cli.ts';

let server: FaultServer;
let work: string;
const refs: string[] = [];
let n = 0;
// Faults are drawn before the token check: aim them at requests that carry a token, which are the
// ones answered with a body.
const authorized = (req: IncomingMessage) => req.headers.authorization !== undefined;

beforeAll(async () => {
  server = await startFaultServer({ auth: 'bearer', referrersApi: false, seed: 16 });
  for (let i = 0; i < 8; i++)
    refs.push(addOneLayerImage(server, `vendor/img-${i}`, '1.0', randomBytes(256 << 10)).ref);
  work = mkdtempSync(join(tmpdir(), 'ferry-small-faults-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const pull = (images: string[], env: NodeJS.ProcessEnv = {}) =>
  ferry(['pull', join(work, `b${n++}`), ...images.flatMap((r) => ['--image', r]), '--insecure'], env);

describe('small responses through faults', () => {
  it('fetches a manifest again whole when its connection drops mid-body', async () => {
    server.inject({
      method: 'GET',
      path: /\/manifests\/1\.0$/,
      when: authorized,
      action: { kind: 'drop-mid-body' },
    });
    const r = await pull([refs[0]!]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(server.pendingFaults()).toBe(0);
  });

  it('retries a manifest request that stalls mid-body', async () => {
    server.inject({
      method: 'GET',
      path: /\/manifests\/1\.0$/,
      when: authorized,
      action: { kind: 'stall-mid-body' },
    });
    const r = await pull([refs[1]!], { D8_MIRROR_TIMEOUT: '1s' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(server.pendingFaults()).toBe(0);
  });

  it('fetches a tag list again whole when its connection drops mid-body', async () => {
    server.inject({
      method: 'GET',
      path: /\/tags\/list/,
      when: authorized,
      action: { kind: 'drop-mid-body' },
    });
    const transport = createTransport({ insecure: true, retryBaseDelayMs: 10 });
    try {
      const store = new RegistryStore(server.host, transport);
      expect(await store.listTags('vendor/img-2')).toEqual(['1.0']);
      expect(server.pendingFaults()).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('completes every pull under a 10% rate of mid-body resets on every GET', async () => {
    server.inject({
      method: 'GET',
      path: /^\/v2\/.+/,
      when: authorized,
      rate: 0.1,
      action: { kind: 'drop-mid-body' },
    });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await pull(refs);
      expect(r.stderr).not.toMatch(/error/i);
      codes.push(r.code);
    }
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(server.faultHits().at(-1)).toBeGreaterThan(4);
  }, 120_000);
});
