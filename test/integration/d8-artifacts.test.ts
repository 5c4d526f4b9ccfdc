// Issue 12, item 7: what `d8 mirror pull` (deckhouse-cli 4c2e288) carries beyond the platform,
// security databases and modules, against a real registry: installer.tar (`<root>/installer:latest`,
// --no-installer, --installer-tag), packages (package-<p>.tar, the always-written
// package-versions.tar, --no-packages, --include-package, --exclude-package) and their discovery
// tags on push, also for a bundle d8 wrote. Each case fails on the code before the change.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import {
  seedDeckhouse,
  seedDeckhouseExtras,
  type DeckhouseExtrasSeed,
  type DeckhouseSeed,
} from '../harness/seed-deckhouse.ts';
import { ferry } from '../support/cli.ts';
import { writeD8Bundle } from '../support/d8-bundle-writer.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: DeckhouseSeed;
let extras: DeckhouseExtrasSeed;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedDeckhouse(source, 'd8full/ee');
  extras = await seedDeckhouseExtras(source, 'd8full/ee');
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-artifacts-'));
  env = { FERRY_HOME: join(work, 'station') };
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

let bundles = 0;
async function pull(args: string[]): Promise<{ dir: string; manifest: TransferManifest; stderr: string }> {
  const dir = join(work, `bundle-${++bundles}`);
  const run = await ferry(['pull', dir, '--source', seed.source, '--insecure', ...args], env);
  expect(run.stderr).not.toMatch(/error/);
  expect(run.code).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
  return { dir, manifest, stderr: run.stderr };
}

/** `<archive> <path>:<tag>` of every image outside the platform, security and module archives. */
const extrasOf = (m: TransferManifest) =>
  m.images
    .filter((i) => /^(installer|package-)/.test(i.archive))
    .map((i) => `${i.archive} ${i.target.repository}:${i.target.tag}`)
    .sort();

const packageVersions = [
  ...['v0.1.0', 'v0.2.0', 'alpha', 'beta', 'early-access', 'stable', 'rock-solid'].map(
    (t) => `package-versions.tar packages/ingress/version:${t}`,
  ),
  'package-versions.tar packages/dev-tools/version:v0.0.1',
];

describe('installer.tar (d8 installer.go)', () => {
  it('carries <registry root>/installer:latest by default, --installer-tag picks another, --no-installer none', async () => {
    const only = ['--no-platform', '--no-security-db', '--no-modules', '--no-packages'];
    const { manifest } = await pull(only);
    const installer = manifest.images.filter((i) => i.archive === 'installer.tar');
    expect(installer.map((i) => [i.target.repository, i.target.tag, i.digest])).toEqual([
      ['installer', 'latest', extras.installer.latest!.digest],
    ]);
    expect(installer[0]!.source).toBe(`${source.host}/${extras.installerRepository}:latest`);

    const tagged = await pull([...only, '--installer-tag', 'v1.2']);
    expect(tagged.manifest.images.filter((i) => i.archive === 'installer.tar').map((i) => i.digest)).toEqual([
      extras.installer['v1.2']!.digest,
    ]);

    const none = await pull([...only, '--no-installer']);
    expect(none.manifest.archives.map((a) => a.name)).toEqual(['package-versions.tar']);
  });

  it('an installer tag the source lacks is one warning, and the pull goes on', async () => {
    const { manifest, stderr } = await pull([
      '--no-platform',
      '--no-modules',
      '--no-packages',
      '--installer-tag',
      'v9.9',
    ]);
    expect(stderr.split('\n').filter((l) => l.includes(`installer:v9.9: not found`))).toHaveLength(1);
    expect(manifest.archives.map((a) => a.name)).not.toContain('installer.tar');
    expect(manifest.archives.map((a) => a.name)).toContain('security.tar');
  });
});

describe('packages (d8 packages.go)', () => {
  it('package-<p>.tar with its versions, digests and extras; package-versions.tar with every version tag', async () => {
    const { manifest, stderr } = await pull([
      '--no-platform',
      '--no-security-db',
      '--no-modules',
      '--no-installer',
    ]);
    expect(extrasOf(manifest)).toEqual(
      [
        ...packageVersions,
        'package-ingress.tar packages/ingress:v0.1.0',
        'package-ingress.tar packages/ingress:v0.2.0',
        'package-ingress.tar packages/ingress/extra/tool:v1',
        `package-ingress.tar packages/ingress:${manifest.images.find((i) => i.source.includes('@sha256:'))!.digest.slice(7)}`,
      ].sort(),
    );
    // dev-tools publishes no channel: d8 goes on without it (its release image still travels).
    expect(stderr).toMatch(/skipped package dev-tools: .*has no release channel tags/);
  });

  it('--no-packages still writes package-versions.tar (d8 pull.go PullPackageVersions)', async () => {
    const { manifest } = await pull([
      '--no-platform',
      '--no-security-db',
      '--no-modules',
      '--no-installer',
      '--no-packages',
    ]);
    expect(extrasOf(manifest)).toEqual(packageVersions.sort());
  });

  it('--include-package takes the module filter syntax; --exclude-package leaves a package out', async () => {
    const base = ['--no-platform', '--no-security-db', '--no-modules', '--no-installer'];
    const pinned = await pull([...base, '--include-package', 'ingress@=v0.2.0']);
    const own = (m: TransferManifest) =>
      extrasOf(m).filter(
        (l) => l.startsWith('package-ingress.tar') && !l.includes('/extra/') && /:v/.test(l),
      );
    expect(own(pinned.manifest)).toEqual(['package-ingress.tar packages/ingress:v0.2.0']);
    const excluded = await pull([...base, '--exclude-package', 'ingress', '--exclude-package', 'dev-tools']);
    expect(extrasOf(excluded.manifest)).toEqual(packageVersions.sort());
    const both = await ferry(
      [
        'pull',
        join(work, 'both'),
        '--source',
        seed.source,
        '--include-package',
        'a',
        '--exclude-package',
        'b',
      ],
      env,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--include-package and --exclude-package cannot be combined/);
  });

  it('the dry run lists the installer, each package and the package release images', async () => {
    const run = await ferry(
      [
        'pull',
        join(work, 'dry'),
        '--source',
        seed.source,
        '--insecure',
        '--dry-run',
        '--no-platform',
        '--no-modules',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`installer: ${source.host}/${extras.installerRepository}:latest`);
    expect(run.stdout).toMatch(/^package ingress: v0\.1\.0, v0\.2\.0; channels alpha=v0\.2\.0/m);
    expect(run.stdout).toContain('package release images (package-versions.tar): dev-tools, ingress');
  });
});

/** The DeckhouseRelease documents of a deckhousereleases.yaml. */
function releasesIn(file: string): Array<Record<string, unknown> & { metadata: { name: string } }> {
  const text = readFileSync(file, 'utf8');
  expect(text.startsWith('---\n')).toBe(true);
  return parseAllDocuments(text).map(
    (d) => d.toJS() as Record<string, unknown> & { metadata: { name: string } },
  );
}

describe('deckhousereleases.yaml (d8 platform/deckhouse_releases.go)', () => {
  const platformOnly = ['--no-modules', '--no-security-db', '--no-installer', '--no-packages'];

  it('a pull that reads the channels writes one DeckhouseRelease per version beside the archives', async () => {
    const { dir, manifest } = await pull(platformOnly);
    const versions = [
      ...new Set(
        manifest.images
          .filter((i) => i.target.repository === 'release-channel' && /^v\d/.test(i.target.tag ?? ''))
          .map((i) => i.target.tag!),
      ),
    ];
    const docs = releasesIn(join(dir, 'deckhousereleases.yaml'));
    expect(docs.map((d) => d.metadata.name).sort()).toEqual(versions.sort());
    expect(docs.find((d) => d.metadata.name === 'v1.69.2')).toEqual({
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'DeckhouseRelease',
      metadata: { name: 'v1.69.2' },
      approved: false,
      spec: {
        version: 'v1.69.2',
        requirements: { k8s: '1.27', nodesMinimalOSVersionUbuntu: '18.04' },
        disruptions: ['ingressNginx'],
        changelog: {
          global: { fixes: [{ summary: 'Fixed v1.69.2.', pull_request: 'https://example.invalid/v1.69.2' }] },
        },
        changelogLink: 'https://github.com/deckhouse/deckhouse/releases/tag/v1.69.2',
      },
    });
  });

  it('a --deckhouse-tag pull writes none, as d8', async () => {
    const { dir } = await pull([...platformOnly, '--deckhouse-tag', 'v1.69.2']);
    expect(existsSync(join(dir, 'deckhousereleases.yaml'))).toBe(false);
  });

  it('push --deckhouse-releases FILE makes it on the isolated side from a bundle d8 wrote', async () => {
    const dir = join(work, 'd8-releases');
    const client = createRegistryClient(source);
    try {
      await writeD8Bundle(client, source.host, dir, [
        {
          name: 'platform.tar',
          layouts: {
            'release-channel': [
              { repository: `${seed.root}/release-channel`, reference: 'v1.70.1', shortTag: 'v1.70.1' },
              { repository: `${seed.root}/release-channel`, reference: 'beta', shortTag: 'beta' },
            ],
          },
        },
      ]);
    } finally {
      await client.close();
    }
    const file = join(work, 'releases.yaml');
    const push = await ferry(
      ['push', dir, `${target.host}/releases/ee`, '--insecure', '--deckhouse-releases', file],
      env,
    );
    expect(push.code).toBe(0);
    expect(push.stdout).toContain(`wrote 1 DeckhouseRelease(s) to ${file}`);
    expect(
      releasesIn(file).map((d) => [d.metadata.name, (d.spec as { disruptions: string[] }).disruptions]),
    ).toEqual([['v1.70.1', ['ingressNginx']]]);
  });
});

describe("VEX attestations of tag-referenced images (d8's <tag>.att)", () => {
  it('travel beside module and extra images; --skip-vex-images leaves them behind', async () => {
    const args = [
      '--no-platform',
      '--no-security-db',
      '--no-installer',
      '--no-packages',
      '-i',
      'console@=v1.3.1',
    ];
    const att = (m: TransferManifest) =>
      m.images
        .filter((i) => i.target.tag?.endsWith('.att'))
        .map((i) => `${i.archive} ${i.target.repository}:${i.target.tag}@${i.digest}`)
        .sort();
    const { manifest } = await pull(args);
    expect(att(manifest)).toEqual([
      `module-console.tar modules/console/extra/scanner:v1.att@${extras.vex[1]!.digest}`,
      `module-console.tar modules/console:v1.3.1.att@${extras.vex[0]!.digest}`,
    ]);
    expect(att((await pull([...args, '--skip-vex-images'])).manifest)).toEqual([]);
  });
});

describe('push: installer and package discovery tags (d8 push.go createPackagesIndex)', () => {
  it('a Ferry bundle: installer under <target>/installer, <target>/packages:<p> for packages that travelled', async () => {
    const { dir } = await pull(['--no-platform', '--no-security-db', '--no-modules']);
    const push = await ferry(['push', dir, `${target.host}/ferry/ee`, '--insecure'], env);
    expect(push.stderr).not.toMatch(/error/);
    expect(push.code).toBe(0);
    const client = createRegistryClient(target);
    try {
      expect(await client.listTags('ferry/ee/installer')).toEqual(['latest']);
      // dev-tools travelled only as release images: no tag, so a cluster never lists what it cannot pull.
      expect(await client.listTags('ferry/ee/packages')).toEqual(['ingress']);
      expect(await client.listTags('ferry/ee/packages/ingress')).toContain('v0.2.0');
      expect(await client.listTags('ferry/ee/packages/dev-tools/version')).toEqual(['v0.0.1']);
      const tag = await client.getManifest('ferry/ee/packages', 'ingress');
      const config = JSON.parse(
        (
          await client.getBlob(
            'ferry/ee/packages',
            (JSON.parse(tag.bytes.toString()) as { config: { digest: string } }).config.digest,
          )
        ).toString(),
      ) as { config: { Labels: Record<string, string> } };
      expect(config.config.Labels).toEqual({
        'io.deckhouse.package': 'ingress',
        'io.ferry.role': 'package-discovery',
      });
    } finally {
      await client.close();
    }
  });

  it('a bundle d8 wrote (package-ingress.tar with its prefix, a plugin): package and plugin discovery tags', async () => {
    const dir = join(work, 'd8-packages');
    const client = createRegistryClient(source);
    try {
      await writeD8Bundle(client, source.host, dir, [
        {
          name: 'package-ingress.tar',
          layouts: {
            'packages/ingress': [
              { repository: extras.packages.ingress!.repository, reference: 'v0.1.0', shortTag: 'v0.1.0' },
            ],
            'packages/ingress/version': [
              {
                repository: `${extras.packages.ingress!.repository}/version`,
                reference: 'stable',
                shortTag: 'stable',
              },
            ],
          },
        },
        {
          name: 'installer.tar',
          layouts: {
            installer: [{ repository: extras.installerRepository, reference: 'latest', shortTag: 'latest' }],
          },
        },
        {
          // A d8 CLI plugin as d8 packs it (plugin-<n>.tar, layout deckhouse-cli/plugins/<n>).
          name: 'plugin-stronghold.tar',
          layouts: {
            'deckhouse-cli/plugins/stronghold': [
              { repository: extras.installerRepository, reference: 'v1.2', shortTag: 'v0.1.0' },
            ],
          },
        },
      ]);
    } finally {
      await client.close();
    }
    const push = await ferry(['push', dir, `${target.host}/fromd8/ee`, '--insecure'], env);
    expect(push.stderr).not.toMatch(/error/);
    expect(push.code).toBe(0);
    const check = createRegistryClient(target);
    try {
      expect(await check.listTags('fromd8/ee/packages')).toEqual(['ingress']);
      expect(await check.listTags('fromd8/ee/packages/ingress/version')).toEqual(['stable']);
      expect(await check.listTags('fromd8/ee/installer')).toEqual(['latest']);
      expect(await check.listTags('fromd8/ee/deckhouse-cli/plugins/stronghold')).toEqual(['v0.1.0']);
      expect(await check.listTags('fromd8/ee/deckhouse-cli/plugins')).toEqual(['stronghold']);
    } finally {
      await check.close();
    }
  });
});
