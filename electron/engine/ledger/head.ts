// The ledger's head, kept outside the database: the last entry's number and hash, signed by the station
// key, rewritten with every append. A hash chain alone cannot show that its last entries were removed;
// the head can: `ferry audit verify` compares the two. (It is written while the append's write lock is
// held, so two processes appending at once cannot leave an older head behind.)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signJson, verifyJson } from '../signing/signed-json.ts';
import type { Signature, StationKey } from '../signing/station-key.ts';

export const HEAD_FILE = 'ledger-head.json';

export interface HeadState {
  seq: number;
  hash: string;
  updatedAt: string;
}

export interface HeadFile extends HeadState {
  signature: Signature;
}

export function writeHead(home: string, state: HeadState, key: StationKey): void {
  const file: HeadFile = { ...state, signature: signJson(state, key) };
  const path = join(home, HEAD_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export type HeadRead =
  | { status: 'missing' }
  | { status: 'unreadable'; reason: string }
  | { status: 'ok'; head: HeadState; fingerprint: string };

export function readHead(home: string): HeadRead {
  let text: string;
  try {
    text = readFileSync(join(home, HEAD_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'unreadable', reason: (err as Error).message };
  }
  let file: Partial<HeadFile>;
  try {
    file = JSON.parse(text) as Partial<HeadFile>;
  } catch {
    return { status: 'unreadable', reason: `${HEAD_FILE} is not JSON` };
  }
  if (typeof file.seq !== 'number' || typeof file.hash !== 'string' || typeof file.updatedAt !== 'string') {
    return { status: 'unreadable', reason: `${HEAD_FILE} lacks seq, hash or updatedAt` };
  }
  const head: HeadState = { seq: file.seq, hash: file.hash, updatedAt: file.updatedAt };
  const fingerprint = verifyJson(head, file.signature);
  if (!fingerprint)
    return { status: 'unreadable', reason: `${HEAD_FILE}'s signature does not match its content` };
  return { status: 'ok', head, fingerprint };
}
