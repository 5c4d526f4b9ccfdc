import type { ReactNode } from 'react';
import { ErrorCodes } from '../../shared/errors.ts';
import type { ImageProgress } from '../../shared/jobs.ts';
import { call } from '../api.ts';
import { formatBytes, formatDuration, progressValueText } from '../format.ts';
import { JobControls } from '../jobs/JobControls.tsx';
import { runSeconds, type JobView } from '../state/job-store.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

interface Props {
  view: JobView | undefined;
  /** What the job works through (images, or files for a copy), in display order; else the job's own. */
  items: string[];
  itemLabel: string;
  canPause?: boolean;
  /**
   * Offered when the job failed: runs it again. Without it, the same job runs again in place
   * (job:retry): a pull continues where it stopped, a push skips what the registry holds.
   */
  onRetry?: () => void;
  /** Shown under a failure: the inputs to correct before retrying (RetryInPlace). */
  fix?: ReactNode;
}

/** One image's state in words: waiting, downloading n%, done, failed. */
export function imageStateText(s: ImageProgress | undefined, verb = 'copying'): string {
  if (!s || s.status === 'waiting') return 'waiting';
  if (s.status === 'copying')
    return `${verb} ${s.bytesTotal > 0 ? Math.floor((s.bytesDone / s.bytesTotal) * 100) : 0}%`;
  if (s.status === 'done') return 'done';
  return s.message ? `failed: ${s.message}` : 'failed';
}

/** Bytes, rate, ETA, time so far and each item's state of a running job, with pause, resume and cancel. */
export function ProgressPanel({ view, items, itemLabel, canPause = true, onRetry, fix }: Props) {
  if (!view) return <p role="status">Starting…</p>;
  const percent = view.bytesTotal > 0 ? Math.floor((view.bytesDone / view.bytesTotal) * 100) : 0;
  const running = view.status === 'running';
  const rows = items.length > 0 ? items : Object.keys(view.items);
  const verb = view.kind === 'pull' ? 'downloading' : view.kind === 'push' ? 'uploading' : 'copying';
  const states = rows.map((item) => view.items[item]);
  const count = (s: ImageProgress['status']) => states.filter((x) => (x?.status ?? 'waiting') === s).length;
  const retry = onRetry ?? (() => void call('job:retry', { jobId: view.jobId }));
  const failed = view.status === 'failed';
  const diskFull = view.error?.code === ErrorCodes.DISK_FULL;
  const fixing = failed && !diskFull && fix ? fix : undefined;
  return (
    <section className="progress-panel" aria-label="Progress">
      <p className="phase" role="status" aria-live="polite">
        {view.status === 'paused'
          ? 'Paused: press Resume to continue where it stopped.'
          : view.status === 'cancelled'
            ? 'Cancelled: what was written is kept; press Resume to continue from there.'
            : view.status === 'failed'
              ? 'Stopped by the problem below: what was written is kept.'
              : view.phase || 'Working…'}
      </p>
      {/* The value spelled out for screen readers: a bare percentage says nothing about size or time. */}
      <progress
        max={100}
        value={percent}
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={progressValueText(view.bytesDone, view.bytesTotal, running ? view.eta : undefined)}
      />
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
          <dt>Time so far</dt>
          <dd data-testid="elapsed">{formatDuration(runSeconds(view))}</dd>
        </div>
        <div>
          <dt>{itemLabel}</dt>
          <dd>
            {view.itemsDone} of {view.itemsTotal || rows.length}
          </dd>
        </div>
      </dl>
      {rows.length > 0 && (
        <p className="counts" data-testid="item-counts">
          {count('done')} done · {count('copying')} {verb} · {count('waiting')} waiting
          {count('failed') ? ` · ${count('failed')} failed` : ''}
        </p>
      )}
      <JobControls view={view} canPause={canPause} />
      {/* A fix, where given, shows the failure itself, in its side's words and with its buttons. */}
      {view.error && view.status !== 'paused' && view.status !== 'cancelled' && !fixing && (
        <ErrorNotice
          error={view.error}
          {...(failed ? { action: { label: diskFull ? 'Resume' : 'Try again', run: retry } } : {})}
        />
      )}
      {fixing}
      {rows.length > 0 && (
        <table className="items">
          <caption>{itemLabel}</caption>
          <thead>
            <tr>
              <th scope="col">{itemLabel.replace(/s$/, '')}</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((item, n) => {
              const s = view.items[item];
              return (
                <tr key={`${n}:${item}`} className={`item-${s?.status ?? 'waiting'}`}>
                  <td className="mono">{item}</td>
                  <td>{imageStateText(s, verb)}</td>
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
