// One pulled bundle to damage, for the hostile- and damaged-bundle tests: a generic seed pulled
// from a real registry in 1 MiB chunks (so several parts, each 512-aligned), copied afresh for every
// case, with the tar-header surgery those cases share.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import type { RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from './cli.ts';

export const CHUNK = 1024 * 1024;

export interface BundleFixture {
  seed: GenericSeed;
  work: string;
  /** The pulled bundle: never changed; damage a copy(). */
  bundle: string;
  /** A fresh copy of the bundle to damage. */
  copy(): string;
  remove(): void;
}

export async function pulledBundle(source: RunningRegistry, prefix: string): Promise<BundleFixture> {
  const seed = await seedGeneric(source, { layerSize: 256 * 1024, layersPerImage: 2 });
  const work = mkdtempSync(join(tmpdir(), `ferry-${prefix}-`));
  const bundle = join(work, 'bundle');
  const run = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((r) => ['--image', r]),
    '--insecure',
    '--chunk-size',
    String(CHUNK),
  ]);
  expect(run.code).toBe(0);
  let copies = 0;
  return {
    seed,
    work,
    bundle,
    copy() {
      const to = join(work, `copy-${copies++}`);
      execFileSync('cp', ['-r', bundle, to]);
      return to;
    },
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}

export const readManifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;

/** Rewrites the 512-byte tar header just before a blob's bytes (chunks are 512-aligned), checksum fixed. */
export function patchHeader(dir: string, digest: string, edit: (header: Buffer) => void): void {
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
