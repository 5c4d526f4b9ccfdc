import type { JobView } from '../state/job-store.ts';
import { call } from '../api.ts';

/** Pause, Resume and Cancel of one job; Resume also continues a cancelled or failed job where it stopped. */
export function JobControls({
  view,
  canPause = true,
  label,
}: {
  view: JobView;
  canPause?: boolean;
  label?: string;
}) {
  const control = (channel: 'job:pause' | 'job:resume' | 'job:cancel') =>
    void call(channel, { jobId: view.jobId });
  const retry = () => void call('job:retry', { jobId: view.jobId });
  const running = view.status === 'running';
  // Names stay short for screen readers; in the panel they say which transfer (label).
  const name = (verb: string) => (label ? `${verb} ${label}` : undefined);
  return (
    <div className="actions">
      {canPause && running && (
        <button type="button" onClick={() => control('job:pause')} aria-label={name('Pause')}>
          Pause
        </button>
      )}
      {view.status === 'paused' && (
        <button
          type="button"
          className="primary"
          onClick={() => control('job:resume')}
          aria-label={name('Resume')}
        >
          Resume
        </button>
      )}
      {view.status === 'cancelled' && view.kind !== 'verify' && (
        <button type="button" className="primary" onClick={retry} aria-label={name('Resume')}>
          Resume
        </button>
      )}
      {(running || view.status === 'paused') && (
        <button
          type="button"
          className="danger"
          onClick={() => control('job:cancel')}
          aria-label={name('Cancel')}
        >
          Cancel
        </button>
      )}
    </div>
  );
}
