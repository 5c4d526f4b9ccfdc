// A station's ledger keeps every transfer ever made, and one edition's pull records ~60,000 entries
// (one per blob). The lookups made by every history view and at the end of every pull must go
// straight to the few entries they need, or they slow down as the history grows. SQLite's query
// plan says what a statement reads; these check the plans of the statements the real code runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { history } from './history.ts';
import { INTERRUPTED_PULLS_SQL } from './interrupted-pulls.ts';
import { closeLedgers, Ledger } from './ledger.ts';

const homes: string[] = [];
afterEach(() => {
  closeLedgers();
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ledgerWithPulls(pulls: number, blobsEach: number): Ledger {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-ledger-growth-'));
  homes.push(dir);
  const ledger = Ledger.open(dir);
  for (let i = 0; i < pulls; i++) {
    ledger.append({ operationId: `op-${i}`, transferId: `t-${i}` }, [
      { kind: 'operation', subject: 'pull', body: { direction: 'pull', bundleDir: `/b/${i}` } },
      {
        kind: 'image',
        subject: `reg/app:${i}`,
        body: {
          source: `reg/app:${i}`,
          digest: 'sha256:1',
          platforms: [],
          bytes: 1,
          target: { repository: 'app' },
        },
      },
      ...Array.from({ length: blobsEach }, (_, b) => ({
        kind: 'blob' as const,
        digest: `sha256:${String(b).padStart(64, '0')}`,
        body: { size: b },
      })),
      { kind: 'outcome', subject: 'succeeded', body: { status: 'succeeded' } },
    ]);
  }
  return ledger;
}

function plan(ledger: Ledger, sql: string, params: unknown[]): string[] {
  return (ledger.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
    (r) => r.detail,
  );
}

/** Every SELECT `action` prepares on the ledger's connection, with the parameters it ran with. */
function selectsRunBy(ledger: Ledger, action: () => void): Array<{ sql: string; params: unknown[] }> {
  const seen: Array<{ sql: string; params: unknown[] }> = [];
  const db = ledger.db;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const stmt = prepare(sql) as Statement;
    if (!/^\s*SELECT/i.test(sql)) return stmt;
    for (const method of ['all', 'get', 'iterate'] as const) {
      const run = stmt[method].bind(stmt) as (...args: unknown[]) => unknown;
      (stmt as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
        seen.push({ sql, params });
        return run(...params);
      };
    }
    return stmt;
  }) as typeof db.prepare;
  try {
    action();
  } finally {
    db.prepare = prepare;
  }
  return seen;
}

describe('ledger lookups as the history grows', () => {
  it("history finds each operation's outcome, images and signature without reading its blob entries", () => {
    const ledger = ledgerWithPulls(3, 50);
    const statements = selectsRunBy(ledger, () => expect(history(ledger)).toHaveLength(3));
    const byKind = statements.filter((s) => /operation_id IN \(SELECT value FROM json_each/.test(s.sql));
    expect(byKind).toHaveLength(1);
    // Without the (operation_id, kind) index SQLite walked every entry of those kinds in the whole
    // ledger, or every entry of each operation, blobs and all: it grew with every pull recorded.
    expect(plan(ledger, byKind[0]!.sql, byKind[0]!.params).join('\n')).toMatch(
      /SEARCH entries USING INDEX entries_operation_kind \(operation_id=\? AND kind=\?\)/,
    );
  });

  it('the end of a pull lists finished operations once, not once per earlier pull', () => {
    const ledger = ledgerWithPulls(3, 50);
    // A run killed while it copied, then the run that finishes its transfer.
    const killed = {
      kind: 'operation' as const,
      subject: 'pull',
      body: { startedAt: 'then', bundleDir: '/b/k' },
    };
    ledger.append({ operationId: 'op-killed', transferId: 't-k' }, [killed]);
    ledger.append({ operationId: 'op-again', transferId: 't-k' }, [
      { ...killed, body: { bundleDir: '/b/k' } },
    ]);
    const steps = plan(ledger, INTERRUPTED_PULLS_SQL, ['op-again', 't-k', '/b/k']);
    // The outcome check and the transfer's operations are lists built once. The one per-row check
    // left is for a run killed before it had a transfer, into the same folder: a handful of entries.
    expect(steps.filter((s) => s.startsWith('CORRELATED'))).toHaveLength(1);
    expect(steps).toContain('SEARCH entries USING INDEX entries_kind (kind=?)');
    const found = ledger.db.prepare(INTERRUPTED_PULLS_SQL).all('op-again', 't-k', '/b/k');
    expect(found).toEqual([{ operationId: 'op-killed', startedAt: 'then' }]);
  });
});
