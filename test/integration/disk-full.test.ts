// A full disk is one line with exit 5, and what was written stays for the resume. The small disk is a
// 4 MiB tmpfs mounted for the test (the tests run as root, as CI does).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let seed: GenericSeed;
let disk: string;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { layerSize: 1 << 20 });
  disk = mkdtempSync(join(tmpdir(), 'ferry-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `cannot mount a small tmpfs for the disk-full test (run the tests as root): ${(err as Error).message}`,
    );
  }
});
afterAll(async () => {
  if (disk) {
    execFileSync('umount', [disk], { stdio: 'ignore' });
    rmSync(disk, { recursive: true, force: true });
  }
  await source?.stop();
});

describe('disk full', () => {
  it('stops with one line and exit 5, keeping the resume state', async () => {
    const bundle = join(disk, 'bundle');
    const r = await ferry(['pull', bundle, ...seed.imageRefs.flatMap((i) => ['--image', i]), '--insecure']);
    expect(r.code).toBe(5);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^ferry pull: error: disk full.*run the same command again/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(bundle, '.ferry-pull', 'plan.json'))).toBe(true);
  });
});
