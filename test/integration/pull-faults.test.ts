// Faults a real registry cannot produce on demand, from the spec-following fault server behind the
// docker token flow: a connection dropped mid-blob (the pull resumes with Range), a 503 storm
// (retried), and wrong bytes (refused, naming the blob).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { addOneLayerImage, startFaultServer, type FaultServer } from '../harness/fault-server.ts';
import { ferry } from '../support/cli.ts';

let server: FaultServer;
let work: string;
let ref: string;
let layerDigest: string;
let n = 0;

beforeAll(async () => {
  server = await startFaultServer({
    auth: 'bearer',
    username: 'reader',
    password: 'token-pass-1234',
    referrersApi: false,
  });
  ({ ref, layerDigest } = addOneLayerImage(server, 'vendor/big', '1.0', randomBytes(3 << 20)));
  work = mkdtempSync(join(tmpdir(), 'ferry-faults-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const pull = (extra: string[] = []) =>
  ferry([
    'pull',
    join(work, `b${n++}`),
    '--image',
    ref,
    '--insecure',
    '--source-login',
    'reader',
    '--source-password',
    'token-pass-1234',
    ...extra,
  ]);

describe('pull through faults', () => {
  it('resumes a blob whose connection dropped mid-body, with Range, over Bearer tokens', async () => {
    server.inject({
      method: 'GET',
      path: new RegExp(`/blobs/${layerDigest}`),
      action: { kind: 'drop-mid-body' },
    });
    const r = await pull();
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(server.pendingFaults()).toBe(0);
    const ranged = server.requests.filter((q) => q.path.includes(layerDigest) && q.range);
    expect(ranged.length).toBeGreaterThan(0);
    expect(server.tokenRequests.some((t) => t.username === 'reader')).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('token-pass-1234');
  });

  it('retries through a burst of 503s', async () => {
    server.inject({ method: 'GET', path: /\/manifests\/1\.0$/, times: 2, action: { status: 503 } });
    const r = await pull();
    expect(r.code).toBe(0);
    expect(server.pendingFaults()).toBe(0);
  });

  it('refuses a blob served with wrong bytes and names it (exit 3), keeping the work for resume', async () => {
    server.inject({
      method: 'GET',
      path: new RegExp(`/blobs/${layerDigest}`),
      action: { kind: 'wrong-bytes' },
    });
    const dir = join(work, 'wrong');
    const r = await ferry([
      'pull',
      dir,
      '--image',
      ref,
      '--insecure',
      '--source-login',
      'reader',
      '--source-password',
      'token-pass-1234',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`error: .*${layerDigest}.*refused`));
    // Once the server behaves, the same command completes the bundle with the right bytes.
    const ok = await ferry([
      'pull',
      dir,
      '--image',
      ref,
      '--insecure',
      '--source-login',
      'reader',
      '--source-password',
      'token-pass-1234',
    ]);
    expect(ok.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    const tar = readFileSync(join(dir, m.archives[0]!.parts[0]!.file));
    const blob = m.blobs.find((b) => b.digest === layerDigest)!;
    const bytes = tar.subarray(blob.offset, blob.offset + blob.size);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(layerDigest);
  });
});
