// A pull killed and run again is one transfer, not a finished one beside a dangling "unfinished"
// one. Each pull names its transfer in the ledger as soon as it knows it (a 'transfer' entry); the
// run that finishes the transfer closes every earlier run of it that never recorded an outcome
// with a 'superseded' entry naming itself, in the same transaction as its own outcome. History then
// lists the finished run (with the runs it resumed), and the report still shows every run.
import type { NewEntry } from './entry.ts';
import type { Ledger } from './ledger.ts';

export interface TransferBody {
  transferId: string;
}

export interface SupersededBody {
  /** The operation that finished the transfer. */
  by: string;
  endedAt: string;
}

export interface InterruptedRun {
  operationId: string;
  startedAt: string;
}

export function transferEntry(transferId: string): NewEntry {
  const body: TransferBody = { transferId };
  return { kind: 'transfer', subject: transferId, body };
}

export function supersededEntry(by: string): NewEntry {
  const body: SupersededBody = { by, endedAt: new Date().toISOString() };
  return { kind: 'superseded', subject: by, body };
}

/**
 * Earlier pulls, never finished, that `operationId` takes over: those that worked on `transferId`,
 * and those into the same folder killed before they had a transfer at all (the folder's lock,
 * held by the caller, means none of them is still running).
 *
 * The finished operations and those of the transfer are each listed once, not looked up again for
 * every earlier pull: this runs at the end of every pull, and a ledger holds every pull ever made.
 */
export const INTERRUPTED_PULLS_SQL = `SELECT o.operation_id AS operationId, json_extract(o.body, '$.startedAt') AS startedAt
   FROM entries o
   WHERE o.kind = 'operation' AND o.subject = 'pull'
     AND o.seq < (SELECT min(seq) FROM entries WHERE operation_id = ?)
     AND o.operation_id NOT IN (SELECT operation_id FROM entries WHERE kind IN ('outcome', 'superseded'))
     AND (o.operation_id IN (SELECT operation_id FROM entries WHERE transfer_id = ?)
          OR (json_extract(o.body, '$.bundleDir') = ?
              AND NOT EXISTS (SELECT 1 FROM entries t WHERE t.operation_id = o.operation_id
                              AND t.transfer_id != '')))
   ORDER BY o.seq`;

export function interruptedPulls(
  ledger: Ledger,
  run: { operationId: string; transferId: string; bundleDir: string },
): InterruptedRun[] {
  return ledger.run(
    (db) =>
      db
        .prepare(INTERRUPTED_PULLS_SQL)
        .all(run.operationId, run.transferId, run.bundleDir) as InterruptedRun[],
  );
}
