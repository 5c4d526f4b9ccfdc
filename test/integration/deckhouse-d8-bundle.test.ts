// Bundles written by `d8 mirror pull` (no ferry-manifest.json), built here by the tests' own writer:
// chunked platform.tar, an index.json merged across two tars, duplicate entries for one tag (the
// later wins), a new-style and a legacy module tar (layout at the tar root), GOST sidecars from
// gost12sum. Ferry verifies such a bundle (structure, digests, .gostsum) and pushes it straight out
// of the chunks, each image under its short_tag, modules under the suffix, with discovery tags.
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../harness/registry-client.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedDeckhouse, type DeckhouseSeed } from '../harness/seed-deckhouse.ts';
import { openBundle as openBundleInApp } from '../../electron/main/handlers/bundle.ts';
import { ferry } from '../support/cli.ts';
import { writeD8Bundle, type D8Image } from '../support/d8-bundle-writer.ts';
import type { ExpectedTag } from '../support/deckhouse-expect.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: DeckhouseSeed;
let work: string;
let bundle: string;
let env: NodeJS.ProcessEnv;
let chunks: string[];
const expected: ExpectedTag[] = [];

const hex = (d: string) => d.slice(7);

beforeAll(async () => {
  requireTool('gost12sum', 'gostsum');
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedDeckhouse(source);
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-bundle-'));
  env = { FERRY_HOME: join(work, 'station') };
  bundle = join(work, 'd8-bundle');

  const root = seed.root;
  const v = 'v1.71.0';
  const older = 'v1.70.1';
  const img = (repository: string, reference: string, shortTag: string): D8Image => ({
    repository,
    reference,
    shortTag,
  });
  const digestImages = Object.values(seed.installImagesDigests[v]!).flatMap((m) => Object.values(m));
  const console = seed.modules.console!;
  const stronghold = seed.modules.stronghold!;
  const client = createRegistryClient(source);
  try {
    chunks = await writeD8Bundle(
      client,
      source.host,
      bundle,
      [
        {
          name: 'platform.tar',
          chunkSize: 6000,
          layouts: {
            '': [img(root, v, v), img(root, v, 'alpha'), ...digestImages.map((d) => img(root, d, hex(d)))],
            install: [img(`${root}/install`, v, v), img(`${root}/install`, v, 'alpha')],
            'release-channel': [
              img(`${root}/release-channel`, v, v),
              // Two entries for one tag: d8's push keeps the later one.
              img(`${root}/release-channel`, older, 'alpha'),
              img(`${root}/release-channel`, 'alpha', 'alpha'),
            ],
          },
        },
        // The same layout path in a second tar: its index.json is merged with platform.tar's.
        { name: 'platform-extra.tar', layouts: { install: [img(`${root}/install`, older, older)] } },
        {
          name: 'security.tar',
          layouts: { 'security/trivy-db': [img(`${root}/security/trivy-db`, '2', '2')] },
        },
        {
          name: 'module-console.tar',
          layouts: {
            'modules/console': [
              img(console.repository, 'v1.3.1', 'v1.3.1'),
              ...Object.values(console.imagesDigests['v1.3.1']!).map((d) =>
                img(console.repository, d, hex(d)),
              ),
            ],
            'modules/console/release': [
              img(`${console.repository}/release`, 'v1.3.1', 'v1.3.1'),
              img(`${console.repository}/release`, 'stable', 'stable'),
            ],
            'modules/console/extra/scanner': [img(`${console.repository}/extra/scanner`, 'v1', 'v1')],
          },
        },
        {
          // Legacy module tar: the module's layout at the tar root, release/ beside it.
          name: 'module-stronghold.tar',
          chunkSize: 3000,
          layouts: {
            '': [
              img(stronghold.repository, 'v1.4.0', 'v1.4.0'),
              ...Object.values(stronghold.imagesDigests['v1.4.0']!).map((d) =>
                img(stronghold.repository, d, hex(d)),
              ),
            ],
            release: [
              img(`${stronghold.repository}/release`, 'v1.4.0', 'v1.4.0'),
              img(`${stronghold.repository}/release`, 'alpha', 'alpha'),
            ],
          },
        },
      ],
      { gost: true },
    );
  } finally {
    await client.close();
  }

  const add = (path: string, tag: string, digest: string) => expected.push({ path, tag, digest });
  add('', v, seed.platform[v]!.digest);
  add('', 'alpha', seed.platform[v]!.digest);
  for (const d of digestImages) add('', hex(d), d);
  add('install', v, seed.install[v]!.digest);
  add('install', 'alpha', seed.install[v]!.digest);
  add('install', older, seed.install[older]!.digest);
  add('release-channel', v, seed.releaseChannel[v]!.digest);
  add('release-channel', 'alpha', seed.releaseChannel[v]!.digest);
  add('security/trivy-db', '2', seed.security['trivy-db'].digest);
  add('modules/console', 'v1.3.1', console.images['v1.3.1']!.digest);
  for (const d of Object.values(console.imagesDigests['v1.3.1']!)) add('modules/console', hex(d), d);
  add('modules/console/release', 'v1.3.1', console.release['v1.3.1']!.digest);
  add('modules/console/release', 'stable', console.release['v1.3.1']!.digest);
  add('modules/console/extra/scanner', 'v1', console.extra.find((e) => e.tags.includes('v1'))!.digest);
  add('modules/stronghold', 'v1.4.0', stronghold.images['v1.4.0']!.digest);
  for (const d of Object.values(stronghold.imagesDigests['v1.4.0']!)) add('modules/stronghold', hex(d), d);
  add('modules/stronghold/release', 'v1.4.0', stronghold.release['v1.4.0']!.digest);
  add('modules/stronghold/release', 'alpha', stronghold.release['v1.4.0']!.digest);
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

function copyBundle(name: string): string {
  const to = join(work, name);
  execFileSync('cp', ['-r', bundle, to]);
  return to;
}

/** The bundle spread over two sticks: every other file (with its .gostsum) moved to the second. */
function spreadOverTwoSticks(name: string): [string, string] {
  const one = copyBundle(`${name}-1`);
  const two = join(work, `${name}-2`, 'd8-bundle');
  mkdirSync(two, { recursive: true });
  [...chunks].sort().forEach((file, i) => {
    if (i % 2 === 0) return;
    for (const f of [file, `${file}.gostsum`]) renameSync(join(one, f), join(two, f));
  });
  return [one, join(work, `${name}-2`)];
}

describe('bundles written by d8 mirror pull', () => {
  it('the writer produced chunks and GOST sidecars, as d8 does', () => {
    expect(chunks.filter((c) => c.startsWith('platform.tar.')).length).toBeGreaterThan(2);
    expect(chunks.filter((c) => c.startsWith('module-stronghold.tar.')).length).toBeGreaterThan(1);
    expect(readdirSync(bundle).filter((f) => f.endsWith('.gostsum')).length).toBe(chunks.length);
  });

  it('verifies: every chunk present, every blob digest, every index entry, every .gostsum', async () => {
    const run = await ferry(['verify', bundle, '--json'], env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      images: unknown[];
      files: Array<{ file: string }>;
      transferId: string;
    };
    expect(report.ok).toBe(true);
    expect(report.transferId).toMatch(/^d8-[0-9a-f]{16}$/);
    expect(report.files.map((f) => f.file).sort()).toEqual([...chunks].sort());
  });

  it('inspect lists what a d8 bundle holds, read from its archives', async () => {
    const run = await ferry(['inspect', bundle], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Transfer d8-[0-9a-f]{16}/);
    for (const chunk of chunks) expect(run.stdout).toContain(chunk);
  });

  it('verify names a damaged chunk (blob digest and GOST sum) and a gap in the chunk numbers', async () => {
    const damaged = copyBundle('damaged');
    const file = join(damaged, 'platform.tar.0001.chunk');
    const fd = openSync(file, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 1000);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, 1000);
    closeSync(fd);
    const run = await ferry(['verify', damaged], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/platform\.tar\.0001\.chunk does not match its GOST R 34\.11-2012 checksum/);

    const gap = copyBundle('gap');
    rmSync(join(gap, 'platform.tar.0001.chunk'));
    const missing = await ferry(['verify', gap], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr + missing.stdout).toMatch(/platform\.tar\.0001\.chunk is missing/);
  });

  it('the app opens it as the command line does: every image listed, every file found', async () => {
    const summary = await openBundleInApp([bundle]);
    expect(summary.transferId).toMatch(/^d8-[0-9a-f]{16}$/);
    expect(summary.missing).toEqual([]);
    expect(summary.images.length).toBe(new Set(expected.map((t) => `${t.path}:${t.tag}`)).size);
  });

  it('spread over two sticks: inspect says which stick holds each file; verify checks them together', async () => {
    const [one, two] = spreadOverTwoSticks('sticks');
    const inspect = await ferry(['inspect', one, two], env);
    expect(inspect.code).toBe(0);
    const onTwo = [...chunks].sort().filter((_, i) => i % 2 === 1);
    for (const file of onTwo)
      expect(inspect.stdout).toMatch(new RegExp(`${file}.*${join(two, 'd8-bundle')}`));
    const run = await ferry(['verify', one, two, '--json'], env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; files: Array<{ file: string }> };
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => f.file).sort()).toEqual([...chunks].sort());
    // One stick alone is incomplete, and says which chunk is missing.
    const alone = await ferry(['verify', one], env);
    expect(alone.code).toBe(3);
    expect(alone.stderr + alone.stdout).toMatch(/\.chunk is missing/);
  });

  it('pushes every image under its short_tag at <path>/<layout>, legacy module tars under modules/<m>, with discovery tags', async () => {
    // Straight off two sticks: the push joins them as verify does.
    const run = await ferry(
      ['push', ...spreadOverTwoSticks('push'), `${target.host}/deckhouse/ee`, '--insecure'],
      env,
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const client = createRegistryClient(target);
    try {
      const wrong: string[] = [];
      for (const t of expected) {
        const repo = t.path ? `deckhouse/ee/${t.path}` : 'deckhouse/ee';
        const head = await client.headManifest(repo, t.tag);
        if (head?.digest !== t.digest)
          wrong.push(`${repo}:${t.tag} → ${head?.digest ?? 'absent'}, want ${t.digest}`);
      }
      expect(wrong).toEqual([]);
      // Nothing else was tagged: the earlier duplicate 'alpha' entry lost, no stray repositories.
      expect(await client.listTags('deckhouse/ee/release-channel')).toEqual(['alpha', 'v1.71.0']);
      expect(await client.listTags('deckhouse/ee/modules')).toEqual(['console', 'stronghold']);
      expect((await client.catalog()).filter((r) => r.includes('stronghold'))).toEqual([
        'deckhouse/ee/modules/stronghold',
        'deckhouse/ee/modules/stronghold/release',
      ]);
    } finally {
      await client.close();
    }
    expect(run.stdout).toContain(`repo: ${target.host}/deckhouse/ee/modules`);
    expect(run.stdout).toContain('scheme: HTTP\n');
  });
});
