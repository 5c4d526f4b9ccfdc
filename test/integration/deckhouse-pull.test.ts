// `ferry pull --source` against a seeded Deckhouse distribution: exactly which tags travel (and which
// do not) for the default selection and for every module filter and platform flag d8 has; d8's
// archive layout and index.json annotations read back with the system `tar`; GOST sidecars equal
// to Debian's gost12sum; suspended channels refused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { parseSelection, planDeckhouse } from '../../electron/engine/deckhouse/planner.ts';
import { RegistryStore } from '../../electron/engine/store/registry-store.ts';
import { createTransport } from '../../electron/engine/transport/transport.ts';
import { FixtureMediaTypes, simpleImage, tarGzLayer } from '../harness/oci-builders.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../harness/registry.ts';
import {
  INSTALL_STANDALONE_VERSIONS,
  RELEASE_CHANNELS,
  seedDeckhouse,
  type DeckhouseSeed,
  type ReleaseChannel,
} from '../harness/seed-deckhouse.ts';
import { SeedRecorder } from '../harness/seed-recorder.ts';
import { ferry } from '../support/cli.ts';
import {
  expectedModule,
  expectedPlatform,
  expectedSecurity,
  key,
  type ExpectedTag,
} from '../support/deckhouse-expect.ts';

let reg: RunningRegistry;
let seed: DeckhouseSeed;
let work: string;
let env: NodeJS.ProcessEnv;

/** Older platform releases below rock-solid (v1.68.3), for --since-version. */
const OLDER = ['v1.66.1', 'v1.67.0', 'v1.67.2'];

async function seedOlderVersions(): Promise<void> {
  const client = createRegistryClient(reg);
  const recorder = new SeedRecorder(client, reg.host);
  const image = async (files: Record<string, string>) =>
    simpleImage({ layers: [await tarGzLayer(files, FixtureMediaTypes.dockerLayerGzip)], format: 'docker' });
  try {
    for (const v of OLDER) {
      const root = seed.root;
      const unique = await recorder.pushImage(root, await image({ 'image.txt': `old ${v}` }));
      const digests = { controlPlaneManager: { kubeApiserver: unique.digest } };
      seed.releaseChannel[v] = await recorder.pushImage(
        `${root}/release-channel`,
        await image({ 'version.json': JSON.stringify({ version: v }) }),
        [v],
      );
      seed.platform[v] = await recorder.pushImage(root, await image({ 'deckhouse/version': v }), [v]);
      seed.install[v] = await recorder.pushImage(
        `${root}/install`,
        await image({
          'deckhouse/candi/images_digests.json': JSON.stringify(digests),
          'deckhouse/version': v,
        }),
        [v],
      );
      seed.installImagesDigests[v] = digests;
    }
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  reg = await startRegistry('http');
  seed = await seedDeckhouse(reg);
  await seedOlderVersions();
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-pull-'));
  env = { FERRY_HOME: join(work, 'station') };
});
afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

let bundles = 0;
async function pullDeckhouse(
  args: string[],
  source = seed.source,
): Promise<{ dir: string; manifest: TransferManifest }> {
  const dir = join(work, `bundle-${++bundles}`);
  const run = await ferry(['pull', dir, '--source', source, '--insecure', ...args], env);
  expect(run.stderr + run.stdout).not.toMatch(/error/);
  expect(run.code).toBe(0);
  return {
    dir,
    manifest: JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest,
  };
}

/** Every destination the bundle carries, as `<path>:<tag>@<digest>`. */
function carried(m: TransferManifest): string[] {
  return m.images.map((i) => `${i.target.repository}:${i.target.tag}@${i.digest}`).sort();
}

const expectSame = (m: TransferManifest, expected: ExpectedTag[]) =>
  expect(carried(m)).toEqual([...new Set(expected.map(key))].sort());

const channelsOf = (versions: Record<ReleaseChannel, string>) => ({ ...versions });
const DEFAULT_PLATFORM = ['v1.68.3', 'v1.69.2', 'v1.70.1', 'v1.71.0'];

describe('ferry pull --source (Deckhouse)', () => {
  let full: { dir: string; manifest: TransferManifest };

  it('carries the default selection: platform rock-solid..alpha latest patches, channel versions, security, modules at channel versions', async () => {
    full = await pullDeckhouse(['--gost-digest']);
    const expected = [
      ...expectedPlatform(seed, DEFAULT_PLATFORM, channelsOf(seed.channels)),
      ...expectedSecurity(seed),
      ...expectedModule(
        seed,
        'console',
        ['v1.2.3', 'v1.3.1', 'v1.4.0', 'v2.0.0'],
        channelsOf(seed.modules.console!.channels),
      ),
      ...expectedModule(
        seed,
        'stronghold',
        ['v1.3.1', 'v1.4.0'],
        channelsOf(seed.modules.stronghold!.channels),
      ),
    ];
    expectSame(full.manifest, expected);
    const tags = carried(full.manifest).map((t) => t.split('@')[0]);
    for (const absent of ['v1.68.0', 'v1.69.0', 'v1.70.0', ...OLDER])
      expect(tags).not.toContain(`:${absent}`);
    expect(tags).not.toContain('modules/console:v1.2.0');
    expect(tags).not.toContain('modules/console:v1.3.0');
    // install-standalone travels only where it is published.
    expect(tags).toContain('install-standalone:v1.69.2');
    expect(tags).not.toContain('install-standalone:v1.68.3');
    expect(INSTALL_STANDALONE_VERSIONS).not.toContain('v1.68.3');
  });

  it("writes d8's archives and layouts, with index.json annotations d8 mirror push reads", async () => {
    const { dir, manifest } = full;
    expect(manifest.archives.map((a) => a.name).sort()).toEqual([
      'module-console.tar',
      'module-stronghold.tar',
      'platform.tar',
      'security.tar',
    ]);
    const layouts = Object.fromEntries(manifest.archives.map((a) => [a.name, a.layouts]));
    expect(layouts['platform.tar']).toEqual(['', 'install', 'install-standalone', 'release-channel']);
    expect(layouts['security.tar']).toEqual([
      'security/trivy-bdu',
      'security/trivy-checks',
      'security/trivy-db',
      'security/trivy-java-db',
    ]);
    expect(layouts['module-console.tar']).toEqual([
      'modules/console',
      'modules/console/extra/report-db',
      'modules/console/extra/scanner',
      'modules/console/release',
    ]);

    const out = join(work, 'unpacked');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', join(dir, 'platform.tar'), '-C', out]);
    expect(readFileSync(join(out, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    type Entry = { digest: string; annotations: Record<string, string> };
    const index = (path: string) =>
      (JSON.parse(readFileSync(join(out, path, 'index.json'), 'utf8')) as { manifests: Entry[] }).manifests;
    const rc = index('release-channel');
    // Channel aliases are duplicate descriptors: same digest, another short_tag.
    const stable = rc.filter((e) => e.digest === seed.releaseChannel['v1.69.2']!.digest);
    expect(stable.map((e) => e.annotations['io.deckhouse.image.short_tag']).sort()).toEqual([
      'stable',
      'v1.69.2',
    ]);
    expect(stable.map((e) => e.annotations['org.opencontainers.image.ref.name']).sort()).toEqual([
      `${seed.source}/release-channel:stable`,
      `${seed.source}/release-channel:v1.69.2`,
    ]);
    // Digest images: the 64-hex digest is the short tag; ref.name is the full source reference.
    const digestImage = seed.installImagesDigests['v1.71.0']!.controlPlaneManager!.kubeApiserver!;
    const entry = index('.').find((e) => e.digest === digestImage)!;
    expect(entry.annotations['io.deckhouse.image.short_tag']).toBe(digestImage.slice(7));
    expect(entry.annotations['org.opencontainers.image.ref.name']).toBe(`${seed.source}@${digestImage}`);
    // Every blob an index names is in the layout.
    for (const e of index('install'))
      expect(existsSync(join(out, 'install/blobs/sha256', e.digest.slice(7)))).toBe(true);
  });

  it('writes a .gostsum beside every .tar equal to gost12sum, recorded in the manifest; verify checks them', async () => {
    requireTool('gost12sum', 'gostsum');
    const { dir, manifest } = full;
    const tars = readdirSync(dir).filter((f) => f.endsWith('.tar'));
    expect(tars.length).toBe(4);
    for (const tar of tars) {
      const sidecar = readFileSync(join(dir, `${tar}.gostsum`), 'utf8');
      const reference = execFileSync('gost12sum', [join(dir, tar)], { encoding: 'utf8' }).split(/\s+/)[0];
      expect(sidecar).toBe(reference);
      expect(sidecar).toMatch(/^[0-9a-f]{64}$/);
      const part = manifest.archives.find((a) => a.name === tar)!.parts[0]!;
      expect(part.streebog256).toBe(reference);
    }
    expect((await ferry(['verify', dir], env)).code).toBe(0);
    const damaged = join(work, 'gost-damaged');
    execFileSync('cp', ['-r', dir, damaged]);
    execFileSync('sh', ['-c', `printf '%064d' 0 > '${join(damaged, 'security.tar.gostsum')}'`]);
    const run = await ferry(['verify', damaged], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/security\.tar does not match its GOST R 34\.11-2012 checksum/);
  });

  it('console@^1.3.0: latest patch per minor from 1.3.0 up, 1.3.0 itself, every channel version; no other module', async () => {
    const { manifest } = await pullDeckhouse([
      '--no-platform',
      '--no-security-db',
      '--include-module',
      'console@^1.3.0',
    ]);
    expectSame(
      manifest,
      expectedModule(
        seed,
        'console',
        ['v1.2.3', 'v1.3.0', 'v1.3.1', 'v1.4.0', 'v2.0.0'],
        channelsOf(seed.modules.console!.channels),
      ),
    );
    expect(manifest.archives.map((a) => a.name)).toEqual(['module-console.tar']);
  });

  it('console@1.3.0 (no operator) is >=1.3.0 <2.0.0 without the anchor, as d8', async () => {
    const { manifest } = await pullDeckhouse(['--no-platform', '--no-security-db', '-i', 'console@1.3.0']);
    expectSame(
      manifest,
      expectedModule(
        seed,
        'console',
        ['v1.2.3', 'v1.3.1', 'v1.4.0', 'v2.0.0'],
        channelsOf(seed.modules.console!.channels),
      ),
    );
  });

  it('several exact pins of one module publish no channel tags (d8: they would overwrite one another)', async () => {
    const { manifest } = await pullDeckhouse([
      '--no-platform',
      '--no-security-db',
      '-i',
      'console@=v1.3.0',
      '-i',
      'console@=v1.4.0',
    ]);
    expectSame(manifest, expectedModule(seed, 'console', ['v1.3.0', 'v1.4.0'], {}));
  });

  it('console@~1.2.0: 1.2.0 and 1.2.3 plus channel versions, not 1.3.0', async () => {
    const { manifest } = await pullDeckhouse(['--no-platform', '--no-security-db', '-i', 'console@~1.2.0']);
    expectSame(
      manifest,
      expectedModule(
        seed,
        'console',
        ['v1.2.0', 'v1.2.3', 'v1.3.1', 'v1.4.0', 'v2.0.0'],
        channelsOf(seed.modules.console!.channels),
      ),
    );
  });

  it('console@">=1.3.0 <1.4.0": 1.3.0 (named) and 1.3.1 (latest patch) plus channel versions', async () => {
    const { manifest } = await pullDeckhouse([
      '--no-platform',
      '--no-security-db',
      '-i',
      'console@>=1.3.0 <1.4.0',
    ]);
    expectSame(
      manifest,
      expectedModule(
        seed,
        'console',
        ['v1.2.3', 'v1.3.0', 'v1.3.1', 'v1.4.0', 'v2.0.0'],
        channelsOf(seed.modules.console!.channels),
      ),
    );
  });

  it('console@=v1.3.0: only that version, its release re-tagged to every channel', async () => {
    const { manifest } = await pullDeckhouse(['--no-platform', '--no-security-db', '-i', 'console@=v1.3.0']);
    const all = Object.fromEntries(RELEASE_CHANNELS.map((c) => [c, 'v1.3.0']));
    expectSame(manifest, expectedModule(seed, 'console', ['v1.3.0'], all));
  });

  it('console@=v1.3.0+stable: only that version, published to the stable channel alone', async () => {
    const { manifest } = await pullDeckhouse([
      '--no-platform',
      '--no-security-db',
      '-i',
      'console@=v1.3.0+stable',
    ]);
    expectSame(manifest, expectedModule(seed, 'console', ['v1.3.0'], { stable: 'v1.3.0' }));
  });

  it('--exclude-module drops the whole module; include and exclude together are a usage error', async () => {
    const { manifest } = await pullDeckhouse(['--no-platform', '--no-security-db', '-e', 'console@1.3.0']);
    expectSame(
      manifest,
      expectedModule(seed, 'stronghold', ['v1.3.1', 'v1.4.0'], channelsOf(seed.modules.stronghold!.channels)),
    );
    const both = await ferry(
      [
        'pull',
        join(work, 'both'),
        '--source',
        seed.source,
        '--insecure',
        '-i',
        'console',
        '-e',
        'stronghold',
      ],
      env,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be combined/);
    const unknown = await ferry(
      ['pull', join(work, 'unknown'), '--source', seed.source, '--insecure', '-i', 'nosuch'],
      env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nosuch not found .* \(it has: console, stronghold\)/);
    const mixed = await ferry(
      ['pull', join(work, 'mixed'), '--image', `${reg.host}/x:1`, '--source', seed.source],
      env,
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/use one mode/);
  });

  it('--since-version lowers the range to that release (latest patch per minor); above rock-solid it changes nothing', async () => {
    const { manifest } = await pullDeckhouse(['--no-modules', '--no-security-db', '--since-version', '1.67']);
    expectSame(manifest, expectedPlatform(seed, ['v1.67.2', ...DEFAULT_PLATFORM], channelsOf(seed.channels)));
    const above = await pullDeckhouse(['--no-modules', '--no-security-db', '--since-version', 'v1.70.0']);
    expectSame(above.manifest, expectedPlatform(seed, DEFAULT_PLATFORM, channelsOf(seed.channels)));
  });

  it('--deckhouse-tag carries that build alone and points every channel at it', async () => {
    const { manifest } = await pullDeckhouse([
      '--no-modules',
      '--no-security-db',
      '--deckhouse-tag',
      'v1.69.0',
    ]);
    const all = Object.fromEntries(RELEASE_CHANNELS.map((c) => [c, 'v1.69.0']));
    expectSame(manifest, expectedPlatform(seed, ['v1.69.0'], all));
    const conflict = await ferry(
      [
        'pull',
        join(work, 'conflict'),
        '--source',
        seed.source,
        '--deckhouse-tag',
        'v1.69.0',
        '--since-version',
        '1.60',
      ],
      env,
    );
    expect(conflict.code).toBe(2);
  });

  it('--no-platform, --no-modules and --no-security-db leave their archives behind', async () => {
    const names = (m: TransferManifest) => m.archives.map((a) => a.name).sort();
    expect(names((await pullDeckhouse(['--no-platform'])).manifest)).toEqual([
      'module-console.tar',
      'module-stronghold.tar',
      'security.tar',
    ]);
    const platformOnly = await pullDeckhouse(['--no-modules', '--no-security-db']);
    expect(names(platformOnly.manifest)).toEqual(['platform.tar']);
    expectSame(platformOnly.manifest, expectedPlatform(seed, DEFAULT_PLATFORM, channelsOf(seed.channels)));
    const security = await pullDeckhouse(['--no-modules', '--no-platform']);
    expectSame(security.manifest, expectedSecurity(seed));
    const nothing = await ferry(
      [
        'pull',
        join(work, 'nothing'),
        '--source',
        seed.source,
        '--insecure',
        '--no-platform',
        '--no-modules',
        '--no-security-db',
      ],
      env,
    );
    // As d8, the installer and packages are still asked for; this source has neither.
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to pull from .*: the selection matches no image/);
  });

  it("--only-extra-images carries only the modules' extra images", async () => {
    const { manifest } = await pullDeckhouse(['--no-platform', '--no-security-db', '--only-extra-images']);
    expect(new Set(manifest.images.map((i) => i.target.repository))).toEqual(
      new Set(['modules/console/extra/scanner', 'modules/console/extra/report-db']),
    );
  });

  it('refuses a suspended release channel unless --ignore-suspend', async () => {
    const other = await seedDeckhouse(reg, 'deckhouse/se');
    const client = createRegistryClient(reg);
    try {
      const suspended = simpleImage({
        layers: [await tarGzLayer({ 'version.json': JSON.stringify({ version: 'v1.70.1', suspend: true }) })],
      });
      for (const blob of [suspended.config, ...suspended.layers])
        await client.pushBlob('deckhouse/se/release-channel', blob.bytes);
      await client.pushManifest(
        'deckhouse/se/release-channel',
        'beta',
        suspended.manifest.bytes,
        suspended.manifest.mediaType,
      );
    } finally {
      await client.close();
    }
    const refused = await ferry(
      [
        'pull',
        join(work, 'suspended'),
        '--source',
        other.source,
        '--insecure',
        '--no-modules',
        '--no-security-db',
      ],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/release channel beta \(v1\.70\.1\) is suspended: pass --ignore-suspend/);
    const { manifest } = await pullDeckhouse(
      ['--no-modules', '--no-security-db', '--ignore-suspend'],
      other.source,
    );
    expect(
      manifest.images.find((i) => i.target.repository === 'release-channel' && i.target.tag === 'beta'),
    ).toBeDefined();
  });

  it('plans the same requests in the same order every time (an interrupted pull resumes)', async () => {
    const transport = createTransport({ insecure: true, env: {} });
    try {
      const store = new RegistryStore(reg.host, transport);
      const selection = parseSelection({ source: seed.source, includeModules: ['console@^1.2.0'] });
      const plans = await Promise.all(
        [1, 2, 3].map(() => planDeckhouse(store, selection, { concurrency: 16 })),
      );
      const first = JSON.stringify(plans[0]!.requests);
      expect(plans.map((p) => JSON.stringify(p.requests))).toEqual([first, first, first]);
      expect(plans[0]!.requests.length).toBeGreaterThan(40);
    } finally {
      await transport.close();
    }
  });
});
