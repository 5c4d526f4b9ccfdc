// One ledger entry: a row of the append-only `entries` table. Every entry belongs to an operation (a
// pull, verify, push, or a receipt issued or imported) and carries its content as canonical JSON; its
// hash covers the previous entry's hash, its own columns and that JSON, so changing, inserting or
// removing any entry breaks the chain from there on.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../signing/canonical-json.ts';

export type EntryKind =
  | 'operation'
  | 'signature'
  | 'media'
  | 'image'
  | 'artifact'
  | 'archive'
  | 'chunk'
  | 'blob'
  | 'verification'
  | 'outcome'
  | 'receipt'
  | 'receipt-blob'
  /** The station key the ledger pins (its first entry), and each signed change of it. */
  | 'key'
  /** A pull names the transfer it works on as soon as it knows it (a killed pull is then findable). */
  | 'transfer'
  /** An interrupted pull closed by the run that finished its transfer. */
  | 'superseded';

/** What a caller appends; the ledger adds sequence, time, operation and hashes. */
export interface NewEntry {
  kind: EntryKind;
  /** What the entry is about, for queries: an image reference, a file name, a receipt id. */
  subject?: string;
  /** A digest to look the entry up by: image, blob or artifact digest, or a chunk's `sha256:<hex>`. */
  digest?: string;
  body: unknown;
}

export interface Entry {
  seq: number;
  operationId: string;
  transferId: string;
  kind: EntryKind;
  recordedAt: string;
  subject: string | null;
  digest: string | null;
  /** Canonical JSON, exactly as stored and hashed. */
  body: string;
  prevHash: string;
  hash: string;
}

/** The previous hash of the very first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export function entryHash(prevHash: string, e: Omit<Entry, 'prevHash' | 'hash'>): string {
  const columns = canonicalJson([
    e.seq,
    e.operationId,
    e.transferId,
    e.kind,
    e.recordedAt,
    e.subject,
    e.digest,
  ]);
  return createHash('sha256').update(`${prevHash}\n${columns}\n${e.body}`).digest('hex');
}

/** Rows come back from SQLite with snake_case columns. */
export interface EntryRow {
  seq: number;
  operation_id: string;
  transfer_id: string;
  kind: EntryKind;
  recorded_at: string;
  subject: string | null;
  digest: string | null;
  body: string;
  prev_hash: string;
  hash: string;
}

export function fromRow(r: EntryRow): Entry {
  return {
    seq: r.seq,
    operationId: r.operation_id,
    transferId: r.transfer_id,
    kind: r.kind,
    recordedAt: r.recorded_at,
    subject: r.subject,
    digest: r.digest,
    body: r.body,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The same columns in table order, as `.raw()` returns them (faster for many rows). */
export type RawEntryRow = [
  number,
  string,
  string,
  EntryKind,
  string,
  string | null,
  string | null,
  string,
  string,
  string,
];

export function fromRawRow(r: RawEntryRow): Entry {
  return {
    seq: r[0],
    operationId: r[1],
    transferId: r[2],
    kind: r[3],
    recordedAt: r[4],
    subject: r[5],
    digest: r[6],
    body: r[7],
    prevHash: r[8],
    hash: r[9],
  };
}

export function bodyOf<T>(e: Entry): T {
  return JSON.parse(e.body) as T;
}
