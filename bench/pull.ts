// Pull speed: `ferry pull` of every seeded image into one bundle against skopeo copying the same
// images into one OCI layout each, a few at a time, from one loopback HTTP registry, in one run.
// Usage: npm run bench:pull -- [--images 16] [--layer-size 4MiB] [--layers 3] [--runs 3] [--parallel 4]
// Prints the median of the runs, the ratio ferry/skopeo (goal ≤ 0.5), bytes moved and ferry's peak
// RSS (goal < 300 MB). Exits non-zero only when something is broken: a command fails, a digest differs.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchOptions,
  checkBundle,
  checkSkopeoLayouts,
  describeSeed,
  ferryPull,
  goal,
  mb,
  median,
  MB,
  printEnvironment,
  printTable,
  ratio,
  requireTool,
  runBench,
  runList,
  seconds,
  seedMultiArch,
  skopeoPull,
  startBenchRegistry,
  tempDir,
  treeBytes,
} from './common.ts';

const RATIO_GOAL = 0.5;
const RSS_GOAL = 300 * MB;

runBench(async () => {
  const options = benchOptions('npm run bench:pull -- [options]', {
    images: 16,
    layerSize: 4 << 20,
    layersPerImage: 3,
    runs: 3,
    parallel: 4,
  });
  requireTool('skopeo', 'skopeo');
  requireTool('docker-registry', 'docker-registry');
  await printEnvironment([['skopeo', ['--version']]]);

  const source = await startBenchRegistry();
  const seed = await seedMultiArch(source, options);
  console.log(`source    ${source.url}: ${describeSeed(seed, options)}`);

  const work = tempDir('pull');
  const ferryTimes: number[] = [];
  const ferryRss: number[] = [];
  const skopeoTimes: number[] = [];
  let ferryBytes = 0;
  let skopeoBytes = 0;
  for (let round = 1; round <= options.runs; round++) {
    // Each side starts from an empty folder; the registry's files are in the page cache for both.
    const bundle = join(work, `ferry-${round}`);
    const pulled = await ferryPull(seed, bundle);
    ferryBytes = checkBundle(seed, bundle).totals.blobBytes;
    ferryTimes.push(pulled.seconds);
    ferryRss.push(pulled.peakRssBytes);
    rmSync(bundle, { recursive: true, force: true });

    const layouts = join(work, `skopeo-${round}`);
    const skopeoSeconds = await skopeoPull(seed, layouts, options.parallel);
    checkSkopeoLayouts(seed, layouts);
    skopeoBytes = treeBytes(layouts);
    skopeoTimes.push(skopeoSeconds);
    rmSync(layouts, { recursive: true, force: true });
    console.log(
      `round ${round}/${options.runs}: ferry ${seconds(pulled.seconds)}, skopeo ${seconds(skopeoSeconds)}`,
    );
  }

  const ferry = median(ferryTimes);
  const skopeo = median(skopeoTimes);
  const r = ferry / skopeo;
  const peakRss = Math.max(...ferryRss);
  printTable(`pull of ${seed.images.length} images — median of ${options.runs} runs per side`, [
    ['', 'ferry', `skopeo (${options.parallel} at a time)`, 'ferry/skopeo', 'goal', ''],
    ['time (median)', seconds(ferry), seconds(skopeo), ratio(r), `≤ ${RATIO_GOAL}`, goal(r <= RATIO_GOAL)],
    ['runs', runList(ferryTimes), runList(skopeoTimes), '', '', ''],
    ['bytes moved', mb(ferryBytes), mb(skopeoBytes), '', '', ''],
    [
      'throughput',
      `${(ferryBytes / MB / ferry).toFixed(0)} MB/s`,
      `${(skopeoBytes / MB / skopeo).toFixed(0)} MB/s`,
      '',
      '',
      '',
    ],
    ['peak RSS (max)', mb(peakRss), '', '', '< 300 MB', goal(peakRss < RSS_GOAL)],
  ]);
  console.log(
    '\nferry: one bundle, shared blobs once, chunk size 700MiB, default concurrency; ' +
      'skopeo: copy --all --preserve-digests, one OCI layout per image (shared base layer once per layout).',
  );
});
