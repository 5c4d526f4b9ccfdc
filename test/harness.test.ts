// The harness itself: real registries in three variants, the independent client, and the seeders.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosignTag,
  COSIGN_SIGNATURE_ANNOTATION,
  FixtureMediaTypes,
  PLATFORM_CHANNELS,
  PLATFORM_VERSIONS,
  randomLayer,
  RELEASE_CHANNELS,
  SBOM_ARTIFACT_TYPE,
  seedDeckhouse,
  seedGeneric,
  simpleImage,
  type DeckhouseSeed,
  type GenericSeed,
} from './harness/fixtures.ts';
import {
  createRegistryClient,
  RegistryClientError,
  sha256Digest,
  type RegistryClient,
} from './harness/registry-client.ts';
import {
  createRunDir,
  killRecordedRegistries,
  requireTool,
  RUN_DIR_ENV,
  startRegistry,
  type RegistryVariant,
  type RunningRegistry,
} from './harness/registry.ts';

/** Reads one file out of a gzip'd tar held in memory (ustar headers, regular files only). */
function fileFromTarGz(archive: Buffer, name: string): string | undefined {
  const tar = gunzipSync(archive);
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    const entryName = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    if (entryName === '') return undefined;
    const size = parseInt(header.toString('utf8', 124, 136).replace(/\0.*$/s, '').trim(), 8);
    if (entryName === name) return tar.toString('utf8', offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

const variants: RegistryVariant[] = ['http', 'tls', 'tls-auth'];

describe.each(variants)('registry variant %s', (variant) => {
  let reg: RunningRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    reg = await startRegistry(variant);
    client = createRegistryClient(reg);
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
  });

  it('serves on 127.0.0.1 with the expected scheme', () => {
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(reg.url).toBe(`${variant === 'http' ? 'http' : 'https'}://${reg.host}`);
    if (variant === 'http') expect(reg.caPem).toBeUndefined();
    else expect(reg.caPem).toContain('BEGIN CERTIFICATE');
    expect(reg.username !== undefined).toBe(variant === 'tls-auth');
  });

  it('stores an image and serves the same bytes and digests back', async () => {
    const image = simpleImage({ layers: [randomLayer(3000)] });
    const layer = image.layers[0]!;
    const pushed = await client.pushBlob('roundtrip/img', layer.bytes);
    expect(pushed).toEqual({ digest: layer.digest, size: 3000, uploaded: true });
    expect((await client.pushBlob('roundtrip/img', layer.bytes)).uploaded).toBe(false);
    await client.pushBlob('roundtrip/img', image.config.bytes);

    const digest = await client.pushManifest(
      'roundtrip/img',
      'v1',
      image.manifest.bytes,
      image.manifest.mediaType,
    );
    expect(digest).toBe(image.manifest.digest);
    const fetched = await client.getManifest('roundtrip/img', 'v1');
    expect(fetched.bytes.equals(image.manifest.bytes)).toBe(true);
    expect(fetched.digest).toBe(image.manifest.digest);
    expect(fetched.mediaType).toBe(FixtureMediaTypes.ociManifest);
    expect(await client.headManifest('roundtrip/img', 'v1')).toEqual({
      digest: image.manifest.digest,
      mediaType: FixtureMediaTypes.ociManifest,
      size: image.manifest.size,
    });
    expect((await client.getBlob('roundtrip/img', layer.digest)).equals(layer.bytes)).toBe(true);
    expect(await client.listTags('roundtrip/img')).toEqual(['v1']);
    expect(await client.headManifest('roundtrip/img', 'missing')).toBeUndefined();
  });

  if (variant === 'tls') {
    it('refuses a client that does not trust the generated CA', async () => {
      const untrusting = createRegistryClient(reg, { ca: null });
      try {
        await expect(untrusting.raw('GET', '/v2/')).rejects.toThrow(/certificate/i);
      } finally {
        await untrusting.close();
      }
    });
  }

  if (variant === 'tls-auth') {
    it('refuses requests without credentials or with a wrong password (401)', async () => {
      const anonymous = createRegistryClient(reg, { auth: null });
      const wrong = createRegistryClient(reg, { auth: { username: reg.username!, password: 'wrong' } });
      try {
        const res = await anonymous.raw('GET', '/v2/');
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
        await expect(anonymous.listTags('roundtrip/img')).rejects.toMatchObject({ status: 401 });
        await expect(wrong.pushBlob('roundtrip/img', Buffer.from('x'))).rejects.toBeInstanceOf(
          RegistryClientError,
        );
        expect((await client.raw('GET', '/v2/')).status).toBe(200);
      } finally {
        await anonymous.close();
        await wrong.close();
      }
    });
  }
});

describe('registry lifecycle', () => {
  it('stop() ends the server, removes its storage and its pid record', async () => {
    const reg = await startRegistry('http');
    const runDir = process.env[RUN_DIR_ENV];
    expect(runDir, 'global setup provides the pid directory to workers').toBeTruthy();
    const records = () => readdirSync(runDir!).filter((name) => name.endsWith('.json'));
    expect(records().length).toBeGreaterThan(0);
    const client = createRegistryClient(reg);
    expect((await client.raw('GET', '/v2/')).status).toBe(200);
    await client.close();
    const before = records().length;
    await reg.stop();
    await reg.stop(); // idempotent
    expect(records().length).toBe(before - 1);
    expect(existsSync(reg.dataDir)).toBe(false);
    const after = createRegistryClient(reg);
    await expect(after.raw('GET', '/v2/')).rejects.toThrow();
    await after.close();
  });

  it('the teardown sweep kills a registry its worker left behind', async () => {
    const saved = process.env[RUN_DIR_ENV];
    const runDir = createRunDir();
    process.env[RUN_DIR_ENV] = runDir;
    try {
      const reg = await startRegistry('http');
      expect(killRecordedRegistries(runDir)).toBe(1);
      const client = createRegistryClient(reg);
      await expect(client.raw('GET', '/v2/')).rejects.toThrow();
      await client.close();
      await reg.stop();
      expect(existsSync(reg.dataDir)).toBe(false);
    } finally {
      process.env[RUN_DIR_ENV] = saved;
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('reports a port that is already taken', async () => {
    // Something else owns the port: it accepts connections and never answers.
    const held = new Set<Socket>();
    const blocker = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startRegistry('http', { port })).rejects.toThrow(/did not start.*address already in use/s);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('seeders', () => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let generic: GenericSeed;
  let deckhouse: DeckhouseSeed;

  beforeAll(async () => {
    // Plain HTTP: the seeders' requests are the client's, already proven over TLS and auth above,
    // and bcrypt on every request would double the seeding time.
    reg = await startRegistry('http');
    client = createRegistryClient(reg);
    [generic, deckhouse] = await Promise.all([seedGeneric(reg), seedDeckhouse(reg)]);
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
  });

  it('seedGeneric: the registry lists exactly the tags the seed describes', async () => {
    for (const [repository, tags] of Object.entries(generic.tags)) {
      expect(await client.listTags(repository)).toEqual(tags);
    }
    expect(generic.tags['vendor/app']).toEqual(
      [
        `sha256-${generic.app.digest.slice(7)}`,
        `sha256-${generic.appIndex.digest.slice(7)}.sig`,
        'v1.0',
        'v1.1',
      ].sort(),
    );
    expect(generic.imageRefs).toEqual([
      `${reg.host}/vendor/app:v1.0`,
      `${reg.host}/vendor/app:v1.1`,
      `${reg.host}/vendor/tool:2.0`,
      `${reg.host}/library/base:1`,
    ]);
  });

  it('seedGeneric: a multi-arch index, a Docker v2 image and one shared base layer', async () => {
    const index = await client.getManifest('vendor/app', 'v1.0');
    expect(index.digest).toBe(generic.appIndex.digest);
    const parsed = JSON.parse(index.bytes.toString()) as {
      manifests: Array<{ digest: string; platform: object }>;
    };
    expect(parsed.manifests.map((m) => m.digest)).toEqual(generic.appIndex.children.map((c) => c.digest));
    expect(parsed.manifests.map((m) => m.platform)).toMatchObject([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);
    const tool = await client.getManifest('vendor/tool', '2.0');
    expect(tool.mediaType).toBe(FixtureMediaTypes.dockerManifest);
    for (const image of [...generic.appIndex.children, generic.app, generic.tool, generic.base]) {
      expect(image.layers[0]?.digest).toBe(generic.sharedLayer.digest);
      expect((await client.headBlob(image.repository, generic.sharedLayer.digest))?.size).toBe(
        generic.sharedLayer.size,
      );
    }
  });

  it('seedGeneric: the cosign signature tag and the referrers fallback index exist', async () => {
    const sig = await client.getManifest('vendor/app', cosignTag(generic.appIndex.digest, '.sig'));
    expect(sig.digest).toBe(generic.signature.digest);
    const sigJson = JSON.parse(sig.bytes.toString()) as {
      layers: Array<{ mediaType: string; annotations: object }>;
    };
    expect(sigJson.layers[0]?.mediaType).toBe(FixtureMediaTypes.cosignSimpleSigning);
    expect(sigJson.layers[0]?.annotations).toHaveProperty([COSIGN_SIGNATURE_ANNOTATION]);

    const fallback = await client.getManifest('vendor/app', cosignTag(generic.app.digest));
    expect(fallback.mediaType).toBe(FixtureMediaTypes.ociIndex);
    const listed = JSON.parse(fallback.bytes.toString()) as {
      manifests: Array<{ digest: string; artifactType: string }>;
    };
    expect(listed.manifests).toEqual([
      expect.objectContaining({ digest: generic.artifact.digest, artifactType: SBOM_ARTIFACT_TYPE }),
    ]);
    const artifact = JSON.parse(
      (await client.getManifest('vendor/app', generic.artifact.digest)).bytes.toString(),
    ) as {
      subject: { digest: string };
      config: { mediaType: string; size: number };
    };
    expect(artifact.subject.digest).toBe(generic.app.digest);
    expect(artifact.config).toMatchObject({ mediaType: FixtureMediaTypes.ociEmpty, size: 2 });
  });

  it('seedDeckhouse: release channels carry version.json with the channel version', async () => {
    expect(await client.listTags('deckhouse/ee/release-channel')).toEqual(
      [...PLATFORM_VERSIONS, ...RELEASE_CHANNELS].sort(),
    );
    for (const channel of RELEASE_CHANNELS) {
      const manifest = JSON.parse(
        (await client.getManifest('deckhouse/ee/release-channel', channel)).bytes.toString(),
      ) as {
        layers: Array<{ digest: string }>;
        config: { digest: string };
      };
      const layer = await client.getBlob('deckhouse/ee/release-channel', manifest.layers[0]!.digest);
      // (Beside the version, the release's requirements and disruptions: deckhousereleases.yaml reads them.)
      expect(JSON.parse(fileFromTarGz(layer, 'version.json') ?? '{}')).toMatchObject({
        version: PLATFORM_CHANNELS[channel],
      });
      expect(fileFromTarGz(layer, 'changelog.yaml')).toContain(`Fixed ${PLATFORM_CHANNELS[channel]}.`);
      const config = JSON.parse(
        (await client.getBlob('deckhouse/ee/release-channel', manifest.config.digest)).toString(),
      ) as { rootfs: { diff_ids: string[] } };
      expect(config.rootfs.diff_ids).toEqual([sha256Digest(gunzipSync(layer))]);
    }
    expect(deckhouse.releaseChannel['v1.69.2']?.tags).toEqual(['v1.69.2', 'stable']);
  });

  it('seedDeckhouse: install images name digest images pullable from the root', async () => {
    const install = await client.getManifest('deckhouse/ee/install', 'v1.70.1');
    expect(install.digest).toBe(deckhouse.install['v1.70.1']?.digest);
    const layerDigest = (JSON.parse(install.bytes.toString()) as { layers: Array<{ digest: string }> })
      .layers[0]!.digest;
    const digests = JSON.parse(
      fileFromTarGz(
        await client.getBlob('deckhouse/ee/install', layerDigest),
        'deckhouse/candi/images_digests.json',
      )!,
    ) as Record<string, Record<string, string>>;
    expect(digests).toEqual(deckhouse.installImagesDigests['v1.70.1']);
    for (const digest of Object.values(digests).flatMap((images) => Object.values(images))) {
      expect((await client.headManifest('deckhouse/ee', digest))?.digest).toBe(digest);
    }
    for (const db of ['trivy-db:2', 'trivy-bdu:1', 'trivy-java-db:1', 'trivy-checks:0']) {
      const [name, tag] = db.split(':') as [string, string];
      expect(await client.listTags(`deckhouse/ee/security/${name}`)).toEqual([tag]);
    }
  });

  it('seedDeckhouse: modules are discoverable with releases, app images and extra images', async () => {
    expect(await client.listTags('deckhouse/ee/modules')).toEqual(['console', 'stronghold']);
    const console = deckhouse.modules.console!;
    expect(await client.listTags('deckhouse/ee/modules/console/release')).toEqual(
      [...console.versions, ...RELEASE_CHANNELS].sort(),
    );
    const stable = await client.getManifest('deckhouse/ee/modules/console/release', 'stable');
    expect(stable.digest).toBe(console.release[console.channels.stable]?.digest);
    for (const digest of Object.values(console.imagesDigests['v1.3.1'] ?? {})) {
      expect(await client.headManifest('deckhouse/ee/modules/console', digest)).toBeDefined();
    }
    expect(console.extraImages['v1.3.1']).toEqual({ scanner: 'v1', 'report-db': '2024' });
    expect(await client.listTags('deckhouse/ee/modules/console/extra/scanner')).toEqual(['v1', 'v2']);
    expect(deckhouse.modules.stronghold?.extra).toEqual([]);
    expect(deckhouse.repositories).toContain('deckhouse/ee/modules/stronghold/release');
  });
});

describe('requireTool', () => {
  it('finds a tool on PATH', () => {
    expect(requireTool('docker-registry', 'docker-registry')).toMatch(/\/docker-registry$/);
  });
  it('names the apt package when a tool is missing', () => {
    expect(() => requireTool('definitely-not-a-tool-xyz', 'pkg')).toThrow(
      '`definitely-not-a-tool-xyz` not found: install it with `apt-get install -y pkg`',
    );
  });
});
