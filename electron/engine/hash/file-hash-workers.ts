// A small pool of hashing worker threads (file-hash-worker.ts). Pull hashes each finished chunk here
// while downloads continue; verify spreads the chunk files over every core.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface FileHashes {
  sha256?: string;
  /** Only when Streebog-256 was asked for. */
  streebog256?: string;
  error?: string;
}

interface Pending {
  resolve: (h: FileHashes) => void;
  reject: (e: Error) => void;
}

export class FileHashWorkers {
  private readonly workers: Array<{ worker: Worker; busy: number }> = [];
  private readonly pending = new Map<number, Pending>();
  private readonly threads: number;
  private nextId = 0;

  /** Up to `threads` workers, each started when first needed: an idle one costs ~20 MB. */
  constructor(threads = 1) {
    this.threads = Math.max(1, threads);
  }

  private start(): { worker: Worker; busy: number } {
    const worker = new Worker(new URL('./file-hash-worker.ts', import.meta.url));
    const slot = { worker, busy: 0 };
    worker.on('message', (m: FileHashes & { id: number }) => {
      slot.busy--;
      this.pending.get(m.id)?.resolve(m);
      this.pending.delete(m.id);
    });
    worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
    this.workers.push(slot);
    return slot;
  }

  /** SHA-256 (and Streebog-256 with `gost`) of a whole file, on the least busy worker. */
  hash(file: string, gost = false): Promise<FileHashes> {
    const idle = this.workers.find((w) => w.busy === 0);
    const slot =
      idle ??
      (this.workers.length < this.threads
        ? this.start()
        : this.workers.reduce((a, b) => (b.busy < a.busy ? b : a)));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, file, gost });
    });
  }

  /** Stops every worker; a later hash() starts one again. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

/** Hashes a set of files across up to one worker per core; Streebog-256 too for those in `gost`. */
export async function hashFiles(files: string[], gost: string[] = []): Promise<Map<string, FileHashes>> {
  const results = new Map<string, FileHashes>();
  if (files.length === 0) return results;
  const pool = new FileHashWorkers(Math.min(availableParallelism(), files.length));
  try {
    const wantsGost = new Set(gost);
    await Promise.all(files.map(async (f) => results.set(f, await pool.hash(f, wantsGost.has(f)))));
  } finally {
    await pool.close();
  }
  return results;
}
