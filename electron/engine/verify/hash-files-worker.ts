// Worker thread: SHA-256 of whole files (the chunk files), so that checking the chunks against the
// transfer manifest runs on the second core while the main thread checks every blob digest. Files
// with a .gostsum sidecar get their Streebog-256 in the same read.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Streebog256, toHex } from '../hash/streebog.ts';

const { files, gost = [] } = workerData as { files: string[]; gost?: string[] };
const wantsGost = new Set(gost);
for (const file of files) {
  const hash = createHash('sha256');
  const streebog = wantsGost.has(file) ? new Streebog256() : undefined;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
      hash.update(chunk as Buffer);
      streebog?.update(chunk as Buffer);
    }
    parentPort?.postMessage({
      file,
      sha256: hash.digest('hex'),
      ...(streebog ? { streebog256: toHex(streebog.digest()) } : {}),
    });
  } catch (err) {
    parentPort?.postMessage({ file, error: (err as Error).message });
  }
}
