import { describe, expect, it } from 'vitest';
import { sha256Digest } from './digest.ts';
import { walkManifestGraph } from './manifest-graph.ts';
import { MediaTypes, type Descriptor } from './types.ts';

const blob = (n: number): Descriptor => ({
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: `sha256:${String(n).padStart(64, '0')}`,
  size: n,
});
const store = new Map<string, Buffer>();
function put(json: object, mediaType: string, platform?: Descriptor['platform']): Descriptor {
  const bytes = Buffer.from(JSON.stringify(json));
  const digest = sha256Digest(bytes);
  store.set(digest, bytes);
  return { mediaType, digest, size: bytes.length, ...(platform ? { platform } : {}) };
}
const manifest = (layer: number) =>
  put(
    { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: blob(1), layers: [blob(layer)] },
    MediaTypes.ociManifest,
  );
const amd = { ...manifest(2), platform: { os: 'linux', architecture: 'amd64' } };
const arm = { ...manifest(3), platform: { os: 'linux', architecture: 'arm64' } };
const index = put(
  { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [amd, arm, amd] },
  MediaTypes.ociIndex,
);

describe('walkManifestGraph', () => {
  it('visits each manifest once, children before the index that lists them, with every blob', async () => {
    const order: string[] = [];
    const blobs: string[] = [];
    const parents: Array<string | undefined> = [];
    await walkManifestGraph([index], {
      read: async (d, parent) => {
        parents.push(parent?.digest);
        return store.get(d.digest);
      },
      manifest: (d) => order.push(d.digest),
      blob: (b) => blobs.push(b.digest),
    });
    expect(order.slice(-1)).toEqual([index.digest]);
    expect(order.sort()).toEqual([amd.digest, arm.digest, index.digest].sort());
    expect(parents).toEqual([undefined, index.digest, index.digest]);
    expect(new Set(blobs)).toEqual(new Set([blob(1).digest, blob(2).digest, blob(3).digest]));
  });

  it('skips what read does not give, and hands what does not parse to invalid (or throws without it)', async () => {
    const broken = {
      ...blob(9),
      mediaType: MediaTypes.ociManifest,
      digest: sha256Digest(Buffer.from('{"x":1}')),
    };
    store.set(broken.digest, Buffer.from('{"x":1}'));
    const invalid: string[] = [];
    await walkManifestGraph([broken, blob(7)], {
      read: async (d) => store.get(d.digest),
      invalid: (d) => invalid.push(d.digest),
    });
    expect(invalid).toEqual([broken.digest]);
    await expect(walkManifestGraph([broken], { read: async (d) => store.get(d.digest) })).rejects.toThrow(
      /invalid manifest/,
    );
  });
});
