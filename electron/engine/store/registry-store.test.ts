// RegistryStore against real CNCF distribution registries (plain HTTP, TLS, TLS + htpasswd), seeded
// and read back by the harness's independent client.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, type RegistryClient } from '../../../test/harness/registry-client.ts';
import { startRegistry, type RegistryVariant, type RunningRegistry } from '../../../test/harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../../../test/harness/seed-generic.ts';
import {
  emptyConfig,
  FixtureMediaTypes,
  imageIndex,
  imageManifest,
  randomLayer,
  simpleImage,
} from '../../../test/harness/oci-builders.ts';
import { DigestMismatchError, NotFoundError } from '../errors.ts';
import { sha256Digest } from '../oci/digest.ts';
import { staticCredentials } from '../transport/docker-config.ts';
import { createTransport } from '../transport/transport.ts';
import type { Transport, TransportOptions } from '../transport/types.ts';
import { copyPlan } from '../copy/copy.ts';
import { RegistryStore } from './registry-store.ts';
import type { BlobSource } from './store.ts';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A stream of `bytes` in small pieces, the way a file or tar entry arrives. */
function pieces(bytes: Buffer, size = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

export function transportOptionsFor(reg: RunningRegistry): TransportOptions {
  return {
    insecure: reg.variant === 'http',
    caFiles: reg.caFile === undefined ? [] : [reg.caFile],
    credentials:
      reg.username === undefined
        ? undefined
        : staticCredentials({ [reg.host]: { username: reg.username, password: reg.password } }),
    env: {},
  };
}

describe.each<RegistryVariant>(['http', 'tls', 'tls-auth'])('RegistryStore on a %s registry', (variant) => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let transport: Transport;
  let store: RegistryStore;
  let seed: GenericSeed;

  beforeAll(async () => {
    reg = await startRegistry(variant);
    client = createRegistryClient(reg);
    transport = createTransport(transportOptionsFor(reg));
    store = new RegistryStore(reg.host, transport);
    seed = await seedGeneric(reg);
  });

  afterAll(async () => {
    await transport?.close();
    await client?.close();
    await reg?.stop();
  });

  it('reads seeded manifests and indexes byte-for-byte, with digest and media type', async () => {
    for (const image of [seed.appIndex, seed.app, seed.tool]) {
      const tag = image.tags[0] ?? '';
      const fetched = await store.getManifest(image.repository, tag);
      const independent = await client.getManifest(image.repository, tag);
      expect(fetched.bytes.equals(independent.bytes)).toBe(true);
      expect(fetched.digest).toBe(image.digest);
      expect(fetched.mediaType).toBe(image.mediaType);
      const byDigest = await store.getManifest(image.repository, image.digest);
      expect(byDigest.bytes.equals(independent.bytes)).toBe(true);
      const head = await store.headManifest(image.repository, tag);
      expect(head).toEqual({ digest: image.digest, mediaType: image.mediaType, size: image.size });
    }
  });

  it('round-trips pushed manifests (OCI, Docker, index) unchanged', async () => {
    const repo = 'roundtrip/app';
    const oci = simpleImage({ layers: [randomLayer(2048)] });
    const docker = simpleImage({
      layers: [randomLayer(2048, FixtureMediaTypes.dockerLayerGzip)],
      format: 'docker',
    });
    for (const image of [oci, docker]) {
      for (const blob of [image.config, ...image.layers]) {
        await store.putBlob(
          repo,
          { mediaType: blob.mediaType, digest: blob.digest, size: blob.size },
          pieces(blob.bytes),
        );
      }
      const m = image.manifest;
      await store.putManifest(repo, m.digest, { bytes: m.bytes, mediaType: m.mediaType, digest: m.digest });
    }
    const index = imageIndex({ entries: [{ manifest: oci.manifest }, { manifest: docker.manifest }] });
    await store.putManifest(repo, 'multi', {
      bytes: index.bytes,
      mediaType: index.mediaType,
      digest: index.digest,
    });

    const back = await client.getManifest(repo, 'multi');
    expect(back.bytes.equals(index.bytes)).toBe(true);
    expect(back.digest).toBe(index.digest);
    const dockerBack = await store.getManifest(repo, docker.manifest.digest);
    expect(dockerBack.bytes.equals(docker.manifest.bytes)).toBe(true);
    expect(dockerBack.mediaType).toBe(FixtureMediaTypes.dockerManifest);
  });

  it('refuses to store manifest bytes whose digest is not the one claimed', async () => {
    const image = simpleImage({ layers: [] });
    const wrong = {
      bytes: image.manifest.bytes,
      mediaType: image.manifest.mediaType,
      digest: `sha256:${'0'.repeat(64)}`,
    };
    await expect(store.putManifest('roundtrip/bad', 'x', wrong)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('reports a missing manifest as NotFoundError naming the reference', async () => {
    const err = await store.getManifest('vendor/app', 'no-such-tag').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe(`${reg.host}/vendor/app:no-such-tag not found`);
    expect(await store.headManifest('vendor/app', 'no-such-tag')).toBeUndefined();
  });

  it('uploads a streamed blob, finds it, downloads it whole and from an offset', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const descriptor = {
      mediaType: FixtureMediaTypes.ociLayerGzip,
      digest: sha256Digest(bytes),
      size: bytes.length,
    };
    const repo = 'blobs/stream';
    expect(await store.hasBlob(repo, descriptor.digest)).toBe(false);
    await store.putBlob(repo, descriptor, pieces(bytes));
    expect(await store.hasBlob(repo, descriptor.digest)).toBe(true);
    expect((await client.getBlob(repo, descriptor.digest)).equals(bytes)).toBe(true);

    const whole = await store.getBlob(repo, descriptor.digest);
    expect(whole.size).toBe(bytes.length);
    expect((await readAll(whole.stream)).equals(bytes)).toBe(true);

    const offset = 1_000_003;
    const rest = await store.getBlob(repo, descriptor.digest, { offset });
    expect(rest.size).toBe(bytes.length);
    expect((await readAll(rest.stream)).equals(bytes.subarray(offset))).toBe(true);
  });

  it('uploads in PATCH chunks when asked to, and the registry accepts the result', async () => {
    const chunked = new RegistryStore(reg.host, transport, { chunkedUploads: true, chunkSize: 1024 * 1024 });
    const layer = randomLayer(2 * 1024 * 1024 + 5);
    await chunked.putBlob(
      'blobs/chunked',
      { mediaType: layer.mediaType, digest: layer.digest, size: layer.size },
      pieces(layer.bytes),
    );
    expect((await client.getBlob('blobs/chunked', layer.digest)).equals(layer.bytes)).toBe(true);
  });

  it('copying into a registry that already holds a blob reads none of its bytes', async () => {
    const layer = seed.sharedLayer;
    const image = {
      request: {
        sourceText: 'x',
        source: { registry: 'x', repository: 'vendor/app', reference: 'x' },
        target: { repository: 'vendor/app' },
      },
      root: { bytes: Buffer.alloc(0), digest: layer.digest, mediaType: layer.mediaType },
      manifests: [],
      blobs: [layer],
      platforms: [],
      artifacts: [],
    };
    // The copy reads blobs from its source only through getBlob().
    const neverRead = {
      getBlob: () => Promise.reject(new Error('the body must not be read')),
    } as unknown as BlobSource;
    const how: string[] = [];
    await copyPlan(
      neverRead,
      store,
      { images: [image] },
      { progress: { onBlobDone: (_d, _s, h) => how.push(h) } },
    ).catch(
      () => undefined, // the manifest put of this fake image fails; the blob phase is what is checked
    );
    expect(how).toEqual(['present']);
  });

  it('fails a blob whose bytes do not match its digest, and leaves nothing behind', async () => {
    const layer = randomLayer(100_000);
    const lie = { mediaType: layer.mediaType, digest: randomLayer(10).digest, size: layer.size };
    const err = await store.putBlob('blobs/bad', lie, pieces(layer.bytes)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect(await store.hasBlob('blobs/bad', lie.digest)).toBe(false);
    expect(await store.hasBlob('blobs/bad', layer.digest)).toBe(false);
  });

  it('reports a missing blob as NotFoundError naming the digest', async () => {
    const digest = randomLayer(10).digest;
    const err = await store.getBlob('vendor/app', digest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain(digest);
  });

  it('mounts a blob from another repository, and says false when it cannot', async () => {
    const layer = seed.sharedLayer;
    expect(await store.hasBlob('mount/target', layer.digest)).toBe(false);
    expect(await store.mountBlob('mount/target', layer.digest, 'vendor/app')).toBe(true);
    expect(await store.hasBlob('mount/target', layer.digest)).toBe(true);
    const unknown = randomLayer(10).digest;
    expect(await store.mountBlob('mount/target', unknown, 'vendor/app')).toBe(false);
  });

  // distribution 2.8 pages `n` at a time but not in sorted order: compare as sets.
  it('lists tags across pages', async () => {
    const repo = 'tags/many';
    const image = simpleImage({ layers: [] });
    await client.pushBlob(repo, image.config.bytes);
    const tags = ['a', 'b', 'c', 'd', 'e'];
    for (const tag of tags)
      await client.pushManifest(repo, tag, image.manifest.bytes, image.manifest.mediaType);
    const paged = new RegistryStore(reg.host, transport, { tagPageSize: 2 });
    expect((await paged.listTags(repo)).sort()).toEqual(tags);
    expect((await store.listTags(repo)).sort()).toEqual(tags);
    await expect(store.listTags('tags/none')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds referrers through the tag-schema fallback (the registry has no referrers API)', async () => {
    const found = await store.referrers('vendor/app', seed.app.digest);
    expect(found.map((d) => d.digest)).toEqual([seed.artifact.digest]);
    expect(found[0]?.artifactType).toBe(seed.artifact.artifactType);
    expect(await store.referrers('vendor/app', seed.base.digest)).toEqual([]);
  });

  it('pushes and reads back an artifact with a subject', async () => {
    const repo = 'artifacts/app';
    const subject = simpleImage({ layers: [] });
    await store.putBlob(repo, subject.config, pieces(subject.config.bytes));
    await store.putManifest(repo, 'v1', subject.manifest);
    const artifact = imageManifest({
      artifactType: 'application/vnd.example+json',
      config: emptyConfig(),
      layers: [],
      subject: {
        mediaType: subject.manifest.mediaType,
        digest: subject.manifest.digest,
        size: subject.manifest.size,
      },
    });
    await store.putBlob(repo, artifact.config, pieces(artifact.config.bytes));
    await store.putManifest(repo, artifact.manifest.digest, artifact.manifest);
    const back = await store.getManifest(repo, artifact.manifest.digest);
    expect(back.bytes.equals(artifact.manifest.bytes)).toBe(true);
  });
});
