// Push of a bundle whose blobs cannot be read: a half-copied last chunk, a layer missing from its
// tar, a symlink or hardlink where a layer should be, a tar header claiming a huge size. Each must
// refuse only the images that need the damaged bytes, push the rest, and exit 3 in plain lines
// (never a stack trace); nothing with a wrong digest may reach the registry.
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import type { GenericSeed } from '../harness/seed-generic.ts';
import { patchHeader, pulledBundle, readManifest, type BundleFixture } from '../support/bundle-fixture.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let fixture: BundleFixture;
let seed: GenericSeed;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  fixture = await pulledBundle(source, 'damaged');
  seed = fixture.seed;
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  fixture?.remove();
});

const copyBundle = () => fixture.copy();

async function pushTo(dir: string, path: string) {
  const run = await ferry(['push', dir, `${target.host}/${path}`, '--insecure']);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr + run.stdout).not.toMatch(/internal error|a bug/i);
  return run;
}

/** The damaged image is refused and absent; the app index (untouched) arrived whole. */
async function expectOnlyToolRefused(path: string, run: { code: number; stdout: string }) {
  expect(run.code).toBe(3);
  expect(run.stdout).toMatch(/✗ .*vendor\/tool:2\.0/);
  const client = createRegistryClient(target);
  try {
    expect(await client.headManifest(`${path}/vendor/tool`, '2.0')).toBeUndefined();
    expect((await client.headManifest(`${path}/vendor/app`, 'v1.0'))?.digest).toBe(seed.appIndex.digest);
    expect((await client.headManifest(`${path}/library/base`, '1'))?.digest).toBe(seed.base.digest);
  } finally {
    await client.close();
  }
}

describe('push of a damaged bundle', () => {
  it('refuses the images in a half-copied last chunk and pushes the rest', async () => {
    const dir = copyBundle();
    const m = readManifest(dir);
    const parts = m.archives[0]!.parts;
    const last = parts[parts.length - 1]!;
    const cut = Math.floor(last.size / 2);
    truncateSync(join(dir, last.file), cut);
    const end = last.start + cut;
    // The images whose blobs or manifests lie (partly) beyond the cut.
    const lost = new Set(m.blobs.filter((b) => b.offset + b.size > end).map((b) => b.digest));
    const damaged = m.images.filter((i) => [i.digest, ...i.contents].some((d) => lost.has(d)));
    const intact = m.images.filter((i) => !damaged.includes(i));
    expect(damaged.length).toBeGreaterThan(0);

    const run = await pushTo(dir, 'cut');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(last.file);
    const client = createRegistryClient(target);
    try {
      for (const i of intact)
        expect((await client.headManifest(`cut/${i.target.repository}`, i.target.tag!))?.digest).toBe(
          i.digest,
        );
      for (const i of damaged)
        expect(await client.headManifest(`cut/${i.target.repository}`, i.target.tag!)).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('refuses an image whose layer is missing from its tar', async () => {
    const dir = copyBundle();
    patchHeader(dir, seed.tool.layers[1]!.digest, (h) => {
      h.fill(0, 0, 100);
      h.write('not-a-blob', 0, 'ascii');
      h.fill(0, 345, 500);
    });
    await expectOnlyToolRefused('missing', await pushTo(dir, 'missing'));
  });

  it('refuses an image whose layer is a symlink', async () => {
    const dir = copyBundle();
    patchHeader(dir, seed.tool.layers[1]!.digest, (h) => {
      h.write('2', 156, 1, 'ascii');
      h.write('/etc/passwd', 157, 'ascii');
    });
    await expectOnlyToolRefused('symlink', await pushTo(dir, 'symlink'));
  });

  it('refuses an image whose layer is a hardlink', async () => {
    const dir = copyBundle();
    patchHeader(dir, seed.tool.layers[1]!.digest, (h) => {
      h.write('1', 156, 1, 'ascii');
      h.write('blobs/sha256/0000', 157, 'ascii');
    });
    await expectOnlyToolRefused('hardlink', await pushTo(dir, 'hardlink'));
  });

  it('refuses an image whose layer header claims a huge size', async () => {
    const dir = copyBundle();
    patchHeader(dir, seed.tool.layers[1]!.digest, (h) => h.write('77777777777\0', 124, 12, 'ascii'));
    await expectOnlyToolRefused('huge', await pushTo(dir, 'huge'));
  });
});
