// Blob downloads resume in one layer, undici's retry interceptor (docs/decisions.md). A blob whose
// connection is cut several times in the middle of its body must still arrive whole, each retry
// asking with Range from the byte the previous attempt reached, never from the start. With the
// interceptor's retries at 0 this fails: no other layer resumes.
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
const layer = randomBytes(2 << 20);

beforeAll(async () => {
  server = await startFaultServer({ auth: 'none', referrersApi: false });
  ({ ref, layerDigest } = addOneLayerImage(server, 'vendor/cut', '1.0', layer));
  work = mkdtempSync(join(tmpdir(), 'ferry-resume-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('one resume layer for blob downloads', () => {
  it('carries a blob cut three times mid-body, each retry resuming where the last one stopped', async () => {
    const cuts = 3;
    server.inject({
      method: 'GET',
      path: new RegExp(`/blobs/${layerDigest}`),
      times: cuts,
      action: { kind: 'drop-mid-body' },
    });
    const dir = join(work, 'bundle');
    const r = await ferry(['pull', dir, '--image', ref, '--insecure']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(server.pendingFaults()).toBe(0);

    const gets = server.requests.filter((q) => q.method === 'GET' && q.path.includes(layerDigest));
    // The first request plus one per cut, and no more: nothing was fetched over again.
    expect(gets).toHaveLength(cuts + 1);
    expect(gets[0]?.range).toBeUndefined();
    const starts = gets.slice(1).map((q) => Number(/^bytes=(\d+)-/.exec(q.range ?? '')?.[1]));
    expect(starts).toHaveLength(cuts);
    for (const [i, start] of starts.entries()) {
      expect(start).toBeGreaterThan(i === 0 ? 0 : starts[i - 1]!);
      expect(start).toBeLessThan(layer.length);
    }

    const m = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    const tar = readFileSync(join(dir, m.archives[0]!.parts[0]!.file));
    const blob = m.blobs.find((b) => b.digest === layerDigest)!;
    const bytes = tar.subarray(blob.offset, blob.offset + blob.size);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(layerDigest);
  });
});
