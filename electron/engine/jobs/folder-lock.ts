// One job at a time per bundle folder: two pulls writing the same archives corrupt each other (and
// one of them would sign a bundle that fails verify). The lock is a small file created exclusively
// (O_EXCL), naming its holder. A lock whose process is gone on this host is taken over: renamed
// aside first, so of two processes that both find it stale only one wins the rename, and the
// winner checks it moved the stale lock and not a fresh one.
import { randomUUID } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BundleNotEmptyError } from '../errors.ts';

export const LOCK_FILE = '.ferry-lock';

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** Unique per acquisition: tells our lock from a later one with a recycled pid. */
  token: string;
}

export interface FolderLock {
  release(): Promise<void>;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder> | null;
    if (v && typeof v.pid === 'number' && typeof v.host === 'string') {
      return { pid: v.pid, host: v.host, startedAt: String(v.startedAt ?? ''), token: String(v.token ?? '') };
    }
  } catch {
    // a lock torn by a crash mid-write: treated as stale below
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock is stale when its holder is a process on this host that no longer runs (or it is torn). */
function isStale(holder: LockHolder | undefined): boolean {
  return holder === undefined || (holder.host === hostname() && !alive(holder.pid));
}

function busy(dir: string, holder: LockHolder): BundleNotEmptyError {
  const since = holder.startedAt ? ` since ${holder.startedAt}` : '';
  return new BundleNotEmptyError(
    `${dir} is in use by another pull (pid ${holder.pid} on ${holder.host}${since}): wait for it to finish, stop it, or choose another folder`,
  );
}

/** Locks `dir` (which must exist) for one job; BundleNotEmptyError naming the holder if it is taken. */
export async function lockFolder(dir: string): Promise<FolderLock> {
  const path = join(dir, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  const text = JSON.stringify(mine);
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, text, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = await readFile(path, 'utf8').catch(() => undefined);
    if (seen === undefined) continue; // released meanwhile: try again
    const holder = parseHolder(seen);
    if (!isStale(holder) || attempt > 2) throw busy(dir, holder ?? { ...mine, pid: 0, host: 'unknown' });
    const aside = `${path}.stale-${mine.token}`;
    try {
      await rename(path, aside);
    } catch {
      continue; // another process took it over first
    }
    const moved = await readFile(aside, 'utf8').catch(() => '');
    if (moved !== seen) {
      // A fresh lock replaced the stale one between our read and the rename: give it back.
      await rename(aside, path).catch(() => {});
      throw busy(dir, parseHolder(moved) ?? { ...mine, pid: 0, host: 'unknown' });
    }
    await unlink(aside).catch(() => {});
  }
  return {
    async release() {
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if (now === text) await unlink(path).catch(() => {});
    },
  };
}
