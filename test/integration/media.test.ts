// `ferry media`: a bundle pulled from a real registry in 1 MiB chunks, planned onto sticks of a given
// size, and copied onto two small sticks (8 MiB tmpfs mounts, the tests run as root) that together
// hold it and alone do not; the copies read back equal to the manifest's SHA-256.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

const MiB = 1 << 20;
let source: RunningRegistry;
let seed: GenericSeed;
let work: string;
let bundle: string;
let manifest: TransferManifest;
const sticks: string[] = [];

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { layerSize: 512 * 1024 });
  work = mkdtempSync(join(tmpdir(), 'ferry-media-'));
  bundle = join(work, 'bundle');
  const r = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((i) => ['--image', i]),
    '--insecure',
    '--chunk-size',
    '1MiB',
  ]);
  expect(r.stderr).not.toMatch(/error/);
  manifest = JSON.parse(readFileSync(join(bundle, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
  for (const name of ['stick-a', 'stick-b']) {
    const dir = join(work, name);
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
    sticks.push(dir);
  }
});
afterAll(async () => {
  for (const dir of sticks) execFileSync('umount', [dir], { stdio: 'ignore' });
  if (work) rmSync(work, { recursive: true, force: true });
  await source?.stop();
});

const parts = () => manifest.archives.flatMap((a) => a.parts);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('ferry media plan', () => {
  it('spreads a pulled bundle over sticks of a size, in chunk order', async () => {
    const r = await ferry(['media', 'plan', bundle, '--stick-size', `${4 * MiB + 2 * MiB}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const count = Math.ceil(parts().reduce((n, p) => n + p.size, 0) / (2 * MiB));
    expect(r.stdout).toMatch(
      new RegExp(
        `^transfer ${manifest.transferId}: ${parts().length} file\\(s\\), .* onto sticks of 6\\.0 MiB: \\d+ stick\\(s\\)`,
      ),
    );
    expect(r.stdout).toContain(`  stick 1: 2 file(s), 2.0 MiB\n    ${parts()[0]!.file}`);
    const json = await ferry(['media', 'plan', bundle, '--stick-size', '6MiB', '--json']);
    const plan = JSON.parse(json.stdout) as { sticks: Array<{ files: Array<{ file: string }> }> };
    expect(plan.sticks.flatMap((s) => s.files.map((f) => f.file))).toEqual(parts().map((p) => p.file));
    expect(plan.sticks.length).toBeGreaterThanOrEqual(count);
  });

  it('plans a size before any pull: the chunk size that fits and how many sticks', async () => {
    const r = await ferry(['media', 'plan', '10GiB', '--stick-size', '4GiB', '--chunk-size', '1GiB']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '10.0 GiB onto sticks of 4.0 GiB: 4 stick(s), 11 chunk(s) of 1.0 GiB\n' +
        '  pull with: ferry pull <bundle-dir> --chunk-size 1024MiB …\n' +
        '! Needs 4 sticks: pull into a folder on this computer, then copy stick by stick.\n',
    );
  });

  it('takes the stick plugged in at --to: its free space is the stick size', async () => {
    const r = await ferry(['media', 'plan', '20MiB', '--to', sticks[0]!]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^20\.0 MiB onto sticks of 8\.0 MiB \(tmpfs at .*stick-a\): \d+ stick\(s\), \d+ chunk\(s\) of 4\.0 MiB/,
    );
  });

  it('says what is missing, as a usage error', async () => {
    const r = await ferry(['media', 'plan', bundle]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give --to <mount> .* or --stick-size SIZE/);
    const bad = await ferry(['media', 'plan', 'lots', '--stick-size', '4GiB']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/the bundle size 'lots' is not a size/);
    const help = await ferry(['media', '--help']);
    expect(help.stdout).toMatch(/ferry media copy <bundle-dir> <mount>/);
  });
});

describe('ferry media copy', () => {
  it('refuses sticks too small for the bundle before copying anything', async () => {
    const r = await ferry(['media', 'copy', bundle, sticks[0]!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs more than the 1 stick\(s\) given: .*add another/);
    expect(readdirSync(sticks[0]!)).toEqual([]);
  });

  it('fills the sticks in order, each with the manifest and signature, every file read back', async () => {
    const r = await ferry(['media', 'copy', bundle, ...sticks]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ stick 1 → .*stick-a\/ferry-.*copied and read back\n✓ stick 2 → /);
    expect(r.stdout).toMatch(new RegExp(`copied transfer ${manifest.transferId} onto 2 stick\\(s\\); eject`));
    const copied = sticks.flatMap((s) => {
      const folder = join(s, `ferry-${manifest.transferId}`);
      const names = readdirSync(folder);
      expect(names).toEqual(expect.arrayContaining(['ferry-manifest.json', 'ferry-manifest.sig.json']));
      return names.filter((n) => n.endsWith('.chunk') || n.endsWith('.tar')).map((n) => join(folder, n));
    });
    expect(copied.map((f) => f.split('/').at(-1)).sort()).toEqual(
      parts()
        .map((p) => p.file)
        .sort(),
    );
    for (const f of copied) expect(sha256(f)).toBe(parts().find((p) => f.endsWith(p.file))!.sha256);
  });
});
