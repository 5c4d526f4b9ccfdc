// Runs hash-files-worker.ts and collects its answers.
import { Worker } from 'node:worker_threads';

export interface FileHashes {
  sha256?: string;
  /** Only for the files asked for in `gost`. */
  streebog256?: string;
  error?: string;
}

/** SHA-256 of every file, and Streebog-256 too of those in `gost` (one read of each file). */
export function hashFilesInWorker(files: string[], gost: string[] = []): Promise<Map<string, FileHashes>> {
  const results = new Map<string, FileHashes>();
  if (files.length === 0) return Promise.resolve(results);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./hash-files-worker.ts', import.meta.url), {
      workerData: { files, gost },
    });
    worker.on('message', (m: FileHashes & { file: string }) => results.set(m.file, m));
    worker.on('error', reject);
    worker.on('exit', (code) =>
      code === 0 ? resolve(results) : reject(new Error(`hash worker exited with ${code}`)),
    );
  });
}
