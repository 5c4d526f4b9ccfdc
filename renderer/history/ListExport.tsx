// Export of the listed transfers (an audit period, an image, the failures) as one report file, and
// of the station's public key (what the isolated side trusts; today's `ferry key export`).
import { useState } from 'react';
import type { HistoryFilter, ReportFormat } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';

const formats: Array<{ format: ReportFormat; label: string }> = [
  { format: 'html', label: 'HTML' },
  { format: 'csv', label: 'CSV' },
  { format: 'pdf', label: 'PDF' },
];

export function ListExport({ filter, count }: { filter: HistoryFilter; count: number }) {
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
  return (
    <div className="list-export">
      <div className="actions" role="group" aria-label={`Export the ${count} listed transfer(s)`}>
        <span>Export these {count} transfer(s):</span>
        {formats.map((f) => (
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
        <span role="status" className="status-text">
          {saved}
        </span>
      </div>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
