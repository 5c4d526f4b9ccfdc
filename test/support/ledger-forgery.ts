// What someone who can write the station folder, but does not hold the station key, can do to the
// ledger: append correctly chained entries, edit an entry and re-chain everything after it (the
// append-only triggers dropped and put back), and swap in a key of their own with a head it signs,
// or write a key change signed by it. Used by the ledger's forgery tests and the fault campaign
// (bench/fault-campaign.ts), which count how many the audit detects.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryHash, type EntryKind, type EntryRow } from '../../electron/engine/ledger/entry.ts';
import { writeHead } from '../../electron/engine/ledger/head.ts';
import type { KeyRotationStatement } from '../../electron/engine/ledger/key-pin.ts';
import { canonicalJson } from '../../electron/engine/signing/canonical-json.ts';
import { signJson } from '../../electron/engine/signing/signed-json.ts';
import {
  forgetStationKey,
  KEY_FOLDER,
  stationKey,
  type StationKey,
} from '../../electron/engine/signing/station-key.ts';

function withDb<T>(home: string, work: (db: Database.Database) => T): T {
  const db = new Database(join(home, 'ledger.db'));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

function insert(
  db: Database.Database,
  entry: { operationId: string; transferId: string; kind: EntryKind; subject: string | null; body: string },
): { seq: number; hash: string } {
  const last = db.prepare('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1').get() as {
    seq: number;
    hash: string;
  };
  const row = { ...entry, seq: last.seq + 1, recordedAt: new Date().toISOString(), digest: null };
  const hash = entryHash(last.hash, row);
  db.prepare(
    `INSERT INTO entries (seq, operation_id, transfer_id, kind, recorded_at, subject, digest, body, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.seq,
    row.operationId,
    row.transferId,
    row.kind,
    row.recordedAt,
    row.subject,
    null,
    row.body,
    last.hash,
    hash,
  );
  return { seq: row.seq, hash };
}

/** Appends `count` correctly chained entries straight into the database; returns the last. */
export function forgeAppend(home: string, count = 1): { seq: number; hash: string } {
  return withDb(home, (db) => {
    let last = { seq: 0, hash: '' };
    for (let i = 0; i < count; i++)
      last = insert(db, {
        operationId: 'op-forged',
        transferId: 't-forged',
        kind: 'outcome',
        subject: 'succeeded',
        body: canonicalJson({ status: 'succeeded' }),
      });
    return last;
  });
}

/** Edits entry `seq`'s body and recomputes its hash and every later one (triggers dropped, then put back). */
export function forgeEdit(home: string, seq: number): void {
  withDb(home, (db) => {
    const triggers = db
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'entries'")
      .all() as Array<{ sql: string }>;
    const names = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'entries'")
      .all() as Array<{ name: string }>;
    for (const { name } of names) db.exec(`DROP TRIGGER ${name}`);
    const rows = db.prepare('SELECT * FROM entries WHERE seq >= ? ORDER BY seq').all(seq) as EntryRow[];
    let prev = (
      db.prepare('SELECT hash FROM entries WHERE seq < ? ORDER BY seq DESC LIMIT 1').get(seq) as
        { hash: string } | undefined
    )?.hash;
    const update = db.prepare('UPDATE entries SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    for (const r of rows) {
      const body =
        r.seq === seq ? canonicalJson({ ...(JSON.parse(r.body) as object), forged: true }) : r.body;
      const prevHash = prev ?? r.prev_hash;
      const hash = entryHash(prevHash, {
        seq: r.seq,
        operationId: r.operation_id,
        transferId: r.transfer_id,
        kind: r.kind,
        recordedAt: r.recorded_at,
        subject: r.subject,
        digest: r.digest,
        body,
      });
      update.run(body, prevHash, hash, r.seq);
      prev = hash;
    }
    for (const { sql } of triggers) db.exec(sql);
  });
}

/** A key of the forger's own, made outside the station. */
export function forgerKey(): StationKey {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-forger-'));
  const key = stationKey(dir);
  rmSync(dir, { recursive: true, force: true });
  return key;
}

/** Replaces keys/ with a fresh key, appends an entry and signs a head over it with that key. */
export function forgeKeySwap(home: string): StationKey {
  rmSync(join(home, KEY_FOLDER), { recursive: true, force: true });
  forgetStationKey(home);
  const theirs = stationKey(home);
  const forged = forgeAppend(home);
  writeHead(home, { seq: forged.seq, hash: forged.hash, updatedAt: new Date().toISOString() }, theirs);
  return theirs;
}

/** Writes a key change to the forger's key, signed by that key (not the old one), and a head it signs. */
export function forgeRotation(home: string, theirs: StationKey = forgerKey()): { seq: number; hash: string } {
  // The station's public key can be read by anyone; its private key is what the forger lacks.
  const statement: KeyRotationStatement = {
    event: 'rotated',
    from: stationKey(home).fingerprint,
    fingerprint: theirs.fingerprint,
    publicKey: theirs.publicKey,
    rotatedAt: new Date().toISOString(),
  };
  const forged = withDb(home, (db) =>
    insert(db, {
      operationId: 'station',
      transferId: '',
      kind: 'key',
      subject: theirs.fingerprint,
      body: canonicalJson({ ...statement, signature: signJson(statement, theirs) }),
    }),
  );
  writeHead(home, { seq: forged.seq, hash: forged.hash, updatedAt: new Date().toISOString() }, theirs);
  return forged;
}
