// The preview of a Deckhouse distribution lists each distinct image once (source repository +
// digest), with every tag it goes to and what it is: a release published to beta and early-access is
// one row with both channels, not two. The bundle the same selection pulls counts the same images and
// the same blobs in its totals (shared/counts.ts, the one rule every screen uses), and so do
// `ferry inspect`, `ferry verify` and `ferry push --dry-run`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageKey } from '../../shared/counts.ts';
import type { PreviewImage } from '../../shared/dto.ts';
import { pull, previewPull, type PullPreview } from '../../electron/engine/api/pull.ts';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { PLATFORM_CHANNELS, seedDeckhouse, type DeckhouseSeed } from '../harness/seed-deckhouse.ts';
import { ferry } from '../support/cli.ts';

let reg: RunningRegistry;
let seed: DeckhouseSeed;
let work: string;
let preview: PullPreview;
let manifest: TransferManifest;

const transport = { insecure: true };

beforeAll(async () => {
  reg = await startRegistry('http');
  seed = await seedDeckhouse(reg);
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-counts-'));
  const deckhouse = { source: seed.source, includeModules: ['console@~1.3.0'] };
  preview = await previewPull({ deckhouse }, { transport });
  manifest = await pull({ deckhouse, bundleDir: join(work, 'bundle'), transport });
});
afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

const rowWith = (target: string): PreviewImage => {
  const row = preview.images.find((i) => i.targets.includes(target));
  expect(row, `a row going to ${target}`).toBeDefined();
  return row!;
};

describe('Deckhouse preview: one row per distinct image', () => {
  it('never lists one source repository and digest twice', () => {
    const keys = preview.images.map(imageKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(preview.failed).toEqual([]);
  });

  it('gathers the channels that point at one release under that release', () => {
    // beta and early-access are both v1.70.1 in the seed.
    expect(PLATFORM_CHANNELS.beta).toBe(PLATFORM_CHANNELS['early-access']);
    const v = PLATFORM_CHANNELS.beta;
    const channel = rowWith(`release-channel:${v}`);
    expect(channel.targets).toEqual(
      expect.arrayContaining([`release-channel:beta`, `release-channel:early-access`]),
    );
    expect(channel.digest).toBe(seed.releaseChannel[v]!.digest);
    expect(channel).toMatchObject({ role: 'release-channel', group: 'Platform' });
    expect(rowWith('release-channel:early-access')).toBe(channel);

    const platform = rowWith(`:${v}`);
    expect(platform.targets).toEqual(expect.arrayContaining([':beta', ':early-access']));
    expect(platform).toMatchObject({ role: 'platform', group: 'Platform', digest: seed.platform[v]!.digest });
  });

  it('says what each image is and groups it', () => {
    const roles = new Set(preview.images.map((i) => i.role));
    for (const role of ['platform-component', 'install', 'security-database', 'module', 'module-release'])
      expect(roles, role).toContain(role);
    expect(rowWith('security/trivy-db:2')).toMatchObject({ group: 'Security databases' });
    const release = rowWith(`modules/console/release:${seed.modules.console!.channels.stable}`);
    expect(release).toMatchObject({ role: 'module-release', group: 'Module console' });
    expect(release.targets).toContain('modules/console/release:stable');
    // Digest-only images keep their one target (the digest as d8's short tag).
    const component = preview.images.find((i) => i.role === 'platform-component')!;
    expect(component.targets).toEqual([`:${component.digest.slice('sha256:'.length)}`]);
  });

  it('counts as the bundle does: the same images and the same blobs', () => {
    // More listings than images: channel tags on one release are listings, not images.
    expect(manifest.images.length).toBeGreaterThan(preview.images.length);
    expect(manifest.totals.images).toBe(preview.images.length);
    expect(manifest.totals.blobs).toBe(preview.blobCount);
    const targets = preview.images.flatMap((i) => i.targets).sort();
    const listed = manifest.images.map((i) => `${i.target.repository}:${i.target.tag}`).sort();
    expect(targets).toEqual(listed);
  });

  it('ferry inspect, verify and push --dry-run give the same counts', async () => {
    const dir = join(work, 'bundle');
    const n = preview.images.length;
    const inspect = await ferry(['inspect', dir]);
    expect(inspect.stdout).toContain(`  ${n} image(s), ${preview.blobCount} blob(s), `);
    const verify = await ferry(['verify', dir]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`verified: \\d+ file\\(s\\), ${n} image\\(s\\), `));
    const push = await ferry(['push', dir, `${reg.host}/mirror/ee`, '--insecure', '--dry-run']);
    expect(push.code).toBe(0);
    expect(push.stdout).toContain(`dry run: ${n} image(s) would go to`);
  });
});
