// Opening the ledger file: one connection per file per process, WAL, durable commits, migrations
// applied in order. Anything wrong with the file — not a database, damaged, another program's
// database, a schema from a newer Ferry — is a LedgerError that says so; the file is never reset.
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../errors.ts';
import { addedIndexes, migrations, SCHEMA_VERSION } from './migrations.ts';

export type Db = Database.Database;

export const LEDGER_FILE = 'ledger.db';
/** 'FRRY' in PRAGMA application_id marks the file as Ferry's. */
const APPLICATION_ID = 0x46525259;
const SQLITE_HEADER = 'SQLite format 3\0';

const open = new Map<string, Db>();

/** Turns SQLite's failures into one LedgerError line naming the file and what to do. */
export function ledgerFailure(path: string, err: unknown): LedgerError {
  if (err instanceof LedgerError) return err;
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) {
    return new LedgerError(
      `the ledger ${path} is damaged (${message}): keep the file for the auditor, restore it from a backup or move it aside; Ferry does not reset it`,
      { cause: err },
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new LedgerError(
      `the ledger ${path} is locked by another Ferry process: try again when it is done`,
      {
        cause: err,
      },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new LedgerError(`the disk holding the ledger ${path} is full: free some space and try again`, {
      cause: err,
    });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new LedgerError(`cannot write the ledger ${path} (${message}): check the folder's permissions`, {
      cause: err,
    });
  }
  return new LedgerError(`ledger ${path}: ${message}`, { cause: err });
}

/** A file that exists but does not start like a SQLite database is not ours to touch. */
function checkHeader(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // a new ledger
  }
  if (size === 0) return;
  const header = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new LedgerError(
      `${path} is not a SQLite database (damaged, or another file in its place): keep it for the auditor, restore the ledger from a backup or move the file aside; Ferry does not reset it`,
    );
  }
}

function checkIdentity(db: Db, path: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = (
    db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }
  ).n;
  if (tables > 0 && appId !== APPLICATION_ID) {
    throw new LedgerError(
      `${path} is a SQLite database but not a Ferry ledger: move it aside or point FERRY_HOME elsewhere`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new LedgerError(
      `the ledger ${path} has schema version ${version}, newer than this Ferry understands (${SCHEMA_VERSION}): upgrade Ferry; the file was left as it is`,
    );
  }
  return version;
}

function migrate(db: Db, from: number): void {
  for (const step of migrations) {
    if (step.version <= from) continue;
    db.transaction(() => {
      // Another process may have applied this step while we waited for the lock.
      if ((db.pragma('user_version', { simple: true }) as number) >= step.version) return;
      db.exec(step.sql);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}

/** The one connection to `<home>/ledger.db` in this process, opened (and migrated) on first use. */
export function openDatabase(home: string): Db {
  const path = join(home, LEDGER_FILE);
  const existing = open.get(path);
  if (existing?.open) return existing;
  let db: Db | undefined;
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    checkHeader(path);
    db = new Database(path);
    db.pragma('busy_timeout = 10000');
    const version = checkIdentity(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // A big transfer's one transaction grows the WAL; give the space back after each checkpoint.
    db.pragma('journal_size_limit = 16777216');
    migrate(db, version);
    for (const sql of addedIndexes) db.exec(sql);
    open.set(path, db);
    return db;
  } catch (err) {
    db?.close();
    throw ledgerFailure(path, err);
  }
}

/** Closes every ledger connection of this process (tests, and the app on quit). */
export function closeDatabases(): void {
  for (const db of open.values()) if (db.open) db.close();
  open.clear();
}

process.once('exit', closeDatabases);
