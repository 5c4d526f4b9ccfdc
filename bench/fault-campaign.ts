// The reliability campaign of issue 16, rerunnable: N trials of each fault, and the rate at which
// Ferry comes through it, printed per fault.
//
// - kill -9 of `ferry pull` at a random moment (uniform over an uninterrupted pull's wall time,
//   start-up included), then the same command again: does the rerun complete, does the bundle
//   verify, does history hold one finished pull (no dangling "unfinished" one), is the audit clean?
// - a 10% rate of connections dropped mid-body on every registry GET during a pull, and on blob and
//   manifest uploads and answers during a push (the fault server): does the job complete?
// - keyless ledger forgeries (test/support/ledger-forgery.ts): entries appended after the signed
//   head, an entry edited and the chain recomputed, keys/ swapped for the forger's key with a head
//   it signs, a key change signed by the forger: does `audit verify` detect each?
//
// Usage: node bench/fault-campaign.ts [--trials N] [--seed S]   (npm run bench:faults)
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OperationSummary } from '../electron/engine/ledger/history.ts';
import { auditLedger } from '../electron/engine/ledger/audit.ts';
import { closeLedgers, Ledger } from '../electron/engine/ledger/ledger.ts';
import { addOneLayerImage, startFaultServer, type FaultServer } from '../test/harness/fault-server.ts';
import { seedGeneric } from '../test/harness/seed-generic.ts';
import { forgeAppend, forgeEdit, forgeKeySwap, forgeRotation } from '../test/support/ledger-forgery.ts';
import { ferryProcess, type ProcessRun } from '../test/support/cli.ts';
import { BenchFailure, loadNote, runBench, startBenchRegistry, tempDir } from './common.ts';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '10' }, seed: { type: 'string', default: '16' } },
});
const TRIALS = Number(values.trials);
const SEED = Number(values.seed);
if (!Number.isInteger(TRIALS) || TRIALS < 1 || !Number.isInteger(SEED))
  throw new BenchFailure('usage: node bench/fault-campaign.ts [--trials N] [--seed S]');

/** mulberry32: the same seed draws the same kill moments and forgeries. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(SEED);

const rate = (n: number) => `${n}/${TRIALS} (${Math.round((100 * n) / TRIALS)}%)`;
const work = tempDir('faults');
let folders = 0;
const folder = (what: string) => join(work, `${what}-${folders++}`);

async function pullsIn(home: string): Promise<OperationSummary[]> {
  const r = await ferryProcess(['history', '--json', '--direction', 'pull'], { env: { FERRY_HOME: home } });
  if (r.code !== 0) throw new BenchFailure(`ferry history failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as OperationSummary[];
}

async function killCampaign(): Promise<void> {
  const registry = await startBenchRegistry();
  const seed = await seedGeneric(registry, { images: 8, layerSize: 1 << 20, layersPerImage: 2 });
  const args = (dir: string) => [
    'pull',
    dir,
    ...seed.imageRefs.flatMap((r) => ['--image', r]),
    '--insecure',
    '--chunk-size',
    '4MiB',
  ];
  const started = performance.now();
  const whole = await ferryProcess(args(folder('whole')), { env: { FERRY_HOME: folder('home') } });
  const wallMs = performance.now() - started;
  if (whole.code !== 0) throw new BenchFailure(`an uninterrupted pull failed: ${whole.stderr.trim()}`);

  // A moment drawn after the pull had already finished kills nothing: drawn again (counted apart).
  let finishedFirst = 0;
  let completed = 0;
  let verified = 0;
  let oneFinished = 0;
  let auditClean = 0;
  for (let i = 0; i < TRIALS;) {
    const dir = folder('killed');
    const home = folder('home');
    const env = { FERRY_HOME: home };
    const at = Math.round(random() * wallMs);
    const first = await ferryProcess(args(dir), { env, killAfterMs: at });
    if (first.signal !== 'SIGKILL') {
      if (++finishedFirst > 3 * TRIALS) throw new BenchFailure('the pulls finish before any kill lands');
      continue;
    }
    i++;
    const again = await ferryProcess(args(dir), { env });
    if (again.code !== 0) {
      console.log(
        `  trial ${i}: killed at ${at} ms, rerun exit ${again.code}: ${again.stderr.trim().split('\n').at(-1)}`,
      );
      continue;
    }
    completed++;
    if ((await ferryProcess(['verify', dir], { env })).code === 0) verified++;
    const pulls = await pullsIn(home);
    if (pulls.length === 1 && pulls[0]!.status === 'succeeded') oneFinished++;
    else console.log(`  trial ${i}: killed at ${at} ms, history: ${pulls.map((p) => p.status).join(', ')}`);
    if ((await ferryProcess(['audit', 'verify'], { env })).code === 0) auditClean++;
  }
  console.log(`kill -9 of a pull at a random moment (0–${Math.round(wallMs)} ms), then the same command:`);
  console.log(`  (${finishedFirst} moment(s) drawn after the pull had finished: drawn again)`);
  console.log(`  rerun completed                ${rate(completed)}`);
  console.log(`  bundle verifies                ${rate(verified)}`);
  console.log(`  history: one finished pull     ${rate(oneFinished)}`);
  console.log(`  audit verify clean             ${rate(auditClean)}`);
}

// Faults are drawn before the token check: aim them at requests that carry a token.
const authorized = (req: IncomingMessage) => req.headers.authorization !== undefined;
const drop = { when: authorized, rate: 0.1, action: { kind: 'drop-mid-body' } } as const;

async function withFaultServer<T>(seed: number, work: (server: FaultServer) => Promise<T>): Promise<T> {
  const server = await startFaultServer({ auth: 'bearer', referrersApi: false, seed });
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

function addImages(server: FaultServer): string[] {
  return Array.from(
    { length: 8 },
    (_, i) => addOneLayerImage(server, `vendor/img-${i}`, '1.0', randomBytes(256 << 10)).ref,
  );
}

const last = (r: ProcessRun) => r.stderr.trim().split('\n').at(-1);

async function resetCampaign(): Promise<void> {
  const pulled = await withFaultServer(SEED, async (server) => {
    const refs = addImages(server);
    server.inject({ ...drop, method: 'GET', path: /^\/v2\/.+/ });
    let completed = 0;
    let verified = 0;
    for (let i = 0; i < TRIALS; i++) {
      const dir = folder('resets');
      const env = { FERRY_HOME: folder('home') };
      const r = await ferryProcess(['pull', dir, ...refs.flatMap((x) => ['--image', x]), '--insecure'], {
        env,
      });
      if (r.code !== 0) {
        console.log(`  pull trial ${i}: exit ${r.code}: ${last(r)}`);
        continue;
      }
      completed++;
      if ((await ferryProcess(['verify', dir], { env })).code === 0) verified++;
    }
    return { completed, verified, hits: server.faultHits()[0] ?? 0 };
  });
  console.log('a 10% rate of connections dropped mid-body on every registry GET, during a pull:');
  console.log(`  pull completed                 ${rate(pulled.completed)}`);
  console.log(
    `  bundle verifies                ${rate(pulled.verified)}  (${pulled.hits} connections dropped)`,
  );

  const pushed = await withFaultServer(SEED + 1, async (server) => {
    const refs = addImages(server);
    const bundle = folder('push-bundle');
    const env = { FERRY_HOME: folder('home') };
    const r = await ferryProcess(['pull', bundle, ...refs.flatMap((x) => ['--image', x]), '--insecure'], {
      env,
    });
    if (r.code !== 0) throw new BenchFailure(`the bundle to push could not be pulled: ${last(r)}`);
    server.inject({ ...drop, method: 'PUT', path: /\/blobs\/uploads\// });
    server.inject({ ...drop, method: 'PATCH', path: /\/blobs\/uploads\// });
    server.inject({ ...drop, method: 'PUT', path: /\/manifests\// });
    server.inject({ ...drop, method: 'GET', path: /^\/v2\/.+/ });
    let completed = 0;
    for (let i = 0; i < TRIALS; i++) {
      const p = await ferryProcess(['push', bundle, `${server.host}/campaign-${i}`, '--insecure'], { env });
      if (p.code === 0) completed++;
      else console.log(`  push trial ${i}: exit ${p.code}: ${last(p)}`);
    }
    return { completed, hits: server.faultHits().reduce((a, b) => a + b, 0) };
  });
  console.log('the same on blob and manifest uploads and on answers, during a push:');
  console.log(
    `  push completed                 ${rate(pushed.completed)}  (${pushed.hits} connections dropped)`,
  );
}

function forgeryCampaign(): void {
  const fill = (ledger: Ledger, operations: number) => {
    for (let i = 0; i < operations; i++)
      ledger.append({ operationId: `op-${i}`, transferId: `t-${i}` }, [
        { kind: 'operation', subject: 'pull', body: { direction: 'pull', n: i } },
        { kind: 'image', subject: `registry.example/app-${i}:1`, body: { n: i } },
        { kind: 'outcome', subject: 'succeeded', body: { status: 'succeeded' } },
      ]);
  };
  const forgeries: Array<[string, (home: string, entries: number) => void]> = [
    ['entries appended after the signed head', (h) => void forgeAppend(h, 1 + Math.floor(random() * 3))],
    ['an entry edited, the chain recomputed', (h, n) => forgeEdit(h, 2 + Math.floor(random() * (n - 1)))],
    ["keys/ swapped for the forger's key", (h) => void forgeKeySwap(h)],
    ['a key change signed by the forger', (h) => void forgeRotation(h)],
  ];
  console.log('keyless ledger forgeries, detected by audit verify:');
  for (const [name, forge] of forgeries) {
    let detected = 0;
    for (let i = 0; i < TRIALS; i++) {
      const home = folder('ledger');
      const ledger = Ledger.open(home);
      fill(ledger, 2 + Math.floor(random() * 5));
      if (!auditLedger(ledger).ok) throw new BenchFailure('a fresh ledger does not audit clean');
      const entries = ledger.run(
        (db) => (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n,
      );
      closeLedgers();
      forge(home, entries);
      if (!auditLedger(Ledger.open(home)).ok) detected++;
      closeLedgers();
    }
    console.log(`  ${name.padEnd(40)} ${rate(detected)}`);
  }
}

runBench(async () => {
  console.log(`fault campaign: ${TRIALS} trial(s) of each fault, seed ${SEED}; ${loadNote()}`);
  await killCampaign();
  await resetCampaign();
  forgeryCampaign();
});
