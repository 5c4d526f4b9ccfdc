// Forgeries by someone who can write the station folder but does not hold the station key: entries
// appended after the signed head, and a key of their own dropped into keys/ with a head it signed.
// Both must be reported. A crash between writing the head and committing must not read as tampering.
// Key changes are ledger entries signed by the key before them: a chain of them audits clean, a
// change written without the old key does not, and a rotation stopped half-way settles either way.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forgeAppend, forgeEdit, forgeRotation } from '../../../test/support/ledger-forgery.ts';
import {
  forgetStationKey,
  KEY_FOLDER,
  STAGED_KEY_FILE,
  stageStationKey,
  stationKey,
} from '../signing/station-key.ts';
import { auditLedger } from './audit.ts';
import { readHead, writeHead } from './head.ts';
import { keyChain, keyRotationEntry, pinnedKey } from './key-pin.ts';
import { finishInterruptedRotation, rotateStationKey } from './key-rotation.ts';
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
    const forged = forgeAppend(h);
    const report = auditLedger(ledger);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('unsigned-tail');
    expect(report.firstBroken).toBe(forged.seq);
  });

  it('reports an entry edited and re-chained, with the append-only triggers put back', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    closeLedgers();
    forgeEdit(h, 3);
    const report = auditLedger(Ledger.open(h));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('head');
  });

  it('reports a key dropped into keys/ that signed a new head', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    closeLedgers();
    // The forger replaces the key, appends, and signs a head with their own key.
    rmSync(join(h, KEY_FOLDER), { recursive: true });
    const forged = forgeAppend(h);
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

describe('key changes are signed ledger events', () => {
  it('ferry key rotate: a chain of changes, each signed by the key before it, audits clean', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    const first = stationKey(h).fingerprint;
    const one = rotateStationKey(ledger);
    expect(one.from).toBe(first);
    expect(stationKey(h).fingerprint).toBe(one.to);
    fill(ledger);
    const two = rotateStationKey(ledger);
    expect(two.from).toBe(one.to);
    fill(ledger);
    const chain = keyChain(ledger);
    expect(chain.pinned?.fingerprint).toBe(first);
    expect(chain.current?.fingerprint).toBe(two.to);
    expect(chain.rotations.map((r) => [r.from, r.to])).toEqual([
      [first, one.to],
      [one.to, two.to],
    ]);
    const head = readHead(h);
    expect(head.status === 'ok' && head.fingerprint).toBe(two.to);
    expect(auditLedger(ledger).problems).toEqual([]);
  });

  it('still reports a key swapped into keys/ after a rotation', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    rotateStationKey(ledger);
    closeLedgers();
    rmSync(join(h, KEY_FOLDER), { recursive: true });
    forgetStationKey(h);
    const theirs = stationKey(h); // a new key, made by Ferry on first use
    const forged = forgeAppend(h);
    writeHead(h, { seq: forged.seq, hash: forged.hash, updatedAt: new Date().toISOString() }, theirs);
    const report = auditLedger(Ledger.open(h));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(
      /keys\/ holds the key .*, not the station key the ledger names/,
    );
  });

  it('reports a key change written without the old key, and the head its key signed', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    closeLedgers();
    const forged = forgeRotation(h);
    const report = auditLedger(Ledger.open(h));
    expect(report.ok).toBe(false);
    const messages = report.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(
      new RegExp(`entry #${forged.seq} changes the station key .* without the signature`),
    );
    expect(messages).toMatch(/ledger-head\.json is signed by .*, not the key the ledger pins/);
  });

  it('installs a staged key the ledger already names; discards one it never recorded', () => {
    const h = home();
    const ledger = Ledger.open(h);
    fill(ledger);
    const old = stationKey(h);
    // Stopped after recording the change, before installing the key.
    const next = stageStationKey(h);
    ledger.append({ operationId: 'station', transferId: '' }, [keyRotationEntry(old, next)]);
    expect(stationKey(h).fingerprint).toBe(old.fingerprint);
    expect(auditLedger(ledger).ok).toBe(false);
    finishInterruptedRotation(ledger);
    expect(stationKey(h).fingerprint).toBe(next.fingerprint);
    fill(ledger);
    expect(auditLedger(ledger).problems).toEqual([]);
    // Stopped after staging, before recording: the old key stays in force.
    stageStationKey(h);
    finishInterruptedRotation(ledger);
    expect(stationKey(h).fingerprint).toBe(next.fingerprint);
    expect(existsSync(join(h, KEY_FOLDER, STAGED_KEY_FILE))).toBe(false);
    expect(auditLedger(ledger).problems).toEqual([]);
  });
});
