// Referrers found through the OCI 1.1 API on the source travel with the image, and on a target
// without the API (docker-registry) push writes the referrers tag-schema index so they stay findable.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startFaultServer, type FaultServer } from '../harness/fault-server.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { ferry } from '../support/cli.ts';

let source: FaultServer;
let target: RunningRegistry;
let work: string;
let imageDigest: string;
let sbomDigest: string;

const oci = 'application/vnd.oci.image.manifest.v1+json';

beforeAll(async () => {
  [source, target] = await Promise.all([
    startFaultServer({ auth: 'none', referrersApi: true }),
    startRegistry('http'),
  ]);
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const layer = Buffer.from('layer bytes');
  const image = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: oci,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: source.addBlob('app', config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: source.addBlob('app', layer),
          size: layer.length,
        },
      ],
    }),
  );
  imageDigest = source.addManifest('app', image, oci, '1.0');
  const empty = Buffer.from('{}');
  const sbom = Buffer.from('{"sbom":true}');
  const artifact = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: oci,
      artifactType: 'application/spdx+json',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: source.addBlob('app', empty),
        size: 2,
      },
      layers: [
        { mediaType: 'application/spdx+json', digest: source.addBlob('app', sbom), size: sbom.length },
      ],
      subject: { mediaType: oci, digest: imageDigest, size: image.length },
    }),
  );
  sbomDigest = source.addManifest('app', artifact, oci);
  work = mkdtempSync(join(tmpdir(), 'ferry-referrers-'));
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('referrers through the API', () => {
  it('are pulled with the image and made findable on a target without the API', async () => {
    const bundle = join(work, 'b');
    const pulled = await ferry(['pull', bundle, '--image', `${source.host}/app:1.0`, '--insecure']);
    expect(pulled.code).toBe(0);
    const m = JSON.parse(readFileSync(join(bundle, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    expect(m.images[0]!.artifacts).toEqual([
      { kind: 'referrer', subject: imageDigest, digest: sbomDigest, mediaType: oci },
    ]);

    const pushed = await ferry(['push', bundle, `${target.host}/mirror`, '--insecure']);
    expect(pushed.code).toBe(0);
    const client = createRegistryClient(target);
    try {
      const fallback = await client.getManifest('mirror/app', `sha256-${imageDigest.slice(7)}`);
      const index = JSON.parse(fallback.bytes.toString()) as {
        manifests: Array<{ digest: string; artifactType?: string }>;
      };
      expect(index.manifests).toEqual([
        expect.objectContaining({ digest: sbomDigest, artifactType: 'application/spdx+json' }),
      ]);
      expect((await client.headManifest('mirror/app', sbomDigest))?.digest).toBe(sbomDigest);
    } finally {
      await client.close();
    }
  });
});
