// Issue 12: Ferry held to the real `d8 mirror` (deckhouse-cli main @ 4c2e288) where a difference
// breaks a real transfer. Each case fails on the code before the fix: channel names in
// --deckhouse-tag, empty OCI layouts in d8 bundles, LTS-only editions, d8's flags and environment,
// d8's bare-version ranges and exact-pin aliasing.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { createRegistryClient, type RegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import {
  RELEASE_CHANNELS,
  seedDeckhouse,
  seedInstallerTagList,
  type DeckhouseSeed,
} from '../harness/seed-deckhouse.ts';
import { ferry } from '../support/cli.ts';
import { writeD8Bundle } from '../support/d8-bundle-writer.ts';
import { expectedPlatform, key } from '../support/deckhouse-expect.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: DeckhouseSeed;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedDeckhouse(source);
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-parity-'));
  env = { FERRY_HOME: join(work, 'station') };
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

let bundles = 0;
async function pull(args: string[], src = seed.source): Promise<TransferManifest> {
  const dir = join(work, `bundle-${++bundles}`);
  const run = await ferry(['pull', dir, '--source', src, '--insecure', ...args], env);
  expect(run.stderr).not.toMatch(/error/);
  expect(run.code).toBe(0);
  return JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
}

/** Every destination the bundle carries, as `<path>:<tag>@<digest>`, sorted. */
const carried = (m: TransferManifest) =>
  m.images.map((i) => `${i.target.repository}:${i.target.tag}@${i.digest}`).sort();

/** Copies `<from>:<ref>` (manifests and blobs, byte for byte) to `<to>` under `tags` (by digest when none). */
async function copyImage(client: RegistryClient, from: string, ref: string, to: string, tags: string[]) {
  const m = await client.getManifest(from, ref);
  const doc = JSON.parse(m.bytes.toString('utf8')) as {
    manifests?: Array<{ digest: string }>;
    config?: { digest: string };
    layers?: Array<{ digest: string }>;
  };
  for (const child of doc.manifests ?? []) await copyImage(client, from, child.digest, to, []);
  for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])])
    await client.pushBlob(to, await client.getBlob(from, blob.digest));
  for (const tag of tags.length > 0 ? tags : [m.digest])
    await client.pushManifest(to, tag, m.bytes, m.mediaType);
}

/** An LTS-only edition (as CSE): release-channel:lts and the one version it names, no standard channel. */
const LTS_VERSION = 'v1.69.2';
async function seedLtsOnlyEdition(root: string): Promise<string> {
  const client = createRegistryClient(source);
  const ee = seed.root;
  try {
    await copyImage(client, ee, LTS_VERSION, root, [LTS_VERSION]);
    await copyImage(client, `${ee}/install`, LTS_VERSION, `${root}/install`, [LTS_VERSION]);
    await copyImage(client, `${ee}/install-standalone`, LTS_VERSION, `${root}/install-standalone`, [
      LTS_VERSION,
    ]);
    await copyImage(client, `${ee}/release-channel`, LTS_VERSION, `${root}/release-channel`, [
      LTS_VERSION,
      'lts',
    ]);
    for (const group of Object.values(seed.installImagesDigests[LTS_VERSION]!))
      for (const digest of Object.values(group)) await copyImage(client, ee, digest, root, []);
  } finally {
    await client.close();
  }
  return `${source.host}/${root}`;
}

/** The platform for one version with the given channel tags, lts included (the seed's helper knows five). */
function platformWithChannels(version: string, channels: string[]): string[] {
  const base = expectedPlatform(seed, [version], {});
  const aliases = base
    .filter((t) => t.tag === version)
    .flatMap((t) => channels.map((channel) => ({ ...t, tag: channel })));
  return [...new Set([...base, ...aliases].map(key))].sort();
}

describe('--deckhouse-tag with a channel name', () => {
  it('resolves the channel to its version: vX.Y.Z travels, and every channel points at it', async () => {
    const m = await pull(['--no-modules', '--no-security-db', '--deckhouse-tag', 'stable']);
    const version = seed.channels.stable;
    expect(carried(m)).toEqual(platformWithChannels(version, [...RELEASE_CHANNELS]));
  });

  it('a channel the source lacks is one clear error naming the channels it has', async () => {
    const cse = await seedLtsOnlyEdition('deckhouse/cse-missing');
    const run = await ferry(
      [
        'pull',
        join(work, 'no-stable'),
        '--source',
        cse,
        '--insecure',
        '--no-modules',
        '--no-security-db',
        '--deckhouse-tag',
        'stable',
      ],
      env,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /release-channel:stable not found: the source publishes lts;/,
    );
  });
});

describe('LTS-only editions (d8: with lts, missing standard channels are fine)', () => {
  let cse: string;
  beforeAll(async () => {
    cse = await seedLtsOnlyEdition('deckhouse/cse');
  });

  it('pulls the LTS version with its lts channel tags', async () => {
    const m = await pull(['--no-modules', '--no-security-db'], cse);
    expect(carried(m)).toEqual(platformWithChannels(LTS_VERSION, ['lts']));
  });

  it('--deckhouse-tag <the LTS version> carries release-channel:lts too', async () => {
    const m = await pull(['--no-modules', '--no-security-db', '--deckhouse-tag', LTS_VERSION], cse);
    expect(carried(m)).toEqual(platformWithChannels(LTS_VERSION, [...RELEASE_CHANNELS, 'lts']));
  });

  it('--deckhouse-tag lts resolves to the LTS version', async () => {
    const m = await pull(['--no-modules', '--no-security-db', '--deckhouse-tag', 'lts'], cse);
    expect(carried(m)).toEqual(platformWithChannels(LTS_VERSION, [...RELEASE_CHANNELS, 'lts']));
  });
});

describe('d8 bundles with empty OCI layouts', () => {
  it('reads `"manifests": null` (a layout d8 created but never filled) as empty: verify and push pass', async () => {
    const dir = join(work, 'd8-empty-layouts');
    const client = createRegistryClient(source);
    try {
      await writeD8Bundle(client, source.host, dir, [
        {
          // security.tar as d8 packs it from its whole tmp dir: the never-filled installer layout
          // (--no-installer) and a missing optional DB travel as empty layouts.
          name: 'security.tar',
          layouts: {
            'security/trivy-db': [
              { repository: `${seed.root}/security/trivy-db`, reference: '2', shortTag: '2' },
            ],
            'security/trivy-bdu': [],
            'installer/installer': [],
          },
        },
      ]);
    } finally {
      await client.close();
    }
    const verify = await ferry(['verify', dir], env);
    expect(verify.stderr).not.toMatch(/error/);
    expect(verify.code).toBe(0);
    const push = await ferry(['push', dir, `${target.host}/d8/ee`, '--insecure'], env);
    expect(push.stderr).not.toMatch(/error/);
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(/pushed 1 image\(s\)/);
  });
});

/** Every flag of `d8 mirror pull` and `d8 mirror push` at deckhouse-cli 4c2e288 (cmd/pull/flags, cmd/push/flags.go). */
const D8_PULL_FLAGS = [
  'source',
  'source-login',
  'source-password',
  'license',
  'since-version',
  'include-platform',
  'deckhouse-tag',
  'installer-tag',
  'include-module',
  'exclude-module',
  'modules-path-suffix',
  'include-package',
  'exclude-package',
  'include-plugin',
  'images-bundle-chunk-size',
  'gost-digest',
  'force',
  'no-pull-resume',
  'ignore-suspend',
  'no-platform',
  'no-security-db',
  'no-modules',
  'no-packages',
  'no-installer',
  'only-extra-images',
  'skip-vex-images',
  'proxy-registry',
  'dry-run',
  'verbose-summary',
  'tls-skip-verify',
  'insecure',
  'tmp-dir',
];
const D8_PUSH_FLAGS = [
  'registry-login',
  'registry-password',
  'tls-skip-verify',
  'insecure',
  'tmp-dir',
  'modules-path-suffix',
  'file',
];

describe("d8's flags and environment", () => {
  it('ferry pull --help and ferry push --help list every d8 flag', async () => {
    const pullHelp = (await ferry(['pull', '--help'], env)).stdout;
    for (const flag of D8_PULL_FLAGS) expect(pullHelp).toContain(`--${flag}`);
    const pushHelp = (await ferry(['push', '--help'], env)).stdout;
    for (const flag of D8_PUSH_FLAGS) expect(pushHelp).toContain(`--${flag}`);
  });

  it('d8 flags Ferry has no use for parse, each named once as having no effect; --dry-run writes nothing', async () => {
    const dir = join(work, 'dry-run');
    const run = await ferry(
      [
        'pull',
        dir,
        '--source',
        seed.source,
        '--insecure',
        '--dry-run',
        '--no-security-db',
        '--include-plugin',
        'x',
        // d8 flags with an effect in Ferry now (d8-artifacts.test.ts): they parse and say nothing.
        '--no-installer',
        '--installer-tag',
        'latest',
        '--no-packages',
        '--exclude-package',
        'q',
        '--skip-vex-images',
        '--proxy-registry',
        '--verbose-summary',
        '-i',
        'console@=v1.3.0',
      ],
      { ...env, D8_MIRROR_TIMEOUT: '1h30m' },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(
      /--(no-installer|installer-tag|no-packages|exclude-package|skip-vex-images) has no effect/,
    );
    for (const flag of ['include-plugin', 'proxy-registry', 'verbose-summary'])
      expect(
        run.stderr.split('\n').filter((l) => l.startsWith(`--${flag} has no effect in Ferry: `)),
      ).toHaveLength(1);
    expect(run.stdout).toContain(
      `platform: ${seed.versions.filter((v) => ['v1.68.3', 'v1.69.2', 'v1.70.1', 'v1.71.0'].includes(v)).join(', ')}; channels alpha=v1.71.0`,
    );
    expect(run.stdout).toMatch(/^module console: v1\.3\.0; channels alpha=v1\.3\.0/m);
    // The size line: every planned reference resolved (manifests only).
    const planned = /^plan for .*: (\d+) image reference\(s\)$/m.exec(run.stdout)?.[1];
    expect(planned).toBeDefined();
    // Distinct images (source repository + digest): channel tags on one release are one image, so
    // fewer than the references planned.
    const sized = /^size: (\d+) image\(s\), \d+ blob\(s\), [\d.]+ [KMG]?i?B would travel$/m.exec(
      run.stdout,
    )?.[1];
    expect(Number(sized)).toBeGreaterThan(0);
    expect(Number(sized)).toBeLessThan(Number(planned));
    expect(run.stdout).toContain(`dry run: nothing was written to ${dir}`);
    expect(existsSync(dir)).toBe(false);
  });

  it('D8_MIRROR_TIMEOUT takes Go durations (1.5m, 1h30m); a malformed one is one usage line', async () => {
    const args = [
      'pull',
      join(work, 'timeout'),
      '--source',
      seed.source,
      '--insecure',
      '--dry-run',
      '--no-modules',
      '--no-security-db',
    ];
    expect((await ferry(args, { ...env, D8_MIRROR_TIMEOUT: '1.5m' })).code).toBe(0);
    const bad = await ferry(args, { ...env, D8_MIRROR_TIMEOUT: '5 minutes' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/D8_MIRROR_TIMEOUT '5 minutes'.*Go duration/);
  });

  it("--include-platform =vX.Y.Z is the exact build; a range is d8's window: latest patch per minor, its anchors, the channels inside", async () => {
    const m = await pull(['--no-modules', '--no-security-db', '--include-platform', '=v1.69.0']);
    expect(carried(m)).toEqual(platformWithChannels('v1.69.0', [...RELEASE_CHANNELS]));
    // Channels: alpha v1.71.0, beta and early-access v1.70.1, stable v1.69.2, rock-solid v1.68.3.
    const ranged = await pull(['--no-modules', '--no-security-db', '--include-platform', '>=1.68 <1.70']);
    expect(carried(ranged)).toEqual(
      [
        ...new Set(
          expectedPlatform(seed, ['v1.68.0', 'v1.68.3', 'v1.69.2'], {
            stable: 'v1.69.2',
            'rock-solid': 'v1.68.3',
          }).map(key),
        ),
      ].sort(),
    );
    const none = await ferry(
      ['pull', join(work, 'range'), '--source', seed.source, '--insecure', '--include-platform', '>=3.0'],
      env,
    );
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/--include-platform matches none of .*: widen the range/);
    const bad = await ferry(
      ['pull', join(work, 'bad'), '--source', seed.source, '--include-platform', 'soon'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--include-platform 'soon' is not a version constraint/);
  });

  it('--only-extra-images pulls the extra images even with --no-modules (d8 pull.go)', async () => {
    const m = await pull(['--no-platform', '--no-security-db', '--no-modules', '--only-extra-images']);
    expect(new Set(m.images.map((i) => i.target.repository))).toEqual(
      new Set(['modules/console/extra/scanner', 'modules/console/extra/report-db']),
    );
  });

  it('push accepts --tmp-dir and says it has no effect', async () => {
    const dir = join(work, 'tmp-dir-push');
    await pull(['--no-modules', '--no-platform']);
    const run = await ferry(
      [
        'push',
        join(work, `bundle-${bundles}`),
        `${target.host}/tmp/ee`,
        '--insecure',
        '--dry-run',
        '--tmp-dir',
        dir,
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^--tmp-dir has no effect in Ferry: /m);
  });
});

describe("d8's push forms: one .tar, one chunk (its chunk set), --file, an http(s):// registry", () => {
  let d8Dir: string;
  beforeAll(async () => {
    d8Dir = join(work, 'd8-single');
    const client = createRegistryClient(source);
    try {
      await writeD8Bundle(client, source.host, d8Dir, [
        {
          name: 'platform.tar',
          layouts: { '': [{ repository: seed.root, reference: 'v1.69.2', shortTag: 'v1.69.2' }] },
        },
        {
          name: 'security.tar',
          chunkSize: 1024,
          layouts: {
            'security/trivy-db': [
              { repository: `${seed.root}/security/trivy-db`, reference: '2', shortTag: '2' },
            ],
          },
        },
      ]);
    } finally {
      await client.close();
    }
  });

  const tagsAt = async (repo: string) => {
    const client = createRegistryClient(target);
    try {
      return await client.listTags(repo);
    } finally {
      await client.close();
    }
  };

  it('a chunk names its whole archive, and only that archive is pushed; https:// is dropped', async () => {
    const run = await ferry(
      ['push', join(d8Dir, 'security.tar.0001.chunk'), `https://${target.host}/single/ee`, '--insecure'],
      env,
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(await tagsAt('single/ee/security/trivy-db')).toEqual(['2']);
    expect(await tagsAt('single/ee')).toEqual([]);
  });

  it('the registry-only form with --file, as d8 push <registry> --file x.tar', async () => {
    const run = await ferry(
      ['push', `http://${target.host}/files/ee`, '--file', join(d8Dir, 'platform.tar'), '--insecure'],
      env,
    );
    expect(run.code).toBe(0);
    expect(await tagsAt('files/ee')).toEqual(['v1.69.2']);
    expect(await tagsAt('files/ee/security/trivy-db')).toEqual([]);
  });

  it('one archive of a signed Ferry bundle: the signature still holds, the rest stays behind', async () => {
    const m = await pull(['--no-modules', '--deckhouse-tag', 'v1.69.2']);
    const dir = join(work, `bundle-${bundles}`);
    expect(m.archives.map((a) => a.name).sort()).toEqual(['platform.tar', 'security.tar']);
    const run = await ferry(
      ['push', join(dir, 'security.tar'), `${target.host}/ferry-one/ee`, '--insecure'],
      env,
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pushed 4 image\(s\)/);
    expect(await tagsAt('ferry-one/ee')).toEqual([]);
    const bad = await ferry(['push', join(dir, 'ferry-manifest.json'), `${target.host}/x/ee`], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is neither a bundle folder nor a \.tar or \.tar\.NNNN\.chunk archive/);
  });
});

describe('what Ferry carries beyond d8: named in the plan, each switched off by --no-extra', () => {
  const dry = async (args: string[], src = seed.source) => {
    const run = await ferry(
      ['pull', join(work, 'extra-dry'), '--source', src, '--insecure', '--dry-run', ...args],
      env,
    );
    expect(run.code).toBe(0);
    return run.stdout;
  };
  const moduleLine = (out: string) => /^module console: ([^;]*);/m.exec(out)?.[1];

  it('range-anchors: the lower bound of ^1.3.0 travels, and is named; --no-extra range-anchors drops it as d8', async () => {
    const args = ['--no-platform', '--no-security-db', '-i', 'console@^1.3.0'];
    const on = await dry(args);
    expect(moduleLine(on)).toBe('v1.2.3, v1.3.0, v1.3.1, v1.4.0, v2.0.0');
    expect(on).toContain(
      'beyond d8 (range-anchors; --no-extra range-anchors leaves it out): module console: v1.3.0, the lower bound of ^1.3.0',
    );
    const off = await dry([...args, '--no-extra', 'range-anchors']);
    expect(moduleLine(off)).toBe('v1.2.3, v1.3.1, v1.4.0, v2.0.0');
    expect(off).not.toContain('beyond d8 (range-anchors');
  });

  it('channel-tags: root, install and install-standalone channel tags are named; --no-extra channel-tags keeps only release-channel:<channel>', async () => {
    expect(await dry(['--no-modules', '--no-security-db'])).toMatch(
      /^beyond d8 \(channel-tags; .*\): .* for alpha, beta, early-access, stable, rock-solid$/m,
    );
    const m = await pull(['--no-modules', '--no-security-db', '--no-extra', 'channel-tags']);
    const channelTagged = (repo: string) =>
      m.images
        .filter(
          (i) =>
            i.target.repository === repo &&
            (RELEASE_CHANNELS as readonly string[]).includes(i.target.tag ?? ''),
        )
        .map((i) => i.target.tag)
        .sort();
    for (const repo of ['', 'install', 'install-standalone']) expect(channelTagged(repo)).toEqual([]);
    expect(channelTagged('release-channel')).toEqual([...RELEASE_CHANNELS].sort());
  });

  it('both-installer-lists: digests beside a non-empty images_tags.json are named; --no-extra reads the tags alone, as d8', async () => {
    const listSeed = await seedDeckhouse(source, 'deckhouse/lists');
    const tag = await seedInstallerTagList(source, listSeed, 'v1.69.2');
    const args = ['--no-modules', '--no-security-db', '--deckhouse-tag', 'v1.69.2'];
    const on = await dry(args, listSeed.source);
    expect(on).toMatch(/; 3 installer-listed image reference\(s\)$/m);
    expect(on).toContain(
      'beyond d8 (both-installer-lists; --no-extra both-installer-lists leaves it out): v1.69.2: 2 digest reference(s) from deckhouse/candi/images_digests.json beside deckhouse/candi/images_tags.json',
    );
    const m = await pull([...args, '--no-extra', 'both-installer-lists'], listSeed.source);
    const root = m.images.filter((i) => i.target.repository === '').map((i) => i.target.tag);
    expect(root).toContain(tag);
    expect(root.filter((t) => /^[0-9a-f]{64}$/.test(t ?? ''))).toEqual([]);
  });

  it('lts-version: an LTS release older than rock-solid is named; --no-extra lts-version keeps only release-channel:lts, as d8', async () => {
    const ltsSeed = await seedDeckhouse(source, 'deckhouse/lts-old');
    const client = createRegistryClient(source);
    try {
      await copyImage(
        client,
        `${ltsSeed.root}/release-channel`,
        'v1.68.0',
        `${ltsSeed.root}/release-channel`,
        ['lts'],
      );
    } finally {
      await client.close();
    }
    const on = await dry(['--no-modules', '--no-security-db'], ltsSeed.source);
    expect(on).toMatch(/^platform: v1\.68\.0, v1\.68\.3,/m);
    expect(on).toContain(
      'beyond d8 (lts-version; --no-extra lts-version leaves it out): v1.68.0 (lts), older than rock-solid v1.68.3',
    );
    const m = await pull(['--no-modules', '--no-security-db', '--no-extra', 'lts-version'], ltsSeed.source);
    expect(m.images.filter((i) => i.target.tag === 'v1.68.0')).toEqual([]);
    expect(
      m.images.filter((i) => i.target.tag === 'lts').map((i) => [i.target.repository, i.digest]),
    ).toEqual([['release-channel', ltsSeed.releaseChannel['v1.68.0']!.digest]]);
    const bad = await ferry(
      ['pull', join(work, 'bad-extra'), '--source', ltsSeed.source, '--no-extra', 'sbom'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--no-extra 'sbom' is not one of lts-version, range-anchors, both-installer-lists, channel-tags, all/,
    );
  });
});

describe('bundles d8 cannot push', () => {
  it('ferry inspect says so for a generic bundle (one root layout), and not for a Deckhouse one', async () => {
    const generic = join(work, 'generic');
    const pulled = await ferry(['pull', generic, '--image', `${seed.source}:v1.69.2`, '--insecure'], env);
    expect(pulled.code).toBe(0);
    const inspect = await ferry(['inspect', generic], env);
    expect(inspect.stdout).toMatch(
      /^d8 mirror push cannot push this bundle \(use 'ferry push'\):\n {2}1 image\(s\) do not lie at their target path .*d8 would push them to '<target>\/' instead$/m,
    );
    await pull(['--no-modules', '--no-platform']);
    const d8Like = await ferry(['inspect', join(work, `bundle-${bundles}`)], env);
    expect(d8Like.code).toBe(0);
    expect(d8Like.stdout).not.toContain('d8 mirror push cannot push');
  });
});

describe('double hop: pulling from a registry d8 filled', () => {
  it('release-channel:lts without its (older than rock-solid) release: skipped with a warning, lts still travels', async () => {
    const hop = await seedDeckhouse(source, 'deckhouse/double-hop');
    const client = createRegistryClient(source);
    try {
      await copyImage(client, `${hop.root}/release-channel`, 'v1.68.0', `${hop.root}/release-channel`, [
        'lts',
      ]);
      // d8's push carries release-channel:lts but not the release itself (platform.go drops it).
      await client.deleteManifest(hop.root, hop.platform['v1.68.0']!.digest);
    } finally {
      await client.close();
    }
    const dir = join(work, 'double-hop');
    const run = await ferry(
      ['pull', dir, '--source', hop.source, '--insecure', '--no-modules', '--no-security-db'],
      env,
    );
    expect(run.code).toBe(0);
    expect(
      run.stderr.split('\n').filter((l) => l.includes('skipped platform release v1.68.0 (lts):')),
    ).toHaveLength(1);
    const m = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    expect(m.images.filter((i) => i.target.tag === 'v1.68.0')).toEqual([]);
    expect(m.images.filter((i) => i.target.tag === 'lts').map((i) => i.target.repository)).toEqual([
      'release-channel',
    ]);
    expect(m.skipped?.map((s) => s.item)).toEqual(['platform release v1.68.0 (lts)']);
  });
});

describe('where d8 skips and warns', () => {
  it('an images_digests.json digest the registry lacks is skipped with one warning; --strict stops', async () => {
    const digestSeed = await seedDeckhouse(source, 'deckhouse/digest-skip');
    const console = digestSeed.modules.console!;
    const gone = console.imagesDigests['v1.3.1']!.backend!;
    const client = createRegistryClient(source);
    try {
      await client.deleteManifest(console.repository, gone);
    } finally {
      await client.close();
    }
    const args = (dir: string) => [
      'pull',
      join(work, dir),
      '--source',
      digestSeed.source,
      '--insecure',
      '--no-platform',
      '--no-security-db',
      '-i',
      'console@=v1.3.1',
    ];
    const run = await ferry(args('digest-skip'), env);
    expect(run.code).toBe(0);
    expect(
      run.stderr.split('\n').filter((l) => l.includes(`skipped module console image ${gone}:`)),
    ).toHaveLength(1);
    const m = JSON.parse(
      readFileSync(join(work, 'digest-skip', 'ferry-manifest.json'), 'utf8'),
    ) as TransferManifest;
    const digests = m.images.filter((i) => i.target.repository === 'modules/console').map((i) => i.digest);
    expect(digests).not.toContain(gone);
    expect(digests).toContain(console.imagesDigests['v1.3.1']!.frontend);
    expect(m.skipped?.map((s) => s.item)).toEqual([`module console image ${gone}`]);
    const strict = await ferry([...args('digest-strict'), '--strict'], env);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/module console image sha256:.*not found \(--strict stops here/);
  });

  it('a catalog module with no release channel is skipped with one warning; --strict stops the pull', async () => {
    const skipSeed = await seedDeckhouse(source, 'deckhouse/skip');
    const client = createRegistryClient(source);
    try {
      // A module listed in the catalog whose release repository has no channel tags.
      await copyImage(client, `${skipSeed.root}/modules`, 'console', `${skipSeed.root}/modules`, ['broken']);
      await copyImage(
        client,
        skipSeed.modules.console!.repository,
        'v1.3.0',
        `${skipSeed.root}/modules/broken`,
        ['v1.3.0'],
      );
      // Two modules whose stable channel names v1.3.1: `gone` has no module image for it, `partial`
      // has one (with no image lists) but no release:v1.3.1. And a console extra image tag is gone.
      for (const module of ['gone', 'partial']) {
        await copyImage(client, `${skipSeed.root}/modules`, 'console', `${skipSeed.root}/modules`, [module]);
        await copyImage(
          client,
          `${skipSeed.modules.console!.repository}/release`,
          'stable',
          `${skipSeed.root}/modules/${module}/release`,
          ['stable'],
        );
      }
      await copyImage(client, `${skipSeed.root}/security/trivy-db`, '2', `${skipSeed.root}/modules/partial`, [
        'v1.3.1',
      ]);
      const gone = skipSeed.modules.console!.extra.find((e) => e.tags.includes('v1'))!;
      await client.deleteManifest(gone.repository, gone.digest);
    } finally {
      await client.close();
    }
    const dir = join(work, 'skip');
    const run = await ferry(
      ['pull', dir, '--source', skipSeed.source, '--insecure', '--no-platform', '--no-security-db'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.includes('skipped module broken'))).toHaveLength(1);
    const m = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    for (const item of [
      'module gone v1.3.1',
      'module partial release v1.3.1',
      'module console extra image scanner:v1',
    ])
      expect(run.stderr.split('\n').filter((l) => l.includes(`skipped ${item}:`))).toHaveLength(1);
    expect(m.archives.map((a) => a.name).sort()).toEqual([
      'module-console.tar',
      'module-gone.tar',
      'module-partial.tar',
      'module-stronghold.tar',
    ]);
    const of = (module: string) =>
      m.images
        .filter((i) => i.target.repository.startsWith(`modules/${module}`))
        .map((i) => `${i.target.repository}:${i.target.tag}`)
        .sort();
    expect(of('gone')).toEqual(['modules/gone/release:stable']);
    expect(of('partial')).toEqual(['modules/partial/release:stable', 'modules/partial:v1.3.1']);
    expect(of('console/extra/scanner')).toEqual(['modules/console/extra/scanner:v2']);
    // Recorded in the manifest (so `ferry inspect` shows it) and in the ledger (the transfer report).
    const inspect = await ferry(['inspect', dir], env);
    expect(inspect.stdout).toMatch(
      /^Skipped \(where d8 skips and warns\):\n {2}module broken: .*has no release channel tags/m,
    );
    const report = await ferry(['report', m.transferId, '--format', 'json'], env);
    const pulled = (JSON.parse(report.stdout) as { operations: Array<{ skipped?: Array<{ item: string }> }> })
      .operations[0]!;
    expect(pulled.skipped?.map((s) => s.item)).toContain('module broken');
    const dry = await ferry(
      [
        'pull',
        join(work, 'skip-dry'),
        '--source',
        skipSeed.source,
        '--insecure',
        '--no-platform',
        '--no-security-db',
        '--dry-run',
      ],
      env,
    );
    expect(dry.stdout).toMatch(/^skipped module broken: .*has no release channel tags/m);
    const strict = await ferry(
      [
        'pull',
        join(work, 'skip-strict'),
        '--source',
        skipSeed.source,
        '--insecure',
        '--no-platform',
        '--no-security-db',
        '--strict',
      ],
      env,
    );
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/module broken: .*has no release channel tags .*\(--strict stops here/);
  });
});
