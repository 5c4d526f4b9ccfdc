// Worker thread: SHA-256 (and, when asked, Streebog-256) of files, so chunk files are hashed on
// other cores while the main thread keeps downloading or checking. A file is hashed in one session:
// `advance` hashes it up to an offset (a part still being written, as far as its bytes are in
// place), `digest` reads the rest to the end and answers. Stays alive for many sessions; the parent
// terminates it.
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { Streebog256, toHex } from './streebog.ts';

export type FileHashRequest =
  | { kind: 'begin'; session: number; file: string; gost: boolean }
  | { kind: 'advance'; session: number; to: number }
  | { kind: 'digest'; session: number };

interface Session {
  file: string;
  /** Bytes hashed so far, from the start of the file. */
  hashed: number;
  /** The furthest offset asked for; reads run to it, so a burst of advances costs one read. */
  target: number;
  sha256: Hash;
  streebog?: Streebog256;
  error?: string;
}

/**
 * One buffer, read into again and again: a stream's new 4 MiB Buffer per read left hundreds of MB
 * of garbage behind for a large chunk, resident until the worker's next collection. Sessions take
 * turns on it (see `turn`).
 */
const buffer = Buffer.allocUnsafe(4 << 20);
let turn: Promise<unknown> = Promise.resolve();
const sessions = new Map<number, Session>();

/** Hashes the session's file from where it stopped up to its target (or its end). */
async function catchUp(s: Session): Promise<void> {
  if (s.error !== undefined || s.hashed >= s.target) return;
  try {
    const file = await open(s.file, 'r');
    try {
      while (s.hashed < s.target) {
        const want = Math.min(buffer.length, s.target - s.hashed);
        const { bytesRead } = await file.read(buffer, 0, want, s.hashed);
        if (bytesRead === 0) break;
        const bytes = buffer.subarray(0, bytesRead);
        s.sha256.update(bytes);
        s.streebog?.update(bytes);
        s.hashed += bytesRead;
      }
    } finally {
      await file.close();
    }
  } catch (err) {
    s.error = (err as Error).message;
  }
}

function answer(session: number, s: Session) {
  if (s.error !== undefined) return { session, error: s.error };
  return {
    session,
    sha256: s.sha256.digest('hex'),
    ...(s.streebog ? { streebog256: toHex(s.streebog.digest()) } : {}),
  };
}

parentPort?.on('message', (req: FileHashRequest) => {
  if (req.kind === 'begin') {
    sessions.set(req.session, {
      file: req.file,
      hashed: 0,
      target: 0,
      sha256: createHash('sha256'),
      ...(req.gost ? { streebog: new Streebog256() } : {}),
    });
    return;
  }
  const s = sessions.get(req.session);
  if (!s) return;
  // Raised now, not when the read runs: reads already queued go as far as the latest advance.
  s.target = req.kind === 'digest' ? Infinity : Math.max(s.target, req.to);
  turn = turn.then(async () => {
    await catchUp(s);
    if (req.kind !== 'digest') return;
    sessions.delete(req.session);
    parentPort?.postMessage(answer(req.session, s));
  });
});
