// Pull over a simulated WAN: a loopback registry behind test/harness/wan-proxy.ts (round-trip time and a
// shared bandwidth cap), `ferry pull` against skopeo (4 images at a time) and curl fetching the same
// distinct blobs 8 at a time, with the link limit (distinct bytes ÷ bandwidth), in one run.
// Two scenarios (issue 11):
//   small: 50 ms RTT, 200 Mbit/s, 30 small multi-arch images — goals ferry ≤ 3× limit, ≤ 0.3× skopeo
//   large: 20 ms RTT, 400 Mbit/s, 16 large multi-arch images — goal ferry ≤ 1.15× limit
// Usage: npm run bench:wan -- [--scenario small|large|both] [--runs 2] [--parallel 4]
// Also prints how many requests of each kind every tool made (counted in the proxy).
// Exits non-zero only when something is broken (a command fails, a digest differs).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BenchFailure,
  checkBundle,
  checkSkopeoLayouts,
  describeSeed,
  ferryPull,
  goal,
  median,
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
  stopRegistry,
  tempDir,
  type BenchOptions,
  type MultiArchSeed,
} from './common.ts';
import { curlFetch } from './limits.ts';
import { formatRequests, WanProxy, type WanLink } from '../test/harness/wan-proxy.ts';

interface Scenario {
  name: string;
  link: WanLink;
  seed: BenchOptions;
  goals: { limit: number; skopeo?: number };
}

const SCENARIOS: Record<string, Scenario> = {
  small: {
    name: 'small',
    link: { rttMs: 50, mbitPerSecond: 200 },
    seed: { images: 30, layerSize: 256 << 10, layersPerImage: 1, runs: 2, parallel: 4 },
    goals: { limit: 3, skopeo: 0.3 },
  },
  large: {
    name: 'large',
    link: { rttMs: 20, mbitPerSecond: 400 },
    seed: { images: 16, layerSize: 4 << 20, layersPerImage: 2, runs: 2, parallel: 4 },
    goals: { limit: 1.15 },
  },
};

/** The seed with every reference pointing at the proxy instead of the registry. */
function throughProxy(seed: MultiArchSeed, registryHost: string, proxyHost: string): MultiArchSeed {
  return {
    ...seed,
    images: seed.images.map((i) => ({ ...i, ref: i.ref.replace(registryHost, proxyHost) })),
  };
}

async function runScenario(scenario: Scenario, runs: number, parallel: number): Promise<void> {
  const registry = await startBenchRegistry();
  const seed = await seedMultiArch(registry, scenario.seed);
  const proxy = await new WanProxy(registry.host, scenario.link).start();
  const viaProxy = throughProxy(seed, registry.host, proxy.host);
  const { rttMs, mbitPerSecond } = scenario.link;
  console.log(
    `\n== ${scenario.name}: ${rttMs} ms RTT, ${mbitPerSecond} Mbit/s (proxy ${proxy.host} → ${registry.host})`,
  );
  console.log(`source    ${describeSeed(seed, scenario.seed)}`);
  const limit = (seed.uniqueBytes * 8) / (mbitPerSecond * 1e6);
  const work = tempDir(`wan-${scenario.name}`);
  const ferry: number[] = [];
  const ferryCpu: number[] = [];
  const skopeo: number[] = [];
  const curl: number[] = [];
  let ferryRequests = new Map<string, number>();
  let skopeoRequests = new Map<string, number>();
  let ferryConnections = 0;
  let skopeoConnections = 0;
  let curlRequests = 0;
  try {
    for (let round = 1; round <= runs; round++) {
      const bundle = join(work, `ferry-${round}`);
      proxy.reset();
      const pulled = await ferryPull(viaProxy, bundle);
      ferryRequests = new Map(proxy.requests);
      ferryConnections = proxy.connections;
      checkBundle(viaProxy, bundle);
      rmSync(bundle, { recursive: true, force: true });
      ferry.push(pulled.seconds);
      ferryCpu.push(pulled.cpuSeconds);

      const layouts = join(work, `skopeo-${round}`);
      proxy.reset();
      const copied = await skopeoPull(viaProxy, layouts, parallel);
      skopeoRequests = new Map(proxy.requests);
      skopeoConnections = proxy.connections;
      checkSkopeoLayouts(viaProxy, layouts);
      rmSync(layouts, { recursive: true, force: true });
      skopeo.push(copied.seconds);

      proxy.reset();
      curl.push(await curlFetch(seed, proxy.host, work));
      curlRequests = proxy.totalRequests();
      console.log(
        `round ${round}/${runs}: ferry ${seconds(pulled.seconds)}, skopeo ${seconds(copied.seconds)}, ` +
          `curl ${seconds(curl[curl.length - 1]!)}`,
      );
    }
  } finally {
    await proxy.stop();
    await stopRegistry(registry);
  }
  const f = median(ferry);
  const vsLimit = f / limit;
  const vsSkopeo = f / median(skopeo);
  printTable(`${scenario.name}: pull of ${seed.images.length} images — median of ${runs} runs`, [
    ['', 'ferry', `skopeo (${parallel} at a time)`, 'curl (8 at a time)', 'link limit'],
    ['time (median)', seconds(f), seconds(median(skopeo)), seconds(median(curl)), seconds(limit)],
    ['runs', runList(ferry), runList(skopeo), runList(curl), ''],
    [
      'requests',
      String([...ferryRequests.values()].reduce((a, b) => a + b, 0)),
      String([...skopeoRequests.values()].reduce((a, b) => a + b, 0)),
      String(curlRequests),
      '',
    ],
    ['connections', String(ferryConnections), String(skopeoConnections), '', ''],
    ['client CPU', runList(ferryCpu), '', '', ''],
  ]);
  printTable('goals', [
    ['ferry/limit', ratio(vsLimit), `≤ ${scenario.goals.limit}`, goal(vsLimit <= scenario.goals.limit)],
    ...(scenario.goals.skopeo === undefined
      ? []
      : [
          [
            'ferry/skopeo',
            ratio(vsSkopeo),
            `≤ ${scenario.goals.skopeo}`,
            goal(vsSkopeo <= scenario.goals.skopeo),
          ],
        ]),
    ['ferry/curl', ratio(f / median(curl)), '', ''],
  ]);
  console.log(`\nferry requests (last run):  ${formatRequests(ferryRequests).join(', ')}`);
  console.log(`skopeo requests (last run): ${formatRequests(skopeoRequests).join(', ')}`);
}

runBench(async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      scenario: { type: 'string', default: 'both' },
      runs: { type: 'string', default: '2' },
      parallel: { type: 'string', default: '4' },
    },
    strict: true,
  });
  const names = values.scenario === 'both' ? ['small', 'large'] : [values.scenario];
  const scenarios = names.map((n) => {
    const s = SCENARIOS[n];
    if (!s) throw new BenchFailure(`--scenario '${n}': choose small, large or both`);
    return s;
  });
  const runs = Number(values.runs);
  const parallel = Number(values.parallel);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(parallel) || parallel < 1) {
    throw new BenchFailure('--runs and --parallel must be whole numbers ≥ 1');
  }
  requireTool('skopeo', 'skopeo');
  requireTool('curl', 'curl');
  requireTool('docker-registry', 'docker-registry');
  await printEnvironment([
    ['skopeo', ['--version']],
    ['curl', ['--version']],
  ]);
  for (const scenario of scenarios) await runScenario(scenario, runs, parallel);
});
