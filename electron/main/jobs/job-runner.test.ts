// Long jobs: an id at once, events and states as they happen, cancel, and pause/resume that runs the
// job again (the engine's jobs resume from what they already wrote).
import { describe, expect, it } from 'vitest';
import type { JobStateMessage } from '../../../shared/dto.ts';
import type { JobEvent } from '../../../shared/jobs.ts';
import { CancelledError, DiskFullError } from '../../engine/errors.ts';
import { JobRunner, type JobContext } from './job-runner.ts';

function runner() {
  const states: JobStateMessage[] = [];
  const events: Array<[string, JobEvent]> = [];
  const jobs = new JobRunner({ state: (m) => states.push(m), event: (id, e) => events.push([id, e]) });
  return { jobs, states, events };
}

/** A job that works until aborted (like a copy), or until `finish` is called. */
function controllable() {
  const attempts: number[] = [];
  let finish: (() => void) | undefined;
  const run = (c: JobContext) =>
    new Promise<{ stick: number; destination: string; files: number; bytes: number }>((resolve, reject) => {
      attempts.push(c.attempt);
      c.emit({ type: 'log', level: 'info', message: `attempt ${c.attempt}` });
      c.signal.addEventListener('abort', () => reject(c.signal.reason as Error));
      finish = () => resolve({ stick: 1, destination: '/d', files: 1, bytes: c.attempt });
    });
  return { attempts, run, finish: () => finish!() };
}

describe('JobRunner', () => {
  it('answers with a job id at once, streams events and ends with the outcome', async () => {
    const { jobs, states, events } = runner();
    const job = controllable();
    const { jobId, kind } = jobs.start({ kind: 'copy', run: job.run });
    expect(kind).toBe('copy');
    expect(states).toEqual([{ jobId, kind: 'copy', status: 'running' }]);
    job.finish();
    await jobs.settled(jobId);
    expect(events).toEqual([[jobId, { type: 'log', level: 'info', message: 'attempt 0' }]]);
    expect(states.at(-1)).toEqual({
      jobId,
      kind: 'copy',
      status: 'succeeded',
      outcome: { kind: 'copy', value: { stick: 1, destination: '/d', files: 1, bytes: 0 } },
    });
  });

  it('cancels a running job', async () => {
    const { jobs, states } = runner();
    const { jobId } = jobs.start({ kind: 'copy', run: controllable().run });
    expect(jobs.cancel(jobId)).toBe(true);
    await jobs.settled(jobId);
    expect(states.at(-1)).toMatchObject({ status: 'cancelled', error: { code: 'FERRY_ERR_CANCELLED' } });
    expect(jobs.cancel(jobId)).toBe(false);
    expect(jobs.cancel('no-such-job')).toBe(false);
  });

  it('pauses, then resumes by running the job again with the next attempt number', async () => {
    const { jobs, states, events } = runner();
    const job = controllable();
    const { jobId } = jobs.start({ kind: 'copy', run: job.run });
    expect(jobs.pause(jobId)).toBe(true);
    await jobs.settled(jobId);
    expect(jobs.status(jobId)).toBe('paused');
    expect(states.at(-1)).toEqual({ jobId, kind: 'copy', status: 'paused' });
    expect(jobs.pause(jobId)).toBe(false);

    expect(jobs.resume(jobId)).toBe(true);
    expect(states.at(-1)).toEqual({ jobId, kind: 'copy', status: 'running' });
    job.finish();
    await jobs.settled(jobId);
    expect(job.attempts).toEqual([0, 1]);
    expect(states.at(-1)).toMatchObject({ status: 'succeeded', outcome: { value: { bytes: 1 } } });
    expect(events.map(([, e]) => (e.type === 'log' ? e.message : ''))).toEqual(['attempt 0', 'attempt 1']);
    expect(jobs.resume(jobId)).toBe(false);
  });

  it('cancels a paused job', async () => {
    const { jobs, states } = runner();
    const { jobId } = jobs.start({ kind: 'copy', run: controllable().run });
    jobs.pause(jobId);
    await jobs.settled(jobId);
    expect(jobs.cancel(jobId)).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'cancelled' });
  });

  it('reports a failure with its code and message', async () => {
    const { jobs, states } = runner();
    const { jobId } = jobs.start({
      kind: 'pull',
      run: () => Promise.reject(new DiskFullError('disk full writing /media/usb/x: free some space')),
    });
    await jobs.settled(jobId);
    expect(states.at(-1)).toEqual({
      jobId,
      kind: 'pull',
      status: 'failed',
      error: { code: 'FERRY_ERR_DISK_FULL', message: 'disk full writing /media/usb/x: free some space' },
    });
  });

  it('treats a job that gave up on its own signal as cancelled, and cancelAll stops everything', async () => {
    const { jobs, states } = runner();
    const a = jobs.start({ kind: 'copy', run: controllable().run });
    const b = jobs.start({ kind: 'verify', run: () => Promise.reject(new CancelledError()) });
    await jobs.settled(b.jobId);
    expect(states.find((s) => s.jobId === b.jobId && s.status !== 'running')?.status).toBe('cancelled');
    await jobs.cancelAll();
    expect(jobs.status(a.jobId)).toBe('cancelled');
  });
});
