// Push speed: `ferry push` of a bundle against skopeo copying the same images from one OCI layout
// each, a few at a time, into a loopback HTTP registry, in one run. Both sides read what was pulled
// once (untimed) from a seeded registry, and every timed round pushes into a registry started empty
// for that side and that round, so nothing is ever already there (a new port also keeps skopeo's
// blob-info cache from offering cross-repository mounts from an earlier round).
// Usage: npm run bench:push -- [--images 16] [--layer-size 4MiB] [--layers 3] [--runs 3] [--parallel 4]
// Prints the median of the runs, the ratio ferry/skopeo (goal ≤ 0.5) and ferry/plain upload (the
// same distinct blobs uploaded by a bare client, bench/limits.ts, goal ≤ 2), CPU seconds of each side and
// of the target registry, and ferry's peak RSS (goal < 300 MB). Exits non-zero only when something
// is broken: a command fails, a digest differs.
import { join } from 'node:path';
import {
  checkBundle,
  checkPushed,
  checkSkopeoLayouts,
  ferryPull,
  mb,
  type MultiArchSeed,
  peerBatch,
  type PeerRun,
  printVersusSkopeo,
  runBench,
  runFerry,
  seconds,
  skopeoLayout,
  skopeoPull,
  startBenchRegistry,
  startSkopeoComparison,
  stopRegistry,
  tempDir,
  treeBytes,
  withRegistryCpu,
} from './common.ts';
import { plainUpload } from './limits.ts';

/** Every image from its own OCI layout to `<host>/skopeo/<repository>:<tag>`, `parallel` at a time. */
function skopeoPush(seed: MultiArchSeed, layouts: string, host: string, parallel: number): Promise<PeerRun> {
  return peerBatch(seed, parallel, (image, i) => [
    'skopeo',
    [
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      skopeoLayout(layouts, i, image),
      `docker://${host}/skopeo/${image.repository}:${image.tag}`,
    ],
  ]);
}

runBench(async () => {
  const { options, source, seed } = await startSkopeoComparison('npm run bench:push -- [options]');

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

  const ferry = {
    times: [] as number[],
    cpu: [] as number[],
    registryCpu: [] as number[],
    rss: [] as number[],
  };
  const skopeo = { times: [] as number[], cpu: [] as number[], registryCpu: [] as number[] };
  const plain: number[] = [];
  for (let round = 1; round <= options.runs; round++) {
    const ferryTarget = await startBenchRegistry();
    const pushed = await withRegistryCpu(ferryTarget, () =>
      runFerry(['push', bundle, `${ferryTarget.host}/ferry`, '--insecure']),
    );
    await checkPushed(ferryTarget, 'ferry', seed);
    await stopRegistry(ferryTarget);
    ferry.times.push(pushed.value.seconds);
    ferry.cpu.push(pushed.value.cpuSeconds);
    ferry.rss.push(pushed.value.peakRssBytes);
    ferry.registryCpu.push(pushed.registryCpu);

    const skopeoTarget = await startBenchRegistry();
    const copied = await withRegistryCpu(skopeoTarget, () =>
      skopeoPush(seed, layouts, skopeoTarget.host, options.parallel),
    );
    await checkPushed(skopeoTarget, 'skopeo', seed);
    await stopRegistry(skopeoTarget);
    skopeo.times.push(copied.value.seconds);
    skopeo.cpu.push(copied.value.cpuSeconds);
    skopeo.registryCpu.push(copied.registryCpu);
    const plainTarget = await startBenchRegistry();
    plain.push(await plainUpload(seed, layouts, plainTarget.host, 'plain'));
    await checkPushed(plainTarget, 'plain', seed);
    await stopRegistry(plainTarget);
    console.log(
      `round ${round}/${options.runs}: ferry ${seconds(pushed.value.seconds)}, ` +
        `skopeo ${seconds(copied.value.seconds)}, plain upload ${seconds(plain.at(-1)!)}`,
    );
  }

  printVersusSkopeo(
    `push of ${seed.images.length} images into an empty registry — median of ${options.runs} runs per side`,
    options.parallel,
    ferry,
    skopeo,
    {
      label: 'bytes read',
      ferry: ferryBytes,
      skopeo: skopeoBytes,
    },
    {
      label: 'a plain upload of the same distinct blobs (POST + PUT, 8 at a time, mounts, manifests)',
      times: plain,
      goal: 2,
    },
  );
  console.log(
    '\nferry: push <bundle> <host>/ferry --insecure, default concurrency, blobs read out of the chunks; ' +
      'skopeo: copy --all --preserve-digests from one OCI layout per image (bytes read counts the shared base ' +
      'layer once per layout). CPU = user + system seconds; client and registry share the same cores.',
  );
});
