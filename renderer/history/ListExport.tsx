// Export of the listed transfers (an audit period, an image, the failures) as one report file, and
// of the station's public key (what the isolated side trusts; today's `ferry key export`).
import { useState } from 'react';
import type { HistoryFilter, ReportFormat } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatBytes } from '../format.ts';

const formats: Array<{ format: ReportFormat; label: string }> = [
  { format: 'html', label: 'HTML' },
  { format: 'csv', label: 'CSV' },
  { format: 'pdf', label: 'PDF' },
];

export function ListExport({
  filter,
  count,
  onChanged,
}: {
  filter: HistoryFilter;
  count: number;
  /** The ledger gained entries (a receipt): the list may change. */
  onChanged?: () => void;
}) {
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<ErrorDTO>();
  const run = async (work: () => Promise<{ path: string | null }>, what: string) => {
    setError(undefined);
    setSaved('');
    try {
      const result = await work();
      setSaved(result.path ? `${what} saved to ${result.path}` : 'Not saved.');
    } catch (err) {
      setError(errorOf(err));
    }
  };
  // A receipt carried back from the isolated side: recorded here, so the next pull with "leave out
  // what the isolated registry already holds" (Review step) carries only what is new.
  const importReceipt = async () => {
    setError(undefined);
    setSaved('');
    try {
      const { path } = await call('dialog:choose', { kind: 'file', title: 'Choose the receipt' });
      if (!path) return;
      const r = await call('receipt:import', { file: path });
      setSaved(
        r.recorded
          ? `Receipt ${r.receiptId} recorded: ${formatBytes(r.bytes)} of image data is in ${r.registries.join(', ')}; an incremental pull leaves it out.`
          : `Receipt ${r.receiptId} was imported before; nothing recorded twice.`,
      );
      onChanged?.();
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <div className="list-export">
      <div className="actions" role="group" aria-label="Reports, key and receipts">
        {count > 0 && <span>Export these {count} transfer(s):</span>}
        {(count > 0 ? formats : []).map((f) => (
          <button
            key={f.format}
            type="button"
            aria-label={`Export list as ${f.label}`}
            onClick={() =>
              void run(() => call('history:export-list', { format: f.format, filter }), 'Report')
            }
          >
            {f.label}
          </button>
        ))}
        <button type="button" onClick={() => void run(() => call('key:export', {}), 'Station key')}>
          Export station key
        </button>
        <button type="button" onClick={() => void importReceipt()}>
          Import a receipt…
        </button>
        <span role="status" className="status-text">
          {saved}
        </span>
      </div>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
