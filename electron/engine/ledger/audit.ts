// `ferry audit verify`: proves the ledger was not edited. Recomputes every entry's hash from its
// content and the previous entry's hash, looks for gaps in the numbering (removed entries), compares
// the last entry with the signed head file (removed last entries), and checks that the append-only
// triggers are still in place. Names the first broken entry; lists the rest. Entries after the
// signed head were added without the station key; the head must be signed by the key the ledger
// pins in its first entry, whatever key lies in keys/ now.
import type { Db } from './database.ts';
import { entryHash, GENESIS_HASH, type EntryKind, type RawEntryRow } from './entry.ts';
import { HEAD_FILE, readHead } from './head.ts';
import type { Ledger } from './ledger.ts';
import { stationKey } from '../signing/station-key.ts';
import { keyChain } from './key-pin.ts';

export interface AuditProblem {
  /** The entry where the chain breaks (for deleted entries: the first one missing). */
  seq: number;
  kind:
    | 'changed'
    | 'relinked'
    | 'missing'
    | 'removed-tail'
    | 'unsigned-tail'
    | 'head'
    | 'key'
    | 'triggers'
    | 'database';
  message: string;
  entry?: { kind: EntryKind; operationId: string; transferId: string; recordedAt: string };
}

export interface AuditReport {
  ok: boolean;
  entries: number;
  /** The last entry: write its hash down, or print a report, to anchor the ledger outside this station. */
  head?: { seq: number; hash: string; recordedAt: string };
  problems: AuditProblem[];
  /** The first entry where the chain breaks, when it does. */
  firstBroken?: number;
  /** An append that never committed (Ferry stopped between writing the head and the commit): a note,
   *  not an edit. */
  interrupted?: { from: number; to: number; message: string };
  /** How many problems were found beyond the ones listed. */
  moreProblems: number;
  seconds: number;
}

const LISTED = 50;

function triggersPresent(db: Db): string[] {
  const names = new Set(
    (
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{ name: string }>
    ).map((r) => r.name),
  );
  return ['entries_refuse_update', 'entries_refuse_delete'].filter((n) => !names.has(n));
}

export function auditLedger(ledger: Ledger): AuditReport {
  const started = performance.now();
  const problems: AuditProblem[] = [];
  let more = 0;
  const add = (p: AuditProblem) => {
    if (problems.length < LISTED) problems.push(p);
    else more++;
  };

  return ledger.run((db) => {
    const integrity = db.pragma('quick_check', { simple: true }) as string;
    if (integrity !== 'ok') {
      add({ seq: 0, kind: 'database', message: `the database file is damaged: ${integrity}` });
    }
    const missingTriggers = triggersPresent(db);
    if (missingTriggers.length) {
      add({
        seq: 0,
        kind: 'triggers',
        message: `the append-only guard ${missingTriggers.join(' and ')} was removed from the database: someone edited it outside Ferry`,
      });
    }

    let count = 0;
    let expectedSeq = 1;
    let prevStoredHash = GENESIS_HASH;
    let last: AuditReport['head'];
    const keys = keyChain(ledger);
    for (const p of keys.problems) add({ seq: p.seq, kind: 'key', message: p.message });
    let interruptedAppend: AuditReport['interrupted'];
    const rows = db
      .prepare(
        'SELECT seq, operation_id, transfer_id, kind, recorded_at, subject, digest, body, prev_hash, hash FROM entries ORDER BY seq',
      )
      .raw()
      .iterate() as IterableIterator<RawEntryRow>;
    for (const [
      seq,
      operationId,
      transferId,
      kind,
      recordedAt,
      subject,
      digest,
      body,
      prevHash,
      hash,
    ] of rows) {
      count++;
      const entry = { kind, operationId, transferId, recordedAt };
      const what = `entry #${seq} (${kind}${transferId ? ` of transfer ${transferId}` : ''}, recorded ${recordedAt})`;
      if (seq !== expectedSeq) {
        add({
          seq: expectedSeq,
          kind: 'missing',
          message:
            seq === expectedSeq + 1
              ? `entry #${expectedSeq} is missing: it was deleted (the chain resumes at ${what})`
              : `entries #${expectedSeq}–#${seq - 1} are missing: they were deleted (the chain resumes at ${what})`,
          entry,
        });
      } else if (prevHash !== prevStoredHash) {
        add({
          seq,
          kind: 'relinked',
          message: `${what} does not follow the entry before it: entry #${seq - 1} was replaced or rewritten with a new hash`,
          entry,
        });
      }
      const actual = entryHash(prevHash, {
        seq,
        operationId,
        transferId,
        kind,
        recordedAt,
        subject,
        digest,
        body,
      });
      if (actual !== hash) {
        add({
          seq,
          kind: 'changed',
          message: `${what} was changed after it was recorded: its content no longer matches its hash`,
          entry,
        });
      }
      prevStoredHash = hash;
      expectedSeq = seq + 1;
      last = { seq, hash, recordedAt };
    }

    // Entries removed from the end leave no gap in the chain; the sequence and the head file show them.
    const used = (
      db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'entries'").get() as
        { seq: number } | undefined
    )?.seq;
    const lastSeq = last?.seq ?? 0;
    if (used !== undefined && used > lastSeq) {
      add({
        seq: lastSeq + 1,
        kind: 'removed-tail',
        message: `entries #${lastSeq + 1}–#${used} were deleted from the end of the ledger (it had reached #${used})`,
      });
    }
    const head = readHead(ledger.home);
    if (head.status === 'missing') {
      if (count > 0)
        add({
          seq: lastSeq,
          kind: 'head',
          message: `${HEAD_FILE} is missing: the ledger's last entries cannot be checked`,
        });
    } else if (head.status === 'unreadable') {
      add({ seq: lastSeq, kind: 'head', message: `${HEAD_FILE} cannot be trusted: ${head.reason}` });
    } else {
      const station = stationKey(ledger.home).fingerprint;
      const current = keys.current;
      if (current && station !== current.fingerprint) {
        add({
          seq: 0,
          kind: 'key',
          message: keys.rotations.length
            ? `keys/ holds the key ${station}, not the station key the ledger names (${current.fingerprint}, since entry #${current.since}): the station key was replaced outside Ferry (a key change is 'ferry key rotate', signed by the key before it)`
            : `keys/ holds the key ${station}, not the key the ledger pins (${current.fingerprint}): the station key was replaced outside Ferry (a key change is 'ferry key rotate', signed by the key before it)`,
        });
      }
      // The head is signed by the key that appended its entry (a rotation's own head: the old key);
      // a head ahead of the ledger (an interrupted append) by the key in force now. Ledgers begun
      // before key pinning trust the key in keys/, as they always did.
      const expected = head.head.seq <= lastSeq ? keys.keyAt(head.head.seq) : current;
      const trusted = expected?.fingerprint ?? station;
      if (head.fingerprint !== trusted) {
        add({
          seq: lastSeq,
          kind: 'head',
          message: current
            ? `${HEAD_FILE} is signed by ${head.fingerprint}, not the key the ledger pins (${trusted})`
            : `${HEAD_FILE} is signed by ${head.fingerprint}, not by this station's key ${station}`,
        });
      }
      const previous = head.head.previous;
      // A crash after the head was written and before the commit: the head is one append ahead and
      // names the ledger's real end as the head it followed. Nothing was lost or added.
      const interrupted = previous !== undefined && previous.seq === lastSeq && previous.hash === last?.hash;
      if (head.head.seq > lastSeq && interrupted) {
        interruptedAppend = {
          from: lastSeq + 1,
          to: head.head.seq,
          message: `entries #${lastSeq + 1}–#${head.head.seq} were never committed: Ferry was stopped while recording them (the job they describe did not finish)`,
        };
      }
      if (head.head.seq > lastSeq) {
        if (!interrupted && !(used !== undefined && used >= head.head.seq)) {
          add({
            seq: lastSeq + 1,
            kind: 'removed-tail',
            message: `entries #${lastSeq + 1}–#${head.head.seq} were deleted from the end of the ledger (its signed head is #${head.head.seq})`,
          });
        }
      } else {
        const at = db.prepare('SELECT hash FROM entries WHERE seq = ?').get(head.head.seq) as
          { hash: string } | undefined;
        if (at && at.hash !== head.head.hash) {
          add({
            seq: head.head.seq,
            kind: 'head',
            message: `entry #${head.head.seq} is not the one the signed head recorded: the end of the ledger was rewritten`,
          });
        }
        if (head.head.seq < lastSeq) {
          add({
            seq: head.head.seq + 1,
            kind: 'unsigned-tail',
            message: `entries #${head.head.seq + 1}–#${lastSeq} come after the signed head (#${head.head.seq}): they were added without the station key`,
          });
        }
      }
    }

    problems.sort((a, b) => a.seq - b.seq);
    const broken = problems.filter((p) => p.seq > 0).map((p) => p.seq);
    return {
      ok: problems.length === 0,
      ...(broken.length ? { firstBroken: Math.min(...broken) } : {}),
      entries: count,
      ...(last ? { head: last } : {}),
      ...(interruptedAppend ? { interrupted: interruptedAppend } : {}),
      problems,
      moreProblems: more,
      seconds: (performance.now() - started) / 1000,
    };
  });
}
