// A pull killed with SIGKILL mid-copy and run again reports progress from what the killed run
// finished, not from 0: the engine's progress meter starts at the bytes already in the bundle, so
// `ferry pull --json` and the app (which shows the same events) agree. The job runner's clamp in the
// main process stays as a guard; this is the engine telling the truth on its own.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/jobs.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { WanProxy } from '../harness/wan-proxy.ts';
import { ferry, ferryProcess } from '../support/cli.ts';

let source: RunningRegistry;
let seed: GenericSeed;
let link: WanProxy;
let work: string;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { images: 10, layerSize: 3 << 20, layersPerImage: 2 });
  // Both runs pull through a 160 Mbit/s link (~20 MB/s): the 72 MB take ~3.6 s, so the kill at the
  // third part (~17 MB) lands mid-copy even when this busy test process sees the file a second late.
  // On loopback the killed run could finish every blob first, and the resumed one had nothing to do.
  link = await new WanProxy(source.host, { rttMs: 1, mbitPerSecond: 160 }).start();
  work = mkdtempSync(join(tmpdir(), 'ferry-resume-progress-'));
});
afterAll(async () => {
  await link?.stop();
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Every digest the seed pushed with its size (blobs and manifests), found wherever the seed lists it. */
function seededSizes(value: unknown, into = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(value)) for (const v of value) seededSizes(v, into);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.digest === 'string' && typeof o.size === 'number') into.set(o.digest, o.size);
    for (const v of Object.values(o)) seededSizes(v, into);
  }
  return into;
}

type Progress = Extract<JobEvent, { type: 'progress' }>;

describe('progress of a resumed pull', () => {
  it('starts at the bytes the killed run finished, and never goes backwards', async () => {
    const dir = join(work, 'bundle');
    mkdirSync(dir);
    const args = [
      'pull',
      dir,
      ...seed.imageRefs.flatMap((r) => ['--image', r.replace(source.host, link.host)]),
      '--insecure',
      '--chunk-size',
      '8MiB',
      '--concurrency',
      '2',
    ];
    // Killed once the third 8 MiB part is whole: at least 16 MiB of blobs are in the bundle.
    const killed = await ferryProcess(args, {
      watch: dir,
      killOn: (name) => name === 'images.tar.0002.chunk',
    });
    expect(killed.signal).toBe('SIGKILL');
    const sizes = seededSizes(seed);
    const finished = readFileSync(join(dir, '.ferry-pull', 'blobs.done'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const finishedBytes = finished.reduce((n, d) => n + (sizes.get(d) ?? 0), 0);
    expect(finishedBytes).toBeGreaterThanOrEqual(16 << 20);

    const resumed = await ferry([...args, '--json']);
    expect(resumed.code).toBe(0);
    const events = resumed.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as JobEvent);
    const progress = events.filter((e): e is Progress => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    const first = progress[0]!;
    expect(first.bytesDone).toBeGreaterThanOrEqual(finishedBytes);
    expect(first.bytesDone).toBeLessThan(first.bytesTotal);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
      expect(progress[i]!.imagesDone).toBeGreaterThanOrEqual(progress[i - 1]!.imagesDone);
    }
    const last = progress[progress.length - 1]!;
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.imagesDone).toBe(last.imagesTotal);
  });
});
