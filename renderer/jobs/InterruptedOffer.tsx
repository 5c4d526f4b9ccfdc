// The next start after Ferry was closed (or lost power) mid-transfer: offers to resume each pull or
// push that was running or paused. Resuming starts it again; the engine continues where it stopped.
import { useEffect, useState } from 'react';
import type { InterruptedJob } from '../../shared/jobs.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatTime } from '../format.ts';

export function InterruptedOffer({ onResumed }: { onResumed: (jobId: string) => void }) {
  const [jobs, setJobs] = useState<InterruptedJob[]>([]);
  const [error, setError] = useState<ErrorDTO>();
  useEffect(() => {
    call('job:interrupted', {}).then(setJobs, () => setJobs([]));
  }, []);
  if (jobs.length === 0 && !error) return null;
  const drop = (jobId: string) => setJobs((list) => list.filter((j) => j.jobId !== jobId));
  const resume = async (j: InterruptedJob) => {
    setError(undefined);
    try {
      const started = await call('job:restart', { jobId: j.jobId });
      drop(j.jobId);
      onResumed(started.jobId);
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const dismiss = (j: InterruptedJob) => {
    void call('job:dismiss', { jobId: j.jobId }).finally(() => drop(j.jobId));
  };
  return (
    <section className="notice info interrupted" aria-label="Interrupted transfers">
      <p className="notice-title">Ferry was closed during a transfer</p>
      <ul>
        {jobs.map((j) => (
          <li key={j.jobId}>
            <span>
              {j.title} — started {formatTime(j.startedAt)}. What was written is kept: resume continues from
              there.
            </span>{' '}
            <button
              type="button"
              className="primary"
              onClick={() => void resume(j)}
              aria-label={`Resume: ${j.title}`}
            >
              Resume
            </button>{' '}
            <button type="button" onClick={() => dismiss(j)} aria-label={`Dismiss: ${j.title}`}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
