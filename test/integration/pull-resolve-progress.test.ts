// The plan phase says how far it got: `ferry pull --json` reports images resolved so far, in order,
// ending at the total before the copy begins. An edition's thousands of images take minutes to
// resolve across the internet, and a line that never changed looked like a hung pull.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/jobs.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { WanProxy } from '../harness/wan-proxy.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let seed: GenericSeed;
let link: WanProxy;
let work: string;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source, { images: 24, layerSize: 1024, layersPerImage: 1 });
  // 30 ms round trips: resolving takes a few hundred milliseconds, long enough for several reports.
  link = await new WanProxy(source.host, { rttMs: 30, mbitPerSecond: 200 }).start();
  work = mkdtempSync(join(tmpdir(), 'ferry-resolve-progress-'));
});
afterAll(async () => {
  await link?.stop();
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('progress while a pull resolves its images', () => {
  it('counts resolved images up to the total, between the plan and copy phases', async () => {
    const images = seed.imageRefs.map((r) => r.replace(source.host, link.host));
    const run = await ferry([
      'pull',
      join(work, 'bundle'),
      ...images.flatMap((r) => ['--image', r]),
      '--insecure',
      '--concurrency',
      '2',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as JobEvent);
    const at = (phase: string) => events.findIndex((e) => e.type === 'phase' && e.phase === phase);
    const resolving = events.flatMap((e, i) => (e.type === 'resolving' ? [{ ...e, i }] : []));

    expect(resolving.length).toBeGreaterThanOrEqual(3);
    expect(resolving.every((e) => e.imagesTotal === images.length)).toBe(true);
    for (let k = 1; k < resolving.length; k++)
      expect(resolving[k]!.imagesDone).toBeGreaterThan(resolving[k - 1]!.imagesDone);
    expect(resolving[0]!.imagesDone).toBe(1);
    expect(resolving.at(-1)!.imagesDone).toBe(images.length);
    expect(resolving[0]!.i).toBeGreaterThan(at('plan'));
    expect(resolving.at(-1)!.i).toBeLessThan(at('copy'));
  });
});
