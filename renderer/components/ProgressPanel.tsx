import { formatBytes, formatDuration } from '../format.ts';
import type { JobView } from '../state/job-store.ts';
import { call } from '../api.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

interface Props {
  view: JobView | undefined;
  /** What the job works through (images, or files for a copy), in display order. */
  items: string[];
  itemLabel: string;
  canPause?: boolean;
  /** Offered when the job failed or was cancelled: runs it again (a pull continues where it stopped). */
  onRetry?: () => void;
}

const stateText = { done: 'done', failed: 'failed', pending: 'waiting' } as const;

/** Bytes, rate, ETA and each item's state of a running job, with pause, resume and cancel. */
export function ProgressPanel({ view, items, itemLabel, canPause = true, onRetry }: Props) {
  if (!view) return <p role="status">Starting…</p>;
  const percent = view.bytesTotal > 0 ? Math.floor((view.bytesDone / view.bytesTotal) * 100) : 0;
  const control = (channel: 'job:pause' | 'job:resume' | 'job:cancel') =>
    void call(channel, { jobId: view.jobId });
  const running = view.status === 'running';
  return (
    <section className="progress-panel" aria-label="Progress">
      <p className="phase" role="status" aria-live="polite">
        {view.status === 'paused'
          ? 'Paused: press Resume to continue where it stopped.'
          : view.phase || 'Working…'}
      </p>
      <progress max={100} value={percent} aria-label={`${percent}% done`} />
      <dl className="stats">
        <div>
          <dt>Done</dt>
          <dd>
            {formatBytes(view.bytesDone)} of {formatBytes(view.bytesTotal)} ({percent}%)
          </dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{running ? `${formatBytes(view.rate)}/s` : '—'}</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>{running ? formatDuration(view.eta) : '—'}</dd>
        </div>
        <div>
          <dt>{itemLabel}</dt>
          <dd>
            {view.itemsDone} of {view.itemsTotal || items.length}
          </dd>
        </div>
      </dl>
      <div className="actions">
        {canPause && running && (
          <button type="button" onClick={() => control('job:pause')}>
            Pause
          </button>
        )}
        {view.status === 'paused' && (
          <button type="button" className="primary" onClick={() => control('job:resume')}>
            Resume
          </button>
        )}
        {(running || view.status === 'paused') && (
          <button type="button" className="danger" onClick={() => control('job:cancel')}>
            Cancel
          </button>
        )}
      </div>
      {view.error && view.status !== 'paused' && (
        <ErrorNotice
          error={view.error}
          {...(onRetry ? { action: { label: 'Try again', run: onRetry } } : {})}
        />
      )}
      {items.length > 0 && (
        <table className="items">
          <caption>{itemLabel}</caption>
          <thead>
            <tr>
              <th scope="col">{itemLabel.replace(/s$/, '')}</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, n) => {
              const s = view.items[item];
              const state = s?.status ?? 'pending';
              return (
                <tr key={`${n}:${item}`} className={`item-${state}`}>
                  <td className="mono">{item}</td>
                  <td>
                    {stateText[state]}
                    {s?.message ? `: ${s.message}` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {view.log.length > 0 && (
        <details className="log">
          <summary>Log ({view.log.length} lines)</summary>
          <pre>{view.log.join('\n')}</pre>
        </details>
      )}
    </section>
  );
}
