// `--gost-digest` on a chunked pull: a `.gostsum` beside every .chunk holding exactly what Debian's
// gost12sum prints for it (no file name, no newline), the same value in the transfer manifest, and
// `ferry verify` checking them (a wrong or missing sidecar is named).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let reg: RunningRegistry;
let seed: GenericSeed;
let work: string;
let bundle: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireTool('gost12sum', 'gostsum');
  reg = await startRegistry('http');
  seed = await seedGeneric(reg, { layerSize: 400 * 1024, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-gost-'));
  env = { FERRY_HOME: join(work, 'station') };
  bundle = join(work, 'bundle');
  const run = await ferry(
    [
      'pull',
      bundle,
      ...seed.imageRefs.flatMap((r) => ['--image', r]),
      '--insecure',
      '--chunk-size',
      '1MiB',
      '--gost-digest',
    ],
    env,
  );
  expect(run.code).toBe(0);
});
afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('--gost-digest', () => {
  it('writes gost12sum-equal sidecars beside every chunk and records them in the manifest', () => {
    const chunks = readdirSync(bundle).filter((f) => f.endsWith('.chunk'));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const manifest = JSON.parse(
      readFileSync(join(bundle, 'ferry-manifest.json'), 'utf8'),
    ) as TransferManifest;
    const recorded = new Map(manifest.archives.flatMap((a) => a.parts).map((p) => [p.file, p.streebog256]));
    for (const chunk of chunks) {
      const reference = execFileSync('gost12sum', [join(bundle, chunk)], { encoding: 'utf8' }).split(
        /\s+/,
      )[0]!;
      expect(readFileSync(join(bundle, `${chunk}.gostsum`), 'utf8')).toBe(reference);
      expect(recorded.get(chunk)).toBe(reference);
    }
  });

  it('verify checks the sidecars: a wrong one and a missing one are named', async () => {
    expect((await ferry(['verify', bundle], env)).code).toBe(0);
    const copy = join(work, 'copy');
    execFileSync('cp', ['-r', bundle, copy]);
    writeFileSync(join(copy, 'images.tar.0001.chunk.gostsum'), 'f'.repeat(64));
    rmSync(join(copy, 'images.tar.0002.chunk.gostsum'));
    const run = await ferry(['verify', copy], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/images\.tar\.0001\.chunk does not match its GOST R 34\.11-2012 checksum/);
    expect(run.stdout).toMatch(/images\.tar\.0002\.chunk\.gostsum is missing/);
  });

  it('a pull resumed with --gost-digest writes the sidecars of chunks an earlier run finished', async () => {
    const dir = join(work, 'resumed');
    const ferryBin = fileURLToPath(new URL('../../bin/ferry.js', import.meta.url));
    const args = [
      ferryBin,
      'pull',
      dir,
      ...seed.imageRefs.flatMap((r) => ['--image', r]),
      '--insecure',
      '--chunk-size',
      '1MiB',
      '--concurrency',
      '1',
    ];
    // First run without GOST sums, killed once a chunk is complete.
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, ...env, DOCKER_CONFIG: '/nonexistent' },
      });
      const timer = setInterval(() => {
        // Once a finished chunk is logged (killing between its rename and its log line is another matter).
        const log = join(dir, '.ferry-pull', 'parts.done');
        if (existsSync(log) && readFileSync(log, 'utf8').includes('\n')) child.kill('SIGKILL');
      }, 2);
      child.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
    });
    const finishedEarlier = readdirSync(dir).filter((f) => f.endsWith('.chunk'));
    expect(finishedEarlier.length).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.gostsum'))).toEqual([]);
    expect(existsSync(join(dir, 'ferry-manifest.json'))).toBe(false);
    const run = await ferry(['pull', dir, ...args.slice(3), '--gost-digest'], env);
    expect(run.code).toBe(0);
    for (const chunk of readdirSync(dir).filter((f) => f.endsWith('.chunk'))) {
      const reference = execFileSync('gost12sum', [join(dir, chunk)], { encoding: 'utf8' }).split(/\s+/)[0]!;
      expect(readFileSync(join(dir, `${chunk}.gostsum`), 'utf8')).toBe(reference);
    }
    expect((await ferry(['verify', dir], env)).code).toBe(0);
  });
});
