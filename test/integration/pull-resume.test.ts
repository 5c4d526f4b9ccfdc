// A pull killed with SIGKILL mid-copy and run again continues where it stopped: complete blobs are
// not downloaded again, and the bundle equals one made by an uninterrupted pull.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';

const ferryBin = fileURLToPath(new URL('../../bin/ferry.js', import.meta.url));
let source: RunningRegistry;
let seed: GenericSeed;
let work: string;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { images: 12, layerSize: 3 << 20, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-resume-'));
});
afterAll(async () => {
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

function pullArgs(dir: string): string[] {
  return [
    ferryBin,
    'pull',
    dir,
    ...seed.imageRefs.flatMap((r) => ['--image', r]),
    '--insecure',
    '--chunk-size',
    '8MiB',
    '--concurrency',
    '1',
    '--json',
  ];
}

function run(
  args: string[],
  killWhen?: () => boolean,
): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, DOCKER_CONFIG: '/nonexistent' } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const timer = killWhen
      ? setInterval(() => {
          if (killWhen()) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 5)
      : undefined;
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stdout });
    });
  });
}

const doneBlobs = (dir: string) => {
  try {
    return readFileSync(join(dir, '.ferry-pull', 'blobs.done'), 'utf8')
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe('kill -9 and resume', () => {
  it('continues an interrupted pull and produces the same bundle as an uninterrupted one', async () => {
    const resumed = join(work, 'resumed');
    const killed = await run(pullArgs(resumed), () => doneBlobs(resumed) >= 3);
    expect(killed.signal).toBe('SIGKILL');
    const before = doneBlobs(resumed);
    expect(before).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(resumed, 'ferry-manifest.json'))).toBe(false);

    const second = await run(pullArgs(resumed));
    expect(second.code).toBe(0);
    const events = second.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: string });
    expect(events.some((e) => e.type === 'phase' && /resuming transfer/.test(e.message ?? ''))).toBe(true);
    const summary = events.find((e) => e.type === 'log' && /^downloaded/.test(e.message ?? ''))!;
    const present = Number(/; (\d+) already in the bundle/.exec(summary.message!)?.[1] ?? 0);
    expect(present).toBeGreaterThanOrEqual(before);

    const clean = join(work, 'clean');
    expect((await run(pullArgs(clean))).code).toBe(0);
    const a = JSON.parse(readFileSync(join(resumed, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    const b = JSON.parse(readFileSync(join(clean, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    expect(a.archives).toEqual(b.archives);
    expect(a.images).toEqual(b.images);
    expect(a.archives[0]!.parts.length).toBeGreaterThan(1);
  });

  it('keeps a part that was renamed but not yet logged when the pull was killed', async () => {
    const dir = join(work, 'torn-log');
    const partsLog = join(dir, '.ferry-pull', 'parts.done');
    const logged = () =>
      existsSync(partsLog) ? readFileSync(partsLog, 'utf8').split('\n').filter(Boolean) : [];
    await run(pullArgs(dir), () => logged().length >= 2);
    const lines = logged();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    // As if killed between the rename and the log line: the last part is on disk, unlogged.
    writeFileSync(partsLog, `${lines.slice(0, -1).join('\n')}\n`);
    expect((await run(pullArgs(dir))).code).toBe(0);
    const verified = await run([ferryBin, 'verify', dir]);
    expect(verified.code).toBe(0);
  });

  it('starts over with --no-pull-resume', async () => {
    const dir = join(work, 'restart');
    await run(pullArgs(dir), () => doneBlobs(dir) >= 2);
    const again = await run([...pullArgs(dir), '--no-pull-resume']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/resuming transfer/);
    expect(again.stdout).not.toMatch(/already in the bundle/);
  });
});
