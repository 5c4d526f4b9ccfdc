// The transfers panel (as Podman Desktop's tasks panel): in the top bar on every screen, it lists the
// jobs main holds — running, paused and finished — with their progress and controls, and opens the
// screen of a job so people return to a transfer they left.
import { useState } from 'react';
import { formatBytes, progressValueText } from '../format.ts';
import { useJobs, type JobView } from '../state/job-store.ts';
import { JobControls } from './JobControls.tsx';

const statusWords = {
  running: 'running',
  paused: 'paused',
  succeeded: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

export function percentOf(v: JobView): number {
  return v.bytesTotal > 0
    ? Math.floor((v.bytesDone / v.bytesTotal) * 100)
    : v.status === 'succeeded'
      ? 100
      : 0;
}

export function TransfersPanel({ onOpen }: { onOpen: (job: JobView) => void }) {
  const jobs = useJobs();
  const [open, setOpen] = useState(false);
  const active = jobs.filter((j) => j.status === 'running' || j.status === 'paused');
  if (jobs.length === 0) return null;
  const summary = active.length ? `Transfers: ${active.length} in progress` : `Transfers (${jobs.length})`;
  return (
    <div className="transfers">
      <button
        type="button"
        className="transfers-toggle"
        aria-expanded={open}
        aria-controls="transfers-panel"
        onClick={() => setOpen(!open)}
      >
        {summary}
      </button>
      {open && (
        <section id="transfers-panel" className="transfers-panel" aria-label="Transfers">
          <ul>
            {jobs.map((j) => {
              const percent = percentOf(j);
              const title = j.title ?? j.kind ?? 'job';
              return (
                <li key={j.jobId} className={`transfer transfer-${j.status}`}>
                  <p className="transfer-title">
                    <strong>{title}</strong> <span className="transfer-status">{statusWords[j.status]}</span>
                  </p>
                  <progress
                    max={100}
                    value={percent}
                    aria-label={`${title}: progress`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={percent}
                    aria-valuetext={progressValueText(
                      j.bytesDone,
                      j.bytesTotal,
                      j.status === 'running' ? j.eta : undefined,
                    )}
                  />
                  <p className="transfer-numbers">
                    {formatBytes(j.bytesDone)} of {formatBytes(j.bytesTotal)} ({percent}%) · images{' '}
                    {j.itemsDone} of {j.itemsTotal}
                  </p>
                  <div className="transfer-actions">
                    <JobControls view={j} canPause={j.kind !== 'verify'} label={title} />
                    {j.kind !== 'copy' && (
                      <button
                        type="button"
                        onClick={() => {
                          setOpen(false);
                          onOpen(j);
                        }}
                        aria-label={`Open ${title}`}
                      >
                        Open
                      </button>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
