// Push of a bundle whose blobs cannot be read: a half-copied last chunk, a layer missing from its
// tar, a symlink or hardlink where a layer should be, a tar header claiming a huge size. Each must
// refuse only the images that need the damaged bytes, push the rest, and exit 3 in plain lines
// (never a stack trace); nothing with a wrong digest may reach the registry.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
let bundle: string;
const CHUNK = 1024 * 1024;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedGeneric(source, { layerSize: 256 * 1024, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-damaged-'));
  bundle = join(work, 'bundle');
  const run = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((r) => ['--image', r]),
    '--insecure',
    '--chunk-size',
    String(CHUNK),
  ]);
  expect(run.code).toBe(0);
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const readManifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;

let copies = 0;
function copyBundle(): string {
  const to = join(work, `copy-${copies++}`);
  execFileSync('cp', ['-r', bundle, to]);
  return to;
}

/** Rewrites the 512-byte tar header just before a blob's bytes (chunks are 512-aligned). */
function patchHeader(dir: string, digest: string, edit: (header: Buffer) => void): void {
  const m = readManifest(dir);
  const blob = m.blobs.find((b) => b.digest === digest)!;
  const at = blob.offset - 512;
  const part = m.archives[0]!.parts.find((p) => p.start <= at && at < p.start + p.size)!;
  const fd = openSync(join(dir, part.file), 'r+');
  try {
    const header = Buffer.alloc(512);
    readSync(fd, header, 0, 512, at - part.start);
    expect(header.toString('latin1', 0, 100)).toContain(digest.slice('sha256:'.length));
    edit(header);
    header.fill(32, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    writeSync(fd, header, 0, 512, at - part.start);
  } finally {
    closeSync(fd);
  }
}

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
