// The pull folder against a real registry: a second pull into a folder in use is refused in one
// line naming the running one, a dead process's lock is taken over; a pull that stopped after the
// transfer manifest was written is finished by the same command; --force and --no-pull-resume
// delete only files Ferry wrote, never a user's own archives beside the bundle.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

const ferryBin = fileURLToPath(new URL('../../bin/ferry.js', import.meta.url));
let source: RunningRegistry;
let seed: GenericSeed;
let work: string;
let n = 0;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { images: 6, layerSize: 1 << 20, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-folder-'));
});
afterAll(async () => {
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

const fresh = () => join(work, `f${n++}`);
const args = (dir: string, extra: string[] = []) => [
  'pull',
  dir,
  ...seed.imageRefs.flatMap((r) => ['--image', r]),
  '--insecure',
  ...extra,
];

describe('the pull folder', () => {
  it('refuses a second pull into a folder in use, in one line naming the running pull', async () => {
    const dir = fresh();
    const child = spawn(process.execPath, [ferryBin, ...args(dir, ['--concurrency', '1'])], {
      env: { ...process.env, DOCKER_CONFIG: '/nonexistent' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      // Once a blob is in, the first pull is copying: past its ledger entry for the transfer id, so
      // the stop below does not hold the ledger mid-transaction (the second pull records its refusal).
      for (let i = 0; i < 1000 && !existsSync(join(dir, '.ferry-pull', 'blobs.done')); i++)
        await new Promise((r) => setTimeout(r, 10));
      // Hold the first pull still (it keeps its lock) so it cannot finish before the second starts.
      child.kill('SIGSTOP');
      let second;
      try {
        second = await ferry(args(dir));
      } finally {
        child.kill('SIGCONT');
      }
      expect(second.code).toBe(2);
      const lines = second.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(new RegExp(`in use by another pull .*pid ${child.pid}`));
      expect(lines.filter((l) => /error/.test(l))).toHaveLength(1);
    } finally {
      expect(await exited).toBe(0);
    }
    expect((await ferry(['verify', dir])).code).toBe(0);
  });

  it("takes over a dead process's lock", async () => {
    const dir = fresh();
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeFileSync(
      join(dir, '.ferry-lock'),
      JSON.stringify({ pid: dead, host: hostname(), startedAt: new Date().toISOString() }),
    );
    const r = await ferry(args(dir));
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, '.ferry-lock'))).toBe(false);
  });

  it('finishes a pull that stopped after the transfer manifest was written (sign, record)', async () => {
    const dir = fresh();
    mkdirSync(dir);
    // A folder in the signature's place makes signing fail right after the manifest is written:
    // the state a kill at that moment leaves.
    mkdirSync(join(dir, 'ferry-manifest.sig.json'));
    const first = await ferry(args(dir));
    expect(first.code).not.toBe(0);
    expect(existsSync(join(dir, 'ferry-manifest.json'))).toBe(true);
    rmSync(join(dir, 'ferry-manifest.sig.json'), { recursive: true });
    const before = readFileSync(join(dir, 'ferry-manifest.json'), 'utf8');

    const again = await ferry(args(dir));
    expect(again.stderr).not.toMatch(/error/);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/downloaded [1-9]/);
    expect(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'ferry-manifest.sig.json'))).toBe(true);
    expect(existsSync(join(dir, '.ferry-pull'))).toBe(false);
    const verify = await ferry(['verify', dir]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/signed by/);
  });

  it("--force keeps a user's own archive beside the bundle", async () => {
    const dir = fresh();
    expect((await ferry(args(dir))).code).toBe(0);
    writeFileSync(join(dir, 'backup.tar'), 'mine');
    const r = await ferry(args(dir, ['--force']));
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'backup.tar'), 'utf8')).toBe('mine');
    expect((await ferry(['verify', dir])).code).toBe(0);
  });

  it("--no-pull-resume refuses a folder holding a user's archive and deletes nothing", async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'backup.tar'), 'mine');
    const r = await ferry(args(dir, ['--no-pull-resume']));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/holds backup\.tar/);
    expect(readFileSync(join(dir, 'backup.tar'), 'utf8')).toBe('mine');
  });
});
