// Push speed: `ferry push` of a bundle against skopeo copying the same images from one OCI layout
// each, a few at a time, into a loopback HTTP registry, in one run. Both sides read what was pulled
// once (untimed) from a seeded registry, and every timed round pushes into a registry started empty
// for that side and that round, so nothing is ever already there.
// Usage: npm run bench:push -- [--images 16] [--layer-size 4MiB] [--layers 3] [--runs 3] [--parallel 4]
// Prints the median of the runs, the ratio ferry/skopeo (goal ≤ 0.5) and ferry's peak RSS
// (goal < 300 MB). Exits non-zero only when something is broken: a command fails, a digest differs.
import { join } from 'node:path';
import {
  benchOptions,
  checkBundle,
  checkPushed,
  checkSkopeoLayouts,
  describeSeed,
  ferryPull,
  goal,
  mb,
  median,
  MB,
  pool,
  printEnvironment,
  printTable,
  ratio,
  requireTool,
  run,
  runBench,
  runFerry,
  runList,
  seconds,
  seedMultiArch,
  skopeoLayout,
  skopeoPull,
  startBenchRegistry,
  stopRegistry,
  tempDir,
  timed,
  treeBytes,
  type MultiArchSeed,
} from './common.ts';

const RATIO_GOAL = 0.5;
const RSS_GOAL = 300 * MB;

/** Every image from its own OCI layout to `<host>/skopeo/<repository>:<tag>`, `parallel` at a time. */
async function skopeoPush(
  seed: MultiArchSeed,
  layouts: string,
  host: string,
  parallel: number,
): Promise<number> {
  const { seconds: took } = await timed(() =>
    pool(seed.images, parallel, (image, i) =>
      run('skopeo', [
        'copy',
        '--all',
        '--preserve-digests',
        '--dest-tls-verify=false',
        skopeoLayout(layouts, i, image),
        `docker://${host}/skopeo/${image.repository}:${image.tag}`,
      ]),
    ),
  );
  return took;
}

runBench(async () => {
  const options = benchOptions('npm run bench:push -- [options]', {
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

  // Untimed: the same images once into a ferry bundle and once into skopeo's OCI layouts.
  const work = tempDir('push');
  const bundle = join(work, 'bundle');
  await ferryPull(seed, bundle);
  const ferryBytes = checkBundle(seed, bundle).totals.blobBytes;
  const layouts = join(work, 'layouts');
  await skopeoPull(seed, layouts, options.parallel);
  checkSkopeoLayouts(seed, layouts);
  const skopeoBytes = treeBytes(layouts);
  await stopRegistry(source);
  console.log(
    `prepared  ferry bundle (${mb(ferryBytes)} of blobs) and ${seed.images.length} skopeo OCI layouts`,
  );

  const ferryTimes: number[] = [];
  const ferryRss: number[] = [];
  const skopeoTimes: number[] = [];
  for (let round = 1; round <= options.runs; round++) {
    const ferryTarget = await startBenchRegistry();
    const pushed = await runFerry(['push', bundle, `${ferryTarget.host}/ferry`, '--insecure']);
    await checkPushed(ferryTarget, 'ferry', seed);
    await stopRegistry(ferryTarget);
    ferryTimes.push(pushed.seconds);
    ferryRss.push(pushed.peakRssBytes);

    const skopeoTarget = await startBenchRegistry();
    const skopeoSeconds = await skopeoPush(seed, layouts, skopeoTarget.host, options.parallel);
    await checkPushed(skopeoTarget, 'skopeo', seed);
    await stopRegistry(skopeoTarget);
    skopeoTimes.push(skopeoSeconds);
    console.log(
      `round ${round}/${options.runs}: ferry ${seconds(pushed.seconds)}, skopeo ${seconds(skopeoSeconds)}`,
    );
  }

  const ferry = median(ferryTimes);
  const skopeo = median(skopeoTimes);
  const r = ferry / skopeo;
  const peakRss = Math.max(...ferryRss);
  printTable(
    `push of ${seed.images.length} images into an empty registry — median of ${options.runs} runs per side`,
    [
      ['', 'ferry', `skopeo (${options.parallel} at a time)`, 'ferry/skopeo', 'goal', ''],
      ['time (median)', seconds(ferry), seconds(skopeo), ratio(r), `≤ ${RATIO_GOAL}`, goal(r <= RATIO_GOAL)],
      ['runs', runList(ferryTimes), runList(skopeoTimes), '', '', ''],
      ['bytes read', mb(ferryBytes), mb(skopeoBytes), '', '', ''],
      [
        'throughput',
        `${(ferryBytes / MB / ferry).toFixed(0)} MB/s`,
        `${(skopeoBytes / MB / skopeo).toFixed(0)} MB/s`,
        '',
        '',
        '',
      ],
      ['peak RSS (max)', mb(peakRss), '', '', '< 300 MB', goal(peakRss < RSS_GOAL)],
    ],
  );
  console.log(
    '\nferry: push <bundle> <host>/ferry --insecure, default concurrency, blobs read out of the chunks; ' +
      'skopeo: copy --all --preserve-digests from one OCI layout per image (bytes read counts the shared base layer once per layout).',
  );
});
