// Worker thread: SHA-256 of whole files (the chunk files), so that checking the chunks against the
// transfer manifest runs on the second core while the main thread checks every blob digest.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const files = (workerData as { files: string[] }).files;
for (const file of files) {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 }))
      hash.update(chunk as Buffer);
    parentPort?.postMessage({ file, sha256: hash.digest('hex') });
  } catch (err) {
    parentPort?.postMessage({ file, error: (err as Error).message });
  }
}
