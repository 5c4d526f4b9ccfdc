// Pull speed: `ferry pull` of every seeded image into one bundle against skopeo copying the same
// images into one OCI layout each, a few at a time, from one loopback HTTP registry, in one run.
// Usage: npm run bench:pull -- [--images 16] [--layer-size 4MiB] [--layers 3] [--runs 3] [--parallel 4]
// Prints the median of the runs, the ratio ferry/skopeo (goal ≤ 0.5) and ferry/curl (the same
// distinct blobs fetched by curl 8 at a time, goal ≤ 3), bytes moved, CPU seconds of
// each side and of the registry, and ferry's peak RSS (goal < 300 MB). Beside them, no goal of its
// own: the same bytes fetched, hashed, written into one file and synced by a bare undici loop, the
// least any Node program that keeps them checked and on disk does. Exits non-zero only when
// something is broken: a command fails, a digest differs.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkBundle,
  checkSkopeoLayouts,
  ferryPull,
  median,
  printTable,
  printVersusSkopeo,
  ratio,
  runBench,
  runList,
  seconds,
  skopeoPull,
  startSkopeoComparison,
  tempDir,
  treeBytes,
  withRegistryCpu,
} from './common.ts';
import { curlFetch, nodeFetchWrite } from './limits.ts';

runBench(async () => {
  const { options, source, seed } = await startSkopeoComparison('npm run bench:pull -- [options]');

  const work = tempDir('pull');
  const ferry = {
    times: [] as number[],
    cpu: [] as number[],
    registryCpu: [] as number[],
    rss: [] as number[],
  };
  const skopeo = { times: [] as number[], cpu: [] as number[], registryCpu: [] as number[] };
  const curl: number[] = [];
  const node: number[] = [];
  let ferryBytes = 0;
  let skopeoBytes = 0;
  for (let round = 1; round <= options.runs; round++) {
    // Each side starts from an empty folder; the registry's files are in the page cache for both.
    const bundle = join(work, `ferry-${round}`);
    const pulled = await withRegistryCpu(source, () => ferryPull(seed, bundle));
    ferryBytes = checkBundle(seed, bundle).totals.blobBytes;
    ferry.times.push(pulled.value.seconds);
    ferry.cpu.push(pulled.value.cpuSeconds);
    ferry.rss.push(pulled.value.peakRssBytes);
    ferry.registryCpu.push(pulled.registryCpu);
    rmSync(bundle, { recursive: true, force: true });

    const layouts = join(work, `skopeo-${round}`);
    const copied = await withRegistryCpu(source, () => skopeoPull(seed, layouts, options.parallel));
    checkSkopeoLayouts(seed, layouts);
    skopeoBytes = treeBytes(layouts);
    skopeo.times.push(copied.value.seconds);
    skopeo.cpu.push(copied.value.cpuSeconds);
    skopeo.registryCpu.push(copied.registryCpu);
    rmSync(layouts, { recursive: true, force: true });
    curl.push(await curlFetch(seed, source.host, work));
    node.push(await nodeFetchWrite(seed, source.host, work));
    console.log(
      `round ${round}/${options.runs}: ferry ${seconds(pulled.value.seconds)}, ` +
        `skopeo ${seconds(copied.value.seconds)}, curl ${seconds(curl.at(-1)!)}, ` +
        `node fetch+hash+write ${seconds(node.at(-1)!)}`,
    );
  }

  printVersusSkopeo(
    `pull of ${seed.images.length} images — median of ${options.runs} runs per side`,
    options.parallel,
    ferry,
    skopeo,
    {
      label: 'bytes moved',
      ferry: ferryBytes,
      skopeo: skopeoBytes,
    },
    { label: 'curl fetching the same distinct blobs and manifests, 8 at a time', times: curl, goal: 3 },
  );
  const ferryTime = median(ferry.times);
  printTable(
    'beside it: a bare undici loop, 16 at a time, checking each sha256 and writing one synced file',
    [
      ['', 'ferry', 'node loop', 'ferry/node', 'node/curl', 'node/skopeo'],
      [
        'time (median)',
        seconds(ferryTime),
        seconds(median(node)),
        ratio(ferryTime / median(node)),
        ratio(median(node) / median(curl)),
        ratio(median(node) / median(skopeo.times)),
      ],
      ['runs', runList(ferry.times), runList(node), '', '', ''],
    ],
  );
  console.log(
    '\nferry: one bundle, shared blobs once, chunk size 700MiB, default concurrency; ' +
      'skopeo: copy --all --preserve-digests, one OCI layout per image (shared base layer once per layout). ' +
      'CPU = user + system seconds; client and registry share the same cores.',
  );
});
