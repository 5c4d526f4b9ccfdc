// Worker thread: SHA-256 (and, when asked, Streebog-256) of whole files in one read each, so chunk
// files are hashed on other cores while the main thread keeps downloading or checking. Stays alive
// for many requests; the parent terminates it.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { Streebog256, toHex } from './streebog.ts';

export interface FileHashRequest {
  id: number;
  file: string;
  gost: boolean;
}

/**
 * One buffer, read into again and again: a stream's new 4 MiB Buffer per read left hundreds of MB
 * of garbage behind for a large chunk, resident until the worker's next collection. Requests take
 * turns on it (see `turn`).
 */
const buffer = Buffer.allocUnsafe(4 << 20);
let turn: Promise<unknown> = Promise.resolve();

async function hashFile(req: FileHashRequest) {
  const hash = createHash('sha256');
  const streebog = req.gost ? new Streebog256() : undefined;
  const file = await open(req.file, 'r');
  try {
    for (let n; (n = (await file.read(buffer, 0, buffer.length, null)).bytesRead) > 0;) {
      hash.update(buffer.subarray(0, n));
      streebog?.update(buffer.subarray(0, n));
    }
  } finally {
    await file.close();
  }
  return { sha256: hash.digest('hex'), ...(streebog ? { streebog256: toHex(streebog.digest()) } : {}) };
}

parentPort?.on('message', (req: FileHashRequest) => {
  turn = turn.then(async () => {
    try {
      parentPort?.postMessage({ id: req.id, ...(await hashFile(req)) });
    } catch (err) {
      parentPort?.postMessage({ id: req.id, error: (err as Error).message });
    }
  });
});
