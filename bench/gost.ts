// Streebog-256 speed: Ferry's gostsumFile against Debian's gost12sum on the same random file.
// Usage: node bench/gost.ts [MiB]   (default 256). Exits non-zero if the two checksums differ.
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gostsumFile } from '../electron/engine/hash/gostsum.ts';

const run = promisify(execFile);

function writeRandomFile(path: string, bytes: number): void {
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0;) {
      const n = Math.min(left, chunk.length);
      randomFillSync(chunk, 0, n);
      writeSync(fd, chunk, 0, n);
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

async function gost12sum(path: string): Promise<string> {
  try {
    const { stdout } = await run('gost12sum', [path], { encoding: 'utf8' });
    return stdout.split(' ')[0] ?? '';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('gost12sum is not installed: run apt-get install -y gostsum', { cause: err });
    }
    throw err;
  }
}

async function timed(fn: () => Promise<string>): Promise<{ hex: string; seconds: number }> {
  const start = performance.now();
  const hex = await fn();
  return { hex, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<number> {
  const mib = Number(process.argv[2] ?? 256);
  if (!Number.isInteger(mib) || mib <= 0) {
    console.error('usage: node bench/gost.ts [MiB]  (a positive whole number, default 256)');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-gost-'));
  try {
    const path = join(dir, 'random.bin');
    writeRandomFile(path, mib * 1024 * 1024);
    // The file was just written, so both readers get it from the page cache: this measures hashing.
    const reference = await timed(() => gost12sum(path));
    const ferry = await timed(() => gostsumFile(path));
    const referenceRate = mib / reference.seconds;
    const ferryRate = mib / ferry.seconds;
    console.log(`file       ${mib} MiB of random bytes`);
    console.log(`gost12sum  ${referenceRate.toFixed(1)} MiB/s  ${reference.hex}`);
    console.log(`ferry      ${ferryRate.toFixed(1)} MiB/s  ${ferry.hex}`);
    console.log(`ratio      ${(ferryRate / referenceRate).toFixed(2)} (ferry / gost12sum; goal >= 0.50)`);
    if (ferry.hex !== reference.hex) {
      console.error('MISMATCH: Ferry and gost12sum disagree on the checksum');
      return 1;
    }
    console.log('checksums  equal');
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  },
);
