// Verify must refuse what push would refuse. Each bundle here is made hostile and then re-sealed
// (chunk checksums recomputed, signature removed) so that nothing but the hostile part is wrong:
// a `../` target repository, an archive present both whole and chunked, and tar entries that lie
// outside the image layouts (`../` and absolute paths, symlinks, devices). Each one is refused in
// plain lines naming the file, exit 3, never a stack trace.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import type { GenericSeed } from '../harness/seed-generic.ts';
import {
  patchHeader as patchTarHeader,
  pulledBundle,
  readManifest,
  type BundleFixture,
} from '../support/bundle-fixture.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let fixture: BundleFixture;
let seed: GenericSeed;

beforeAll(async () => {
  source = await startRegistry('http');
  fixture = await pulledBundle(source, 'verify-hostile');
  seed = fixture.seed;
});
afterAll(async () => {
  await source?.stop();
  fixture?.remove();
});

const copyBundle = () => fixture.copy();

/** Writes the manifest back with every chunk checksum recomputed, unsigned. */
function reseal(dir: string, m: TransferManifest = readManifest(dir)): void {
  for (const a of m.archives)
    for (const p of a.parts)
      p.sha256 = createHash('sha256')
        .update(readFileSync(join(dir, p.file)))
        .digest('hex');
  writeFileSync(join(dir, 'ferry-manifest.json'), JSON.stringify(m));
  rmSync(join(dir, 'ferry-manifest.sig.json'), { force: true });
}

/** Rewrites the tar header of a blob, then reseals the bundle so only that header is wrong. */
function patchHeader(dir: string, digest: string, edit: (header: Buffer) => void): void {
  patchTarHeader(dir, digest, edit);
  reseal(dir);
}

const setName = (name: string) => (h: Buffer) => {
  h.fill(0, 0, 100);
  h.write(name, 0, 'ascii');
  h.fill(0, 345, 500); // the ustar prefix, so the name above is the whole path
};

async function verifyRefuses(dir: string, ...expected: RegExp[]) {
  const run = await ferry(['verify', dir]);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr + run.stdout).not.toMatch(/internal error|a bug/i);
  expect(run.code).toBe(3);
  for (const e of expected) expect(run.stdout + run.stderr).toMatch(e);
  return run;
}

describe('verify of a hostile bundle', () => {
  it('passes the resealed original (the helpers alone change nothing)', async () => {
    const dir = copyBundle();
    reseal(dir);
    expect((await ferry(['verify', dir])).code).toBe(0);
  });

  it('refuses a target repository with ../', async () => {
    const dir = copyBundle();
    const m = readManifest(dir);
    m.images[0]!.target.repository = 'vendor/../../etc';
    reseal(dir, m);
    await verifyRefuses(dir, /repository/);
  });

  it('refuses an archive present both whole and chunked', async () => {
    const dir = copyBundle();
    const m = readManifest(dir);
    expect(m.archives[0]!.chunked).toBe(true);
    writeFileSync(
      join(dir, m.archives[0]!.name),
      Buffer.concat(m.archives[0]!.parts.map((p) => readFileSync(join(dir, p.file)))),
    );
    await verifyRefuses(dir, /images\.tar is present both whole and as chunks/);
  });

  it('refuses a tar entry with a ../ path', async () => {
    const dir = copyBundle();
    patchHeader(dir, seed.tool.layers[1]!.digest, setName('../../evil'));
    await verifyRefuses(dir, /images\.tar(\.\d+\.chunk)?: .*\.\.\/\.\.\/evil.*outside/);
  });

  it('refuses a tar entry with an absolute path', async () => {
    const dir = copyBundle();
    patchHeader(dir, seed.tool.layers[1]!.digest, setName('/tmp/evil'));
    await verifyRefuses(dir, /\/tmp\/evil.*absolute/);
  });

  it('refuses a symlink entry', async () => {
    const dir = copyBundle();
    const hex = seed.tool.layers[1]!.digest.slice('sha256:'.length);
    patchHeader(dir, seed.tool.layers[1]!.digest, (h) => {
      h.write('2', 156, 1, 'ascii');
      h.write('/etc/passwd', 157, 'ascii');
    });
    await verifyRefuses(dir, new RegExp(`${hex}.*symlink`));
  });

  it('refuses a device entry', async () => {
    const dir = copyBundle();
    const hex = seed.tool.layers[1]!.digest.slice('sha256:'.length);
    patchHeader(dir, seed.tool.layers[1]!.digest, (h) => h.write('3', 156, 1, 'ascii'));
    await verifyRefuses(dir, new RegExp(`${hex}.*device`));
  });
});
