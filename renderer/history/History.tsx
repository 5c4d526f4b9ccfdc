import { useEffect, useState } from 'react';
import type { AuditStatus, HistoryFilter, TransferOutcome, TransferRow } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatBytes, formatDuration, formatTime } from '../format.ts';
import { ListExport } from './ListExport.tsx';
import { TransferDetailView } from './TransferDetailView.tsx';

const outcomes: TransferOutcome[] = ['succeeded', 'partial', 'failed', 'refused', 'cancelled', 'unfinished'];
const mark: Record<TransferOutcome, string> = {
  succeeded: '✓',
  partial: '◐',
  failed: '✗',
  refused: '⛔',
  cancelled: '■',
  unfinished: '…',
};

/** One row a transfer; its id opens the transfer's detail. */
const transferColumns = (open: (transferId: string) => void): Array<Column<TransferRow>> => [
  {
    header: 'Transfer',
    cell: (r) => (
      <button
        type="button"
        className="link mono"
        onClick={() => open(r.transferId)}
        aria-label={`Details of transfer ${r.transferId}`}
      >
        {r.transferId.slice(0, 8)}…
      </button>
    ),
  },
  { header: 'Started', cell: (r) => formatTime(r.startedAt) },
  {
    header: 'Steps',
    cell: (r) =>
      r.operations.map((o, i) => (
        <span key={i} className={`chip chip-${o.outcome}`} title={`${o.kind}: ${o.outcome}`}>
          {o.kind} {mark[o.outcome]}
        </span>
      )),
  },
  { header: 'From', cell: (r) => r.sources?.join(', ') || '—', cellClass: 'mono small' },
  { header: 'To', cell: (r) => r.targets?.join(', ') || '—', cellClass: 'mono small' },
  { header: 'Took', cell: (r) => (r.seconds !== undefined ? formatDuration(r.seconds) : '—'), num: true },
  { header: 'Images', cell: (r) => r.images, num: true },
  { header: 'Size', cell: (r) => formatBytes(r.bytes), num: true },
  { header: 'Operator', cell: (r) => r.operator },
  { header: 'Outcome', cell: (r) => r.outcome, cellClass: (r) => `outcome-${r.outcome}` },
];

interface Draft {
  from: string;
  to: string;
  image: string;
  digest: string;
  outcome: '' | TransferOutcome;
}

function toFilter(d: Draft): HistoryFilter {
  return {
    ...(d.from ? { from: d.from } : {}),
    ...(d.to ? { to: d.to } : {}),
    ...(d.image.trim() ? { image: d.image.trim() } : {}),
    ...(d.digest.trim() ? { digest: d.digest.trim() } : {}),
    ...(d.outcome ? { outcome: d.outcome } : {}),
  };
}

export function History() {
  const [draft, setDraft] = useState<Draft>({ from: '', to: '', image: '', digest: '', outcome: '' });
  const [rows, setRows] = useState<TransferRow[]>();
  const [audit, setAudit] = useState<AuditStatus>();
  const [error, setError] = useState<ErrorDTO>();
  const [open, setOpen] = useState<string>();
  /** The filter the listed rows answer (the export takes the same). */
  const [listed, setListed] = useState<HistoryFilter>({});

  const load = (d: Draft) => {
    setError(undefined);
    const filter = toFilter(d);
    call('history:list', filter).then(
      (r) => {
        setRows(r);
        setListed(filter);
      },
      (err: unknown) => setError(errorOf(err)),
    );
  };
  useEffect(() => {
    load(draft);
    call('history:audit', {}).then(setAudit, (err: unknown) => setError(errorOf(err)));
  }, []);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  if (open) return <TransferDetailView transferId={open} onBack={() => setOpen(undefined)} />;
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      <p className="hint">
        Times are shown in {Intl.DateTimeFormat().resolvedOptions().timeZone}; the exported reports keep UTC
        (ISO 8601).
      </p>
      {audit && (
        <p role="status" className={audit.ok ? 'notice ok' : 'notice error'}>
          {audit.message}
        </p>
      )}
      <form
        className="filters"
        aria-label="Filter transfers"
        onSubmit={(e) => {
          e.preventDefault();
          load(draft);
        }}
      >
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" type="date" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" type="date" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="image-filter">Image</label>
          <input
            id="image-filter"
            type="search"
            placeholder="vendor/app"
            value={draft.image}
            onChange={(e) => set({ image: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="digest-filter">Digest</label>
          <input
            id="digest-filter"
            type="search"
            placeholder="sha256:…"
            value={draft.digest}
            onChange={(e) => set({ digest: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="outcome-filter">Outcome</label>
          <select
            id="outcome-filter"
            value={draft.outcome}
            onChange={(e) => set({ outcome: e.target.value as Draft['outcome'] })}
          >
            <option value="">any</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
      {rows && rows.length === 0 && (
        <p role="status">No transfer matches. Clear a filter, or run a transfer first.</p>
      )}
      {rows && <ListExport filter={listed} count={rows.length} onChanged={() => load(draft)} />}
      {rows && rows.length > 0 && (
        <DataTable
          className="transfers"
          caption={`${rows.length} transfer(s), newest first`}
          columns={transferColumns(setOpen)}
          rows={rows}
          rowKey={(r) => r.transferId}
        />
      )}
    </section>
  );
}
