// The ledger's head, kept outside the database: the last entry's number and hash, signed by the station
// key, rewritten with every append. A hash chain alone cannot show that its last entries were removed;
// the head can: `ferry audit verify` compares the two. (It is written while the append's write lock is
// held, so two processes appending at once cannot leave an older head behind.)
//
// The head is written, durably, before the database commits, and names the head it follows: every
// committed entry is then covered by a signed head (entries beyond it were added without the key),
// and a crash between the two writes leaves a head one append ahead whose `previous` is the ledger's
// real end — an interrupted append, not a removed one.
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/write-file-atomic.ts';
import { join } from 'node:path';
import { signJson, verifyJson } from '../signing/signed-json.ts';
import type { Signature, StationKey } from '../signing/station-key.ts';

export const HEAD_FILE = 'ledger-head.json';

export interface HeadState {
  seq: number;
  hash: string;
  updatedAt: string;
  /** The head this one followed (absent for the first append). */
  previous?: { seq: number; hash: string };
}

export interface HeadFile extends HeadState {
  signature: Signature;
}

export function writeHead(home: string, state: HeadState, key: StationKey): void {
  const signed: HeadState = {
    seq: state.seq,
    hash: state.hash,
    updatedAt: state.updatedAt,
    ...(state.previous ? { previous: { seq: state.previous.seq, hash: state.previous.hash } } : {}),
  };
  const file: HeadFile = { ...signed, signature: signJson(signed, key) };
  writeFileAtomicSync(join(home, HEAD_FILE), `${JSON.stringify(file, null, 2)}\n`);
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
  const prev = file.previous;
  const head: HeadState = {
    seq: file.seq,
    hash: file.hash,
    updatedAt: file.updatedAt,
    ...(prev && typeof prev.seq === 'number' && typeof prev.hash === 'string'
      ? { previous: { seq: prev.seq, hash: prev.hash } }
      : {}),
  };
  const fingerprint = verifyJson(head, file.signature);
  if (!fingerprint)
    return { status: 'unreadable', reason: `${HEAD_FILE}'s signature does not match its content` };
  return { status: 'ok', head, fingerprint };
}
