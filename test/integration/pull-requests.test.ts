// Round trips a pull spends, counted at the registry (the spec-following fault server, without the
// referrers API): cosign and referrers-fallback tags are learnt from one tag list per repository,
// not a HEAD per tag per manifest, and the missing referrers API is asked about once per registry.
// On a WAN every request is a round trip; the old code made 4 tag probes and a referrers call per
// manifest. Where listing tags is refused, the tags are probed one by one and nothing is lost.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { addOneLayerImage, startFaultServer, type FaultServer } from '../harness/fault-server.ts';
import { ferry } from '../support/cli.ts';

const IMAGES = 5;
const oci = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let server: FaultServer;
let work: string;
let signedDigest: string;
let n = 0;
const refs: string[] = [];

/** A manifest (and its blobs) tagged `sha256-<hex>.sig` in `repository`, cosign's tag scheme. */
function addSignature(repository: string, subject: string): void {
  const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': subject } } }));
  const config = Buffer.from('{}');
  server.addBlob(repository, payload);
  server.addBlob(repository, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: oci,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: 2 },
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          digest: sha256(payload),
          size: payload.length,
        },
      ],
    }),
  );
  server.addManifest(repository, manifest, oci, `${subject.replace(':', '-')}.sig`);
}

beforeAll(async () => {
  server = await startFaultServer({ auth: 'none', referrersApi: false });
  for (let i = 0; i < IMAGES; i++) {
    const { ref } = addOneLayerImage(server, `team/app-${i}`, '1.0', randomBytes(1024));
    refs.push(ref);
  }
  const res = await fetch(`${server.url}/v2/team/app-0/manifests/1.0`, { headers: { accept: oci } });
  signedDigest = sha256(Buffer.from(await res.arrayBuffer()));
  addSignature('team/app-0', signedDigest);
  work = mkdtempSync(join(tmpdir(), 'ferry-requests-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function pullAll(
  ...extra: string[]
): Promise<{ manifest: TransferManifest; requests: FaultServer['requests'] }> {
  server.requests.length = 0;
  const dir = join(work, `b${n++}`);
  const r = await ferry(['pull', dir, ...refs.flatMap((ref) => ['--image', ref]), '--insecure', ...extra]);
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
  return { manifest, requests: [...server.requests] };
}

const isTagProbe = (q: { method: string; path: string }) =>
  /\/manifests\/sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/.test(q.path);

describe('requests of a pull', () => {
  it('learns cosign and fallback tags from one tag list per repository, and asks the referrers API once', async () => {
    const { manifest, requests } = await pullAll();
    const signed = manifest.images.find((i) => i.digest === signedDigest);
    expect(signed?.artifacts.map((a) => a.kind)).toEqual(['sig']);

    expect(requests.filter((q) => q.method === 'HEAD' && isTagProbe(q))).toEqual([]);
    expect(requests.filter((q) => q.path.endsWith('/tags/list'))).toHaveLength(IMAGES);
    expect(requests.filter((q) => q.path.includes('/referrers/'))).toHaveLength(1);
    // What travels is one GET per manifest or blob carried (totals.blobs counts both). Besides: a
    // tag list per repository, one referrers call, a /v2/ ping or two. The old code made 4 tag
    // probes and a referrers call (plus a fallback GET) per manifest on top: 44 requests here.
    const travels = manifest.totals.blobs;
    expect(requests.length).toBeLessThanOrEqual(travels + IMAGES + 1 + 2);
  });

  it('probes the tags one by one where listing them is refused, and still carries the signature', async () => {
    server.inject({ method: 'GET', path: /\/tags\/list/, times: IMAGES, action: { status: 403 } });
    const { manifest, requests } = await pullAll();
    expect(server.pendingFaults()).toBe(0);
    const signed = manifest.images.find((i) => i.digest === signedDigest);
    expect(signed?.artifacts.map((a) => a.kind)).toEqual(['sig']);
    // Three cosign tags and the fallback tag for each of the five manifests.
    expect(requests.filter((q) => q.method === 'HEAD' && isTagProbe(q))).toHaveLength(IMAGES * 4);
  });

  it('fetches blobs in the order they lie in the bundle, so each part fills and is sealed in turn', async () => {
    // One at a time, the order of the GETs is the copy's order. In the plan's order (image by
    // image) a part's blobs arrived scattered over the whole copy, and it was hashed only at the end.
    const { manifest, requests } = await pullAll('--concurrency', '1');
    const offsets = new Map(manifest.blobs.map((b) => [b.digest, b.offset]));
    const fetched = requests
      .filter((q) => q.method === 'GET' && q.path.includes('/blobs/'))
      .map((q) => offsets.get(q.path.split('/blobs/')[1]!));
    expect(fetched.length).toBeGreaterThan(IMAGES);
    expect(fetched.every((o) => o !== undefined)).toBe(true);
    expect(fetched).toEqual([...fetched].sort((a, b) => a! - b!));
  });
});
