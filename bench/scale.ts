// Many images (issue 11): a whole edition is thousands of small images, where the time is per-image
// work and round trips, not bytes. Two parts in one run, on one loopback registry:
//   speed: `ferry pull` of N small multi-arch images (default 600, ~4,200 blobs) against skopeo
//          copying the same images 4 at a time (goal ferry ≤ 0.3× skopeo), and against the limit:
//          curl fetching the same distinct manifests and blobs, and a bare undici loop that also
//          checks and writes them (bench/limits.ts). With small blobs the registry's own work per
//          request decides the time, so the registry's CPU seconds are printed for each side;
//   plan:  `ferry pull` of M such images (default 10,000) — ferry's peak RSS (goal ≤ 300 MB), the
//          plan of every image and blob held at once; skopeo is not run for this part.
// Usage: npm run bench:scale -- [--images 600] [--plan-images 10000] [--layer-size 4KiB] [--parallel 4]
// Exits non-zero only when something is broken (a command fails, a digest differs).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from '../electron/engine/util/size.ts';
import {
  checkBundle,
  checkSkopeoLayouts,
  describeSeed,
  ferryPull,
  goal,
  mb,
  MB,
  printEnvironment,
  printTable,
  ratio,
  requireTool,
  runBench,
  seconds,
  seedMultiArch,
  skopeoPull,
  startBenchRegistry,
  stopRegistry,
  tempDir,
  timed,
  type BenchOptions,
  withRegistryCpu,
} from './common.ts';
import { curlFetch, nodeFetchWrite } from './limits.ts';

runBench(async () => {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '600' },
      'plan-images': { type: 'string', default: '10000' },
      'layer-size': { type: 'string', default: '4KiB' },
      parallel: { type: 'string', default: '4' },
    },
  });
  const images = Number(values.images);
  const planImages = Number(values['plan-images']);
  const parallel = Number(values.parallel);
  const layerSize = parseSize(values['layer-size'], '--layer-size');
  requireTool('skopeo', 'skopeo');
  requireTool('docker-registry', 'docker-registry');
  await printEnvironment([['skopeo', ['--version']]]);
  const work = tempDir('scale');

  // Speed: N images, ferry against skopeo.
  const speedSeed: BenchOptions = { images, layerSize, layersPerImage: 1, runs: 1, parallel };
  const source = await startBenchRegistry();
  const seeded = await timed(() => seedMultiArch(source, speedSeed));
  const seed = seeded.value;
  console.log(`source    ${describeSeed(seed, speedSeed)} (seeded in ${seconds(seeded.seconds)})`);
  const bundle = join(work, 'ferry');
  const { value: pulled, registryCpu: ferryRegistryCpu } = await withRegistryCpu(source, () =>
    ferryPull(seed, bundle),
  );
  const blobs = checkBundle(seed, bundle).totals.blobs;
  rmSync(bundle, { recursive: true, force: true });
  const layouts = join(work, 'skopeo');
  const { value: copied, registryCpu: skopeoRegistryCpu } = await withRegistryCpu(source, () =>
    skopeoPull(seed, layouts, parallel),
  );
  checkSkopeoLayouts(seed, layouts);
  rmSync(layouts, { recursive: true, force: true });
  const { value: curl, registryCpu: curlRegistryCpu } = await withRegistryCpu(source, () =>
    curlFetch(seed, source.host, work),
  );
  const loop = await nodeFetchWrite(seed, source.host, work);
  await stopRegistry(source);
  const r = pulled.seconds / copied.seconds;
  printTable(`pull of ${images} small images (${blobs} blobs)`, [
    ['', 'ferry', `skopeo (${parallel} at a time)`, 'ferry/skopeo', 'goal', ''],
    ['time', seconds(pulled.seconds), seconds(copied.seconds), ratio(r), '≤ 0.3', goal(r <= 0.3)],
    ['client CPU', seconds(pulled.cpuSeconds), seconds(copied.cpuSeconds), '', '', ''],
    ['registry CPU', seconds(ferryRegistryCpu), seconds(skopeoRegistryCpu), '', '', ''],
    ['peak RSS', mb(pulled.peakRssBytes), '', '', '', ''],
  ]);
  printTable('against the limit: the same distinct manifests and blobs fetched by a bare client', [
    ['', 'ferry', 'limit', 'ferry/limit', 'limit/skopeo'],
    [
      'curl (8 at a time, to /dev/null)',
      seconds(pulled.seconds),
      seconds(curl),
      ratio(pulled.seconds / curl),
      ratio(curl / copied.seconds),
    ],
    ['  its registry CPU', seconds(ferryRegistryCpu), seconds(curlRegistryCpu), '', ''],
    [
      'node loop (16 at a time, checked, written, synced)',
      seconds(pulled.seconds),
      seconds(loop),
      ratio(pulled.seconds / loop),
      ratio(loop / copied.seconds),
    ],
  ]);

  // Plan: M images, ferry alone, peak RSS.
  const planSeed: BenchOptions = { images: planImages, layerSize, layersPerImage: 1, runs: 1, parallel };
  const big = await startBenchRegistry();
  const bigSeeded = await timed(() => seedMultiArch(big, planSeed));
  console.log(
    `source    ${describeSeed(bigSeeded.value, planSeed)} (seeded in ${seconds(bigSeeded.seconds)})`,
  );
  const bigBundle = join(work, 'ferry-plan');
  const bigPull = await ferryPull(bigSeeded.value, bigBundle);
  const bigBlobs = checkBundle(bigSeeded.value, bigBundle).totals.blobs;
  await stopRegistry(big);
  const rss = bigPull.peakRssBytes;
  printTable(`pull of ${planImages} small images (${bigBlobs} blobs): the whole plan in memory`, [
    ['', 'ferry', 'goal', ''],
    ['peak RSS', mb(rss), '≤ 300 MB', goal(rss <= 300 * MB)],
    ['time', seconds(bigPull.seconds), '', ''],
    ['client CPU', seconds(bigPull.cpuSeconds), '', ''],
  ]);
});
