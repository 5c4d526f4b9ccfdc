// The copy sends each blob once per target registry: uploaded into the first repository that needs
// it, then mounted (cross-repository mount, no bytes) into the others. Two repositories sharing a
// layer, counted at the target's request log: one upload of the layer, one mount. Fails if the copy
// never mounts and uploads every time.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPlan } from '../../electron/engine/copy/copy.ts';
import { resolveImage } from '../../electron/engine/copy/resolve.ts';
import type { ImageRequest } from '../../electron/engine/plan/image-graph.ts';
import { RegistryStore } from '../../electron/engine/store/registry-store.ts';
import { createTransport } from '../../electron/engine/transport/transport.ts';
import type { Transport } from '../../electron/engine/transport/types.ts';
import { addOneLayerImage, startFaultServer, type FaultServer } from '../harness/fault-server.ts';

let source: FaultServer;
let target: FaultServer;
let transport: Transport;
let layerDigest: string;

beforeAll(async () => {
  source = await startFaultServer({ auth: 'none', referrersApi: false });
  target = await startFaultServer({ auth: 'none', referrersApi: false });
  ({ layerDigest } = addOneLayerImage(source, 'vendor/app', '1.0', randomBytes(1 << 20)));
  transport = createTransport({ insecure: true });
});
afterAll(async () => {
  await transport?.close();
  await source?.stop();
  await target?.stop();
});

describe('copy into two repositories of one registry', () => {
  it('uploads a shared layer once and mounts it into the second repository', async () => {
    const request = (repository: string): ImageRequest => ({
      sourceText: `${source.host}/vendor/app:1.0`,
      source: { registry: source.host, repository: 'vendor/app', reference: '1.0' },
      target: { repository, tag: '1.0' },
    });
    const src = new RegistryStore(source.host, transport);
    const dst = new RegistryStore(target.host, transport);
    const graph = await resolveImage(src, request('team-a/app'), { signatures: false });
    const images = [graph, { ...graph, request: request('team-b/app') }];
    const how: string[] = [];
    const result = await copyPlan(
      src,
      dst,
      { images },
      { progress: { onBlobDone: (d, _s, h) => d === layerDigest && how.push(h) } },
    );
    expect(result.failed).toEqual([]);
    expect(result.copied).toHaveLength(2);

    const layerUploads = target.requests.filter(
      (q) =>
        q.method === 'PUT' && q.path.includes('/blobs/uploads/') && q.path.includes(layerDigest.slice(7)),
    );
    const layerMounts = target.requests.filter(
      (q) => q.method === 'POST' && q.path.includes(`mount=${encodeURIComponent(layerDigest)}`),
    );
    expect(layerUploads).toHaveLength(1);
    expect(layerMounts).toHaveLength(1);
    expect(layerMounts[0]?.path).toContain('/v2/team-b/app/blobs/uploads/');
    expect(layerMounts[0]?.path).toContain(`from=${encodeURIComponent('team-a/app')}`);
    // The source was read once for the layer, whatever the number of target repositories.
    const layerReads = source.requests.filter((q) => q.method === 'GET' && q.path.includes(layerDigest));
    expect(layerReads).toHaveLength(1);
    expect(target.hasBlobIn('team-a/app', layerDigest)).toBe(true);
    expect(target.hasBlobIn('team-b/app', layerDigest)).toBe(true);
    expect(how).toEqual(['copied']);
  });
});
