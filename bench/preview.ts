// Image-list preview speed: the desktop app's Images step previewing a 300-line list against a
// loopback registry, through the same function the `images:preview` handler calls (every line
// parsed, every image resolved: index, platform manifests, signature and referrer look-ups; no layer
// is downloaded). Two of the lines are typos, as in a list typed by hand: they are named per line
// and do not stop the rest.
// Usage: npm run bench:preview -- [--images 300] [--runs 3]
// Prints the seconds of each round, the median and whether it meets the goal (< 3 s). Exits non-zero
// only when something is broken (an image that should resolve does not, a typo is not reported).
import { previewSelection } from '../electron/main/handlers/selection.ts';
import {
  BenchFailure,
  benchOptions,
  describeSeed,
  goal,
  median,
  printTable,
  runBench,
  runList,
  seconds,
  seedMultiArch,
  startBenchRegistry,
  timed,
} from './common.ts';

const GOAL_SECONDS = 3;

runBench(async () => {
  const options = benchOptions('npm run bench:preview -- [options]', {
    images: 300,
    layerSize: 4096,
    layersPerImage: 1,
    runs: 3,
    parallel: 1,
  });
  const registry = await startBenchRegistry();
  const seed = await seedMultiArch(registry, options);
  const lines = seed.images.map((i) => `${i.repository}:${i.tag}`);
  // Two typos among the lines: one not an image name, one not in the registry.
  lines[10] = 'Bench/Upper-Case:1.0';
  lines[20] = `${seed.images[20]!.repository}:no-such-tag`;
  const selection = {
    source: { registry: registry.host, insecure: true, tlsSkipVerify: false },
    images: lines,
    platforms: [],
    signatures: true,
  };
  const rounds: number[] = [];
  for (let round = 0; round < options.runs; round++) {
    const { seconds: took, value: preview } = await timed(() =>
      previewSelection(selection, {
        transport: { insecure: true },
        signatures: true,
        signal: new AbortController().signal,
      }),
    );
    if (preview.images.length !== lines.length - 2)
      throw new BenchFailure(`${preview.images.length} images resolved, expected ${lines.length - 2}`);
    const failed = preview.failed.map((f) => f.input).sort();
    if (failed.join() !== [lines[10], lines[20]].sort().join())
      throw new BenchFailure(`the typos were not both named: ${failed.join(', ')}`);
    rounds.push(took);
  }
  const mid = median(rounds);
  console.log(describeSeed(seed, options));
  printTable(`Preview of ${lines.length} lines (2 typos) against a loopback registry`, [
    ['rounds', runList(rounds)],
    ['median', seconds(mid)],
    [`goal < ${GOAL_SECONDS} s`, goal(mid < GOAL_SECONDS)],
  ]);
});
