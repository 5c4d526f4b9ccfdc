// Worker thread: SHA-256 (and, when asked, Streebog-256) of whole files in one read each, so chunk
// files are hashed on other cores while the main thread keeps downloading or checking. Stays alive
// for many requests; the parent terminates it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Streebog256, toHex } from './streebog.ts';

export interface FileHashRequest {
  id: number;
  file: string;
  gost: boolean;
}

parentPort?.on('message', (req: FileHashRequest) => {
  void (async () => {
    const hash = createHash('sha256');
    const streebog = req.gost ? new Streebog256() : undefined;
    try {
      for await (const chunk of createReadStream(req.file, { highWaterMark: 4 << 20 })) {
        hash.update(chunk as Buffer);
        streebog?.update(chunk as Buffer);
      }
      parentPort?.postMessage({
        id: req.id,
        sha256: hash.digest('hex'),
        ...(streebog ? { streebog256: toHex(streebog.digest()) } : {}),
      });
    } catch (err) {
      parentPort?.postMessage({ id: req.id, error: (err as Error).message });
    }
  })();
});
