// Start-up of the distributed CLI: `ferry --version` from a freshly built linux-x64 distribution
// against `node -e 0` on the same bundled Node, side by side in one run (goal: ferry ≤ 2× node).
// Usage: npm run bench:startup -- [--runs 31]
// Interleaved, best of the runs each: other work on the machine slows both alike, and the fastest
// run is the one least disturbed by it. Exits non-zero only when something is broken.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildDist } from '../scripts/build-dist.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '31' } } });
const runs = Number(values.runs);

const work = mkdtempSync(join(tmpdir(), 'ferry-bench-startup-'));
try {
  const dist = await buildDist({ platforms: ['linux-x64'], outDir: join(work, 'release'), archives: false });
  const top = dist.trees['linux-x64'];
  if (!top) throw new Error('the distribution build made no linux-x64 folder');
  const time = async (file: string, args: string[]) => {
    const t = process.hrtime.bigint();
    await run(file, args, { env: { PATH: '/usr/bin:/bin' }, cwd: work });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  let node = Infinity;
  let ferry = Infinity;
  for (let i = 0; i < runs; i++) {
    node = Math.min(node, await time(join(top, 'bin', 'node'), ['-e', '0']));
    ferry = Math.min(ferry, await time(join(top, 'ferry'), ['--version']));
  }
  console.log(`| command (best of ${runs}) | ms |`);
  console.log('| --- | --- |');
  console.log(`| node -e 0 (the distribution's Node) | ${node.toFixed(1)} |`);
  console.log(`| ferry --version | ${ferry.toFixed(1)} |`);
  console.log(`| ratio ferry / node (goal ≤ 2) | ${(ferry / node).toFixed(2)} |`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
