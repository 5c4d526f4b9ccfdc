// The ledger's schema, one numbered step at a time. A step is never edited once released: a change is a
// new step. PRAGMA user_version holds the number of the last step applied; a file whose number is higher
// than this list knows was written by a newer Ferry and is refused, never downgraded or reset.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'append-only entries covered by a hash chain',
    sql: `
      CREATE TABLE entries (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        operation_id TEXT NOT NULL,
        transfer_id  TEXT NOT NULL,
        kind         TEXT NOT NULL,
        recorded_at  TEXT NOT NULL,
        subject      TEXT,
        digest       TEXT,
        body         TEXT NOT NULL,
        prev_hash    TEXT NOT NULL,
        hash         TEXT NOT NULL
      );
      CREATE INDEX entries_operation ON entries (operation_id);
      CREATE INDEX entries_transfer ON entries (transfer_id);
      CREATE INDEX entries_kind ON entries (kind, recorded_at);
      CREATE INDEX entries_digest ON entries (digest) WHERE digest IS NOT NULL;
      CREATE INDEX entries_subject ON entries (subject) WHERE subject IS NOT NULL;
      CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'the Ferry ledger is append-only: entries cannot be changed'); END;
      CREATE TRIGGER entries_refuse_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'the Ferry ledger is append-only: entries cannot be deleted'); END;
    `,
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

/**
 * Indexes added after a step was released, made on every open if missing, without a step: a Ferry
 * from before them reads the file just as well, and a numbered step would make it refuse the ledger
 * (an isolated station may well run an older Ferry carried in a bundle beside a newer one).
 */
export const addedIndexes: string[] = [
  // History and the end of every pull look up a few kinds (outcome, image, signature) of many
  // operations. By operation_id alone SQLite read every entry of each one, blobs and all: an
  // edition's pull is ~60,000 entries, so those lookups grew with the whole ledger's history.
  'CREATE INDEX IF NOT EXISTS entries_operation_kind ON entries (operation_id, kind)',
];
