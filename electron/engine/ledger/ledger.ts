// The ledger: Ferry's append-only record of every pull, verify and push on this station. Entries are
// appended in one write transaction per batch (so an operation's images, chunks and blobs land whole or
// not at all), each chained to the one before by its hash; the signed head file follows every append.
// One Ledger per data folder per process.
import { LedgerError } from '../errors.ts';
import { forgetStationKey, stationKey } from '../signing/station-key.ts';
import { openDatabase, ledgerFailure, LEDGER_FILE, type Db } from './database.ts';
import { canonicalJson } from '../signing/canonical-json.ts';
import {
  entryHash,
  fromRawRow,
  fromRow,
  GENESIS_HASH,
  type Entry,
  type EntryKind,
  type EntryRow,
  type NewEntry,
  type RawEntryRow,
} from './entry.ts';
import { writeHead } from './head.ts';
import { keyPinEntry, STATION_OPERATION } from './key-pin.ts';
import { join } from 'node:path';

export interface AppendContext {
  operationId: string;
  transferId: string;
}

const ledgers = new Map<string, Ledger>();

const OPERATIONS_OF_TRANSFER =
  'SELECT operation_id AS id FROM entries WHERE transfer_id = ? GROUP BY operation_id ORDER BY min(seq)';

export class Ledger {
  readonly home: string;
  readonly path: string;
  readonly db: Db;

  private constructor(home: string, db: Db) {
    this.home = home;
    this.path = join(home, LEDGER_FILE);
    this.db = db;
  }

  /** The ledger in `home` (FERRY_HOME or the platform's app-data folder). */
  static open(home: string): Ledger {
    const cached = ledgers.get(home);
    if (cached?.db.open) return cached;
    const ledger = new Ledger(home, openDatabase(home));
    ledgers.set(home, ledger);
    return ledger;
  }

  /** Runs `work` against the database, turning SQLite failures into LedgerErrors. */
  run<T>(work: (db: Db) => T): T {
    try {
      return work(this.db);
    } catch (err) {
      throw ledgerFailure(this.path, err);
    }
  }

  /** Appends `entries` in order, in one transaction; returns the first and last sequence numbers. */
  append(
    context: AppendContext,
    entries: Iterable<NewEntry>,
    at = new Date(),
  ): { first: number; last: number } {
    return this.appendGroups([{ context, entries }], at);
  }

  /** Appends entries of several operations in one transaction (a pull closing the runs it resumed). */
  appendGroups(
    groups: Array<{ context: AppendContext; entries: Iterable<NewEntry> }>,
    at = new Date(),
  ): { first: number; last: number } {
    let key = stationKey(this.home);
    const recordedAt = at.toISOString();
    return this.run((db) => {
      const insert = db.prepare(
        `INSERT INTO entries (seq, operation_id, transfer_id, kind, recorded_at, subject, digest, body, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const tx = db.transaction(() => {
        const last = db.prepare('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1').get() as
          { seq: number; hash: string } | undefined;
        // sqlite_sequence remembers the highest number ever used, so a removed last entry leaves a gap.
        const used = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'entries'").get() as
          { seq: number } | undefined;
        // Another process rotated the key since this one loaded it: sign with the key now in force.
        const named = db
          .prepare("SELECT subject FROM entries WHERE kind = 'key' ORDER BY seq DESC LIMIT 1")
          .get() as { subject: string } | undefined;
        if (named && named.subject !== key.fingerprint) {
          forgetStationKey(this.home);
          key = stationKey(this.home);
        }
        let seq = Math.max(last?.seq ?? 0, used?.seq ?? 0);
        let prev = last?.hash ?? GENESIS_HASH;
        const first = seq + 1;
        // A new ledger begins by pinning the station key, in the same transaction as its first batch.
        const pin =
          seq === 0
            ? [{ entry: keyPinEntry(key), context: { operationId: STATION_OPERATION, transferId: '' } }]
            : [];
        // Taken one at a time (entries may be a generator): an edition's pull records 80,000.
        function* batch(): Generator<{ entry: NewEntry; context: AppendContext }> {
          yield* pin;
          for (const g of groups) for (const entry of g.entries) yield { entry, context: g.context };
        }
        for (const { entry: e, context: c } of batch()) {
          seq++;
          const row = {
            seq,
            operationId: c.operationId,
            transferId: c.transferId,
            kind: e.kind,
            recordedAt,
            subject: e.subject ?? null,
            digest: e.digest ?? null,
            body: canonicalJson(e.body),
          };
          const hash = entryHash(prev, row);
          insert.run(
            seq,
            row.operationId,
            row.transferId,
            row.kind,
            recordedAt,
            row.subject,
            row.digest,
            row.body,
            prev,
            hash,
          );
          prev = hash;
        }
        // Thrown inside the transaction, which rolls back (the key pin too).
        if (seq === first - 1 + pin.length) throw new LedgerError('nothing to record');
        // Before the commit (see head.ts): a crash in between reads as an interrupted append.
        writeHead(
          this.home,
          {
            seq,
            hash: prev,
            updatedAt: recordedAt,
            ...(last ? { previous: { seq: last.seq, hash: last.hash } } : {}),
          },
          key,
        );
        return { first, last: seq };
      });
      return tx.immediate();
    });
  }

  /** Entries of the given operations (all kinds unless `kinds`), in order. */
  entriesOf(operationIds: string[], kinds?: EntryKind[]): Entry[] {
    if (operationIds.length === 0) return [];
    return this.run((db) => {
      // One JSON array parameter, however many operations: SQLite caps host parameters.
      const kindSql = kinds ? ` AND kind IN (${kinds.map(() => '?').join(',')})` : '';
      const rows = db
        .prepare(
          `SELECT seq, operation_id, transfer_id, kind, recorded_at, subject, digest, body, prev_hash, hash FROM entries
           WHERE operation_id IN (SELECT value FROM json_each(?))${kindSql} ORDER BY seq`,
        )
        .raw()
        .all(JSON.stringify(operationIds), ...(kinds ?? [])) as RawEntryRow[];
      return rows.map(fromRawRow);
    });
  }

  /** Entries of the given kinds across the whole ledger, in order. */
  entriesOfKind(kinds: EntryKind[]): Entry[] {
    return this.run((db) =>
      (
        db
          .prepare(`SELECT * FROM entries WHERE kind IN (${kinds.map(() => '?').join(',')}) ORDER BY seq`)
          .all(...kinds) as EntryRow[]
      ).map(fromRow),
    );
  }

  /** Operation ids that recorded anything for `transferId` (a full id or a unique prefix of one). */
  operationsOfTransfer(transferId: string): { transferId: string; operationIds: string[] } {
    return this.run((db) => {
      const exact = db.prepare(OPERATIONS_OF_TRANSFER).all(transferId) as Array<{ id: string }>;
      if (exact.length) return { transferId, operationIds: exact.map((r) => r.id) };
      if (transferId.length < 4) return { transferId, operationIds: [] };
      const like = db
        .prepare(
          "SELECT DISTINCT transfer_id AS t FROM entries WHERE transfer_id LIKE ? ESCAPE '\\' AND transfer_id != ''",
        )
        .all(`${transferId.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as Array<{ t: string }>;
      if (like.length > 1) {
        throw new LedgerError(
          `'${transferId}' matches ${like.length} transfers (${like
            .slice(0, 3)
            .map((r) => r.t)
            .join(', ')}…): give more of the id`,
        );
      }
      if (like.length === 0) return { transferId, operationIds: [] };
      const full = like[0]!.t;
      const ids = db.prepare(OPERATIONS_OF_TRANSFER).all(full) as Array<{ id: string }>;
      return { transferId: full, operationIds: ids.map((r) => r.id) };
    });
  }
}

/** Closes every ledger of this process (tests reopen them; the app calls it on quit). */
export { closeDatabases as closeLedgers } from './database.ts';
