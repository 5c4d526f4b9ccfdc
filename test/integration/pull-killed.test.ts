// kill -9 of the `ferry pull` process at the end of the job, against a real registry: right after
// ferry-manifest.json is renamed into place, and while the signature is being written. The same
// command then finishes the job from what is there (signs, records; downloads nothing), and the
// ledger holds one finished transfer: the killed run is closed as superseded by the one that
// finished it, not left "unfinished" for ever.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationSummary } from '../../electron/engine/api/ledger.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry, ferryProcess } from '../support/cli.ts';

let source: RunningRegistry;
let seed: GenericSeed;
let work: string;
let n = 0;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { images: 6, layerSize: 1 << 20 });
  work = mkdtempSync(join(tmpdir(), 'ferry-killed-'));
});
afterAll(async () => {
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

const pullArgs = (dir: string) => [
  'pull',
  dir,
  ...seed.imageRefs.flatMap((r) => ['--image', r]),
  '--insecure',
];

async function pulls(home: string): Promise<OperationSummary[]> {
  const r = await ferry(['history', '--json', '--direction', 'pull'], { FERRY_HOME: home });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as OperationSummary[];
}

const moments: Array<[string, (name: string) => boolean]> = [
  ['after ferry-manifest.json is written', (name) => name === 'ferry-manifest.json'],
  ['while the signature is written', (name) => /^\.ferry-manifest\.sig\.json\.[0-9a-f]+\.tmp$/.test(name)],
];

describe('kill -9 of a pull at the end of the job', () => {
  it.each(moments)(
    '%s: the same command finishes it, and history shows one finished transfer',
    async (_, at) => {
      const dir = join(work, `b${n++}`);
      const home = join(work, `home${n}`);
      mkdirSync(dir);
      const killed = await ferryProcess(pullArgs(dir), { env: { FERRY_HOME: home }, watch: dir, killOn: at });
      expect(killed.signal).toBe('SIGKILL');
      // Killed before the pull was recorded: the ledger shows it unfinished, for now.
      expect((await pulls(home)).map((p) => p.status)).toEqual(['unfinished']);
      const manifest = readFileSync(join(dir, 'ferry-manifest.json'), 'utf8');

      const again = await ferryProcess(pullArgs(dir), { env: { FERRY_HOME: home } });
      expect(again.stderr).not.toMatch(/error/);
      expect(again.code).toBe(0);
      expect(again.stderr + again.stdout).not.toMatch(/downloaded [1-9]/);
      expect(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')).toBe(manifest);
      const { transferId } = JSON.parse(manifest) as { transferId: string };

      const verify = await ferry(['verify', dir], { FERRY_HOME: home });
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/signed by SHA256:/);

      const listed = await pulls(home);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ status: 'succeeded', transferId });
      expect(listed[0]!.resumed).toHaveLength(1);

      // The report still shows both runs; the killed one names the run that finished it.
      const report = await ferry(['report', transferId, '--format', 'json'], { FERRY_HOME: home });
      const ops = (JSON.parse(report.stdout) as { operations: OperationSummary[] }).operations.filter(
        (o) => o.direction === 'pull',
      );
      expect(ops.map((o) => o.status)).toEqual(['unfinished', 'succeeded']);
      expect(ops[0]!.supersededBy).toBe(ops[1]!.operationId);
      expect((await ferry(['audit', 'verify'], { FERRY_HOME: home })).code).toBe(0);
    },
  );

  it('a pull killed before it had a transfer is closed by the next pull into the folder', async () => {
    const dir = join(work, `b${n++}`);
    const home = join(work, `home${n}`);
    mkdirSync(dir);
    // The state folder appears as the pull prepares the folder, before the plan names a transfer.
    const killed = await ferryProcess(pullArgs(dir), {
      env: { FERRY_HOME: home },
      watch: dir,
      killOn: (name) => name === '.ferry-pull',
    });
    expect(killed.signal).toBe('SIGKILL');
    expect((await pulls(home)).map((p) => p.status)).toEqual(['unfinished']);
    expect((await ferryProcess(pullArgs(dir), { env: { FERRY_HOME: home } })).code).toBe(0);
    expect((await pulls(home)).map((p) => [p.status, p.resumed?.length])).toEqual([['succeeded', 1]]);
  });
});
