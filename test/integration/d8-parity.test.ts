// Issue 12: Ferry held to the real `d8 mirror` (deckhouse-cli main @ 4c2e288) where a difference
// breaks a real transfer. Each case fails on the code before the fix: channel names in
// --deckhouse-tag, empty OCI layouts in d8 bundles, LTS-only editions, d8's flags and environment,
// d8's bare-version ranges and exact-pin aliasing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { createRegistryClient, type RegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { RELEASE_CHANNELS, seedDeckhouse, type DeckhouseSeed } from '../harness/seed-deckhouse.ts';
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
