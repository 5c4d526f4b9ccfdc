// Runs hash-files-worker.ts and collects its answers.
import { Worker } from 'node:worker_threads';

export function hashFilesInWorker(
  files: string[],
): Promise<Map<string, { sha256?: string; error?: string }>> {
  const results = new Map<string, { sha256?: string; error?: string }>();
  if (files.length === 0) return Promise.resolve(results);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./hash-files-worker.ts', import.meta.url), { workerData: { files } });
    worker.on('message', (m: { file: string; sha256?: string; error?: string }) => results.set(m.file, m));
    worker.on('error', reject);
    worker.on('exit', (code) =>
      code === 0 ? resolve(results) : reject(new Error(`hash worker exited with ${code}`)),
    );
  });
}
