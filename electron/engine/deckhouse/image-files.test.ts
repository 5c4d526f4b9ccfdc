// readImageFiles against a real registry: gzip, zstd and uncompressed layers, upper layers winning,
// './' prefixes, multi-arch indexes (the linux/amd64 image is read) and a layer that is not a tar.
import { gunzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobContent,
  FixtureMediaTypes,
  platformIndex,
  randomLayer,
  simpleImage,
  tarGzLayer,
  type BlobContent,
} from '../../../test/harness/oci-builders.ts';
import { createRegistryClient, type RegistryClient } from '../../../test/harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../../../test/harness/registry.ts';
import { SeedRecorder } from '../../../test/harness/seed-recorder.ts';
import { RegistryError } from '../errors.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { createTransport } from '../transport/transport.ts';
import type { Transport } from '../transport/types.ts';
import { readImageFiles } from './image-files.ts';

let reg: RunningRegistry;
let client: RegistryClient;
let transport: Transport;
let store: RegistryStore;

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  return gunzipSync((await tarGzLayer(files)).bytes);
}

beforeAll(async () => {
  reg = await startRegistry('http');
  client = createRegistryClient(reg);
  transport = createTransport({ insecure: true, env: {} });
  store = new RegistryStore(reg.host, transport);
  const recorder = new SeedRecorder(client, reg.host);
  const gzip = await tarGzLayer({ 'version.json': '{"version":"v1"}', 'a.txt': 'from gzip' });
  const zstd = blobContent(
    zstdCompressSync(await tarOf({ './deckhouse/candi/images_digests.json': '{}', 'b.txt': 'from zstd' })),
    'application/vnd.oci.image.layer.v1.tar+zstd',
  );
  const plain: BlobContent = blobContent(
    await tarOf({ 'version.json': '{"version":"v2"}' }),
    'application/vnd.oci.image.layer.v1.tar',
  );
  await recorder.pushImage('files/layers', simpleImage({ layers: [gzip, zstd, plain] }), ['three']);
  const amd64 = simpleImage({
    layers: [await tarGzLayer({ 'arch.txt': 'amd64' })],
    platform: { os: 'linux', architecture: 'amd64' },
  });
  const arm64 = simpleImage({
    layers: [await tarGzLayer({ 'arch.txt': 'arm64' })],
    platform: { os: 'linux', architecture: 'arm64' },
  });
  const index = platformIndex([arm64, amd64]);
  await recorder.pushImage('files/multi', arm64);
  await recorder.pushImage('files/multi', amd64);
  await client.pushManifest('files/multi', 'v1', index.bytes, index.mediaType);
  await recorder.pushImage(
    'files/broken',
    simpleImage({ layers: [randomLayer(4096, FixtureMediaTypes.ociLayerGzip)] }),
    ['v1'],
  );
});
afterAll(async () => {
  await transport?.close();
  await client?.close();
  await reg?.stop();
});

describe('readImageFiles', () => {
  it('reads gzip, zstd and plain tar layers; the upper layer wins; absent files are absent', async () => {
    const files = await readImageFiles(store, 'files/layers', 'three', [
      'version.json',
      'a.txt',
      'b.txt',
      'deckhouse/candi/images_digests.json',
      'missing.json',
    ]);
    expect(files.get('version.json')?.toString()).toBe('{"version":"v2"}');
    expect(files.get('a.txt')?.toString()).toBe('from gzip');
    expect(files.get('b.txt')?.toString()).toBe('from zstd');
    expect(files.get('deckhouse/candi/images_digests.json')?.toString()).toBe('{}');
    expect(files.has('missing.json')).toBe(false);
  });

  it('reads the linux/amd64 image of an index', async () => {
    const files = await readImageFiles(store, 'files/multi', 'v1', ['arch.txt']);
    expect(files.get('arch.txt')?.toString()).toBe('amd64');
  });

  it('names a layer that is not a tar', async () => {
    await expect(readImageFiles(store, 'files/broken', 'v1', ['version.json'])).rejects.toThrow(
      RegistryError,
    );
    await expect(readImageFiles(store, 'files/broken', 'v1', ['version.json'])).rejects.toThrow(
      /cannot read layer sha256:/,
    );
  });
});
