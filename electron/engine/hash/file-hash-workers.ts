// A small pool of hashing worker threads (file-hash-worker.ts). Pull hashes each chunk here while it
// is written, as far as its bytes are in place; verify spreads the chunk files over every core.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileHashRequest } from './file-hash-worker.ts';

export interface FileHashes {
  sha256?: string;
  /** Only when Streebog-256 was asked for. */
  streebog256?: string;
  error?: string;
}

interface Slot {
  worker: Worker;
  /** Sessions begun on it and not answered yet. */
  busy: number;
  /** Why it stopped, if it crashed: its sessions' digests fail with this. */
  failed?: Error;
}

/**
 * One file being hashed on a worker: `advance(to)` hashes it up to that offset in the background
 * (a part still being written, as far as its bytes are in place), `digest()` reads the rest to the
 * end of the file and gives the hashes. Advances never wait; the worker reads each byte once.
 */
export interface FileHashSession {
  advance(to: number): void;
  digest(): Promise<FileHashes>;
}

export class FileHashWorkers {
  private readonly workers: Slot[] = [];
  private readonly pending = new Map<
    number,
    { slot: Slot; resolve: (h: FileHashes) => void; reject: (e: Error) => void }
  >();
  private readonly threads: number;
  private nextSession = 0;

  /** Up to `threads` workers, each started when first needed: an idle one costs ~20 MB. */
  constructor(threads = 1) {
    this.threads = Math.max(1, threads);
  }

  private start(): Slot {
    const worker = new Worker(new URL('./file-hash-worker.ts', import.meta.url));
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: FileHashes & { session: number }) => {
      slot.busy--;
      this.pending.get(m.session)?.resolve(m);
      this.pending.delete(m.session);
    });
    worker.on('error', (err) => this.stopped(slot, err));
    this.workers.push(slot);
    return slot;
  }

  /** A worker crashed or was stopped: its sessions' digests fail, now and later. */
  private stopped(slot: Slot, err: Error): void {
    slot.failed = err;
    this.workers.splice(this.workers.indexOf(slot), 1);
    for (const [session, p] of this.pending) {
      if (p.slot !== slot) continue;
      p.reject(err);
      this.pending.delete(session);
    }
  }

  /** Starts hashing `file` (and its Streebog-256 with `gost`) on the least busy worker. */
  begin(file: string, gost = false): FileHashSession {
    const idle = this.workers.find((w) => w.busy === 0);
    const slot =
      idle ??
      (this.workers.length < this.threads
        ? this.start()
        : this.workers.reduce((a, b) => (b.busy < a.busy ? b : a)));
    const session = this.nextSession++;
    slot.busy++;
    const send = (req: FileHashRequest) => slot.worker.postMessage(req);
    send({ kind: 'begin', session, file, gost });
    return {
      advance: (to) => send({ kind: 'advance', session, to }),
      digest: () =>
        new Promise((resolve, reject) => {
          if (slot.failed) return reject(slot.failed);
          this.pending.set(session, { slot, resolve, reject });
          send({ kind: 'digest', session });
        }),
    };
  }

  /** SHA-256 (and Streebog-256 with `gost`) of a whole file. */
  hash(file: string, gost = false): Promise<FileHashes> {
    return this.begin(file, gost).digest();
  }

  /** Stops every worker (a session begun before cannot be digested); a later hash() starts one again. */
  async close(): Promise<void> {
    const slots = [...this.workers];
    for (const slot of slots) this.stopped(slot, new Error('the hashing worker was stopped'));
    await Promise.all(slots.map((w) => w.worker.terminate()));
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
