// Forgeries by someone who can write the station folder but does not hold the station key: entries
// appended after the signed head, and a key of their own dropped into keys/ with a head it signed.
// Both must be reported. A crash between writing the head and committing must not read as tampering.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../signing/canonical-json.ts';
import { KEY_FOLDER, stationKey } from '../signing/station-key.ts';
import { auditLedger } from './audit.ts';
import { entryHash } from './entry.ts';
import { readHead, writeHead } from './head.ts';
import { pinnedKey } from './key-pin.ts';
import { closeLedgers, Ledger } from './ledger.ts';

const homes: string[] = [];
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-forgery-'));
  homes.push(dir);
  return dir;
}
afterEach(() => {
  closeLedgers();
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fill(ledger: Ledger): void {
  for (let i = 0; i < 2; i++)
    ledger.append({ operationId: `op-${i}`, transferId: `t-${i}` }, [
      { kind: 'operation', subject: 'pull', body: { direction: 'pull', n: i } },
      { kind: 'outcome', subject: 'succeeded', body: { status: 'succeeded' } },
    ]);
}

/** Appends a correctly chained entry straight into the database, as a forger without the key can. */
function forge(h: string): { seq: number; hash: string } {
  const db = new Database(join(h, 'ledger.db'));
  try {
    const last = db.prepare('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    const row = {
      seq: last.seq + 1,
      operationId: 'op-forged',
      transferId: 't-forged',
      kind: 'outcome' as const,
      recordedAt: new Date().toISOString(),
      subject: 'succeeded',
      digest: null,
      body: canonicalJson({ status: 'succeeded' }),
    };
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
  } finally {
    db.close();
  }
}

describe('keyless ledger forgeries', () => {
  it('pins the station key in the first entry', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    const first = ledger.run((db) => db.prepare('SELECT kind, subject FROM entries WHERE seq = 1').get()) as {
      kind: string;
      subject: string;
    };
    expect(first).toEqual({ kind: 'key', subject: stationKey(h).fingerprint });
    expect(pinnedKey(ledger)?.fingerprint).toBe(stationKey(h).fingerprint);
  });

  it('reports entries appended after the signed head', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    expect(auditLedger(ledger).ok).toBe(true);
    const forged = forge(h);
    const report = auditLedger(ledger);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('unsigned-tail');
    expect(report.firstBroken).toBe(forged.seq);
  });

  it('reports a key dropped into keys/ that signed a new head', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    closeLedgers();
    // The forger replaces the key, appends, and signs a head with their own key.
    rmSync(join(h, KEY_FOLDER), { recursive: true });
    const forged = forge(h);
    const theirs = stationKey(mkdtempSync(join(tmpdir(), 'ferry-forger-')));
    writeHead(h, { seq: forged.seq, hash: forged.hash, updatedAt: new Date().toISOString() }, theirs);
    const report = auditLedger(Ledger.open(h));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/not the key the ledger pins/);
  });

  it('does not read a crash between the head and the commit as tampering', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    const before = readHead(h);
    if (before.status !== 'ok') throw new Error('no head');
    // What an append killed after writing the head and before its commit leaves: a head two entries
    // further on, naming the committed head it followed.
    writeHead(
      h,
      {
        seq: before.head.seq + 2,
        hash: 'f'.repeat(64),
        updatedAt: new Date().toISOString(),
        previous: before.head,
      },
      stationKey(h),
    );
    const report = auditLedger(ledger);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.interrupted).toMatchObject({ from: before.head.seq + 1, to: before.head.seq + 2 });
  });
});
