// The ledger store on its own: opening (WAL, one connection, migrations), refusing damaged files and
// newer schemas without touching them, the append-only guard and the hash chain's audit.
import Database from 'better-sqlite3';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerError } from '../errors.ts';
import { auditLedger } from './audit.ts';
import { canonicalJson } from '../signing/canonical-json.ts';
import { dataFolder } from './data-folder.ts';
import { closeLedgers, Ledger } from './ledger.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import { HEAD_FILE } from './head.ts';
import { parseSince } from './history.ts';

const homes: string[] = [];
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-ledger-'));
  homes.push(dir);
  return dir;
}
afterEach(() => {
  closeLedgers();
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fill(ledger: Ledger, operations = 3): void {
  for (let i = 0; i < operations; i++) {
    ledger.append({ operationId: `op-${i}`, transferId: `t-${i}` }, [
      { kind: 'operation', subject: 'pull', body: { direction: 'pull', n: i } },
      {
        kind: 'image',
        subject: `reg/app:${i}`,
        digest: `sha256:${String(i).repeat(64)}`,
        body: { source: `reg/app:${i}` },
      },
      { kind: 'outcome', subject: 'succeeded', body: { status: 'succeeded' } },
    ]);
  }
}

function raw(h: string): Database.Database {
  return new Database(join(h, 'ledger.db'));
}

describe('data folder', () => {
  it('is FERRY_HOME when set, else the platform application-data folder', () => {
    expect(dataFolder({ env: { FERRY_HOME: '/srv/ferry' } })).toBe('/srv/ferry');
    expect(dataFolder({ env: {}, platform: 'linux', home: '/home/a' })).toBe('/home/a/.local/share/ferry');
    expect(dataFolder({ env: { XDG_DATA_HOME: '/x' }, platform: 'linux', home: '/home/a' })).toBe('/x/ferry');
    expect(dataFolder({ env: {}, platform: 'darwin', home: '/Users/a' })).toBe(
      '/Users/a/Library/Application Support/Ferry',
    );
    expect(
      dataFolder({
        env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' },
        platform: 'win32',
        home: 'C:\\Users\\a',
      }),
    ).toMatch(/Roaming[\\/]Ferry$/);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('opening the ledger', () => {
  it('uses WAL, the latest schema and one connection per folder per process', () => {
    const h = home();
    const ledger = Ledger.open(h);
    expect(Ledger.open(h)).toBe(ledger);
    expect(ledger.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    fill(ledger, 1);
    closeLedgers();
    // Reopening applies no step twice and keeps what was recorded (and the key pinned first).
    expect(auditLedger(Ledger.open(h)).entries).toBe(4);
  });

  it('adds a missing lookup index on open without a schema step, so an older Ferry still opens the file', () => {
    const h = home();
    fill(Ledger.open(h), 2);
    closeLedgers();
    // A ledger as a Ferry from before the index left it.
    const before = raw(h);
    before.exec('DROP INDEX entries_operation_kind');
    before.close();
    const ledger = Ledger.open(h);
    const index = ledger.db
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'entries_operation_kind'")
      .get() as { sql: string } | undefined;
    expect(index?.sql).toMatch(/ON entries \(operation_id, kind\)/);
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(1);
    expect(auditLedger(ledger).entries).toBe(7);
  });

  it('refuses a file that is not a SQLite database, and leaves it as it was', () => {
    const h = home();
    const garbage = Buffer.from('this is not a database, it is a shopping list\n'.repeat(100));
    writeFileSync(join(h, 'ledger.db'), garbage);
    expect(() => Ledger.open(h)).toThrow(LedgerError);
    expect(() => Ledger.open(h)).toThrow(/is not a SQLite database.*does not reset it/);
    expect(readFileSync(join(h, 'ledger.db')).equals(garbage)).toBe(true);
  });

  it('refuses a damaged ledger with a clear error instead of resetting it', () => {
    const h = home();
    fill(Ledger.open(h), 40);
    closeLedgers(); // checkpoints the WAL into the main file
    const path = join(h, 'ledger.db');
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(4096 * 3);
    // Overwrite every page after the first (the schema stays readable, the tables do not).
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    const before = readFileSync(path);
    let error: unknown;
    try {
      const ledger = Ledger.open(h);
      auditLedger(ledger);
      ledger.entriesOfKind(['image']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('FERRY_ERR_LEDGER');
    expect((error as Error).message).toMatch(/damaged|malformed/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a ledger written by a newer Ferry, leaving its schema alone', () => {
    const h = home();
    fill(Ledger.open(h), 1);
    closeLedgers();
    const db = raw(h);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Ledger.open(h)).toThrow(
      `schema version ${SCHEMA_VERSION + 1}, newer than this Ferry understands (${SCHEMA_VERSION}): upgrade Ferry`,
    );
    const again = raw(h);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    again.close();
  });

  it("refuses another program's SQLite database", () => {
    const h = home();
    const db = raw(h);
    db.exec('CREATE TABLE contacts (name TEXT)');
    db.close();
    expect(() => Ledger.open(h)).toThrow(/not a Ferry ledger/);
  });
});

describe('the hash chain', () => {
  it('appends entries a generator yields, in order, and refuses an empty batch without a trace', () => {
    const h = home();
    const ledger = Ledger.open(h);
    expect(() => ledger.append({ operationId: 'op-0', transferId: '' }, [])).toThrow(LedgerError);
    const db = raw(h);
    // Not even the key pin of a new ledger stays: the transaction rolled back.
    expect(db.prepare('SELECT COUNT(*) AS n FROM entries').get()).toEqual({ n: 0 });
    function* entries() {
      for (let i = 0; i < 3; i++) yield { kind: 'image' as const, subject: `reg/app:${i}`, body: { i } };
    }
    const { first, last } = ledger.append({ operationId: 'op-1', transferId: 't-1' }, entries());
    expect(last - first).toBe(3); // the key pin, then the three
    const subjects = db.prepare("SELECT subject FROM entries WHERE kind = 'image' ORDER BY seq").all();
    expect(subjects).toEqual([0, 1, 2].map((i) => ({ subject: `reg/app:${i}` })));
    db.close();
    expect(auditLedger(ledger).ok).toBe(true);
  });

  it('refuses UPDATE and DELETE while the append-only triggers are in place', () => {
    const h = home();
    fill(Ledger.open(h), 1);
    const db = raw(h);
    expect(() => db.prepare("UPDATE entries SET body = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM entries WHERE seq = 2').run()).toThrow(/append-only/);
    db.close();
    expect(auditLedger(Ledger.open(h)).ok).toBe(true);
  });

  it('names an entry changed behind the triggers, even when they are put back', () => {
    const h = home();
    fill(Ledger.open(h), 3);
    expect(auditLedger(Ledger.open(h))).toMatchObject({ ok: true, entries: 10 });
    const db = raw(h);
    const triggers = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{
      sql: string;
    }>;
    db.exec('DROP TRIGGER entries_refuse_update; DROP TRIGGER entries_refuse_delete;');
    db.prepare("UPDATE entries SET subject = 'reg/evil:1' WHERE seq = 5").run();
    for (const t of triggers) db.exec(t.sql);
    db.close();
    const report = auditLedger(Ledger.open(h));
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toBe(5);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 5, kind: 'changed' })]);
  });

  it('notices a rewritten entry whose hash was recomputed: the next entry no longer follows it', () => {
    const h = home();
    fill(Ledger.open(h), 2);
    const db = raw(h);
    db.exec('DROP TRIGGER entries_refuse_update');
    // Flip the last hex digit (the hash depends on the random station key pinned in entry #1).
    db.prepare(
      "UPDATE entries SET hash = substr(hash, 1, 63) || (CASE substr(hash, 64) WHEN '0' THEN '1' ELSE '0' END) WHERE seq = 2",
    ).run();
    db.close();
    const report = auditLedger(Ledger.open(h));
    expect(report.firstBroken).toBe(2);
    expect(report.problems.map((p) => p.kind)).toEqual(['triggers', 'changed', 'relinked']);
  });

  it('names deleted entries: in the middle, and at the end (sequence and signed head)', () => {
    const h = home();
    fill(Ledger.open(h), 3);
    const db = raw(h);
    db.exec('DROP TRIGGER entries_refuse_delete');
    db.prepare('DELETE FROM entries WHERE seq = 4').run();
    db.prepare('DELETE FROM entries WHERE seq >= 8').run();
    db.prepare("UPDATE sqlite_sequence SET seq = 7 WHERE name = 'entries'").run(); // cover the tracks
    db.close();
    const report = auditLedger(Ledger.open(h));
    expect(report.firstBroken).toBe(4);
    const messages = report.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/entry #4 is missing: it was deleted/);
    // Cutting exactly the last append looks like a crash before its commit; the removed guard shows.
    expect(report.problems.map((p) => p.kind)).toContain('triggers');
    expect(report.interrupted?.message).toMatch(/entries #8–#10 were never committed/);
  });

  it('keeps numbering after the end was cut, so the gap shows, and a removed head file is reported', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger, 1);
    rmSync(join(h, HEAD_FILE));
    expect(auditLedger(ledger).problems.map((p) => p.kind)).toEqual(['head']);
    ledger.append({ operationId: 'x', transferId: 'y' }, [{ kind: 'operation', body: {} }]);
    expect(auditLedger(ledger).ok).toBe(true);
  });
});

describe('history dates', () => {
  it('reads dates, times and ages', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-15T12:00:00.000Z');
    expect(parseSince('2026-11-01').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('2026-11-01T14:00:00Z').toISOString()).toBe('2026-11-01T14:00:00.000Z');
    expect(() => parseSince('yesterday')).toThrow(/not a date/);
  });
});

describe('push targets', () => {
  it('gives the repository of a pushed image, with or without tag or digest', async () => {
    const { repositoryOf } = await import('./recorder.ts');
    expect(repositoryOf('127.0.0.1:5000/mirror/vendor/app:v1.0', '127.0.0.1:5000')).toBe('mirror/vendor/app');
    expect(repositoryOf(`[::1]:5000/a/b@sha256:${'a'.repeat(64)}`, '[::1]:5000')).toBe('a/b');
    expect(repositoryOf('reg.example.com/modules/x', 'reg.example.com')).toBe('modules/x');
  });
});
