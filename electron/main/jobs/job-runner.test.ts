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

  it('keeps a summary of every job: title, request, images, progress that never goes backwards', async () => {
    const { jobs, events } = runner();
    const job = controllable();
    const started = {
      kind: 'copy' as const,
      request: { bundleDir: '/b', destination: '/d', stick: 1, files: ['f'] },
    };
    const { jobId } = jobs.start({
      kind: 'copy',
      title: 'Copy stick 1',
      started,
      run: (c) => {
        c.emit({ type: 'progress', bytesDone: 60, bytesTotal: 100, imagesDone: 1, imagesTotal: 2 });
        c.emit({ type: 'image-bytes', image: 'a', bytesDone: 30, bytesTotal: 50 });
        c.emit({ type: 'image', image: 'b', status: 'done' });
        // A resumed run that counts from what it finds again must not pull the numbers back.
        c.emit({ type: 'progress', bytesDone: 20, bytesTotal: 100, imagesDone: 0, imagesTotal: 2 });
        c.emit({ type: 'image-bytes', image: 'a', bytesDone: 10, bytesTotal: 50 });
        return job.run(c);
      },
    });
    const summary = jobs.list()[0]!;
    expect(summary).toMatchObject({ jobId, kind: 'copy', status: 'running', title: 'Copy stick 1', started });
    expect(summary.progress).toEqual({ bytesDone: 60, bytesTotal: 100, imagesDone: 1, imagesTotal: 2 });
    expect(summary.images).toEqual({
      a: { status: 'copying', bytesDone: 30, bytesTotal: 50 },
      b: { status: 'done' },
    });
    const sent = events
      .filter(([, e]) => e.type === 'progress')
      .map(([, e]) => (e as { bytesDone: number }).bytesDone);
    expect(sent).toEqual([60, 60]);
    expect(jobs.active().map((j) => j.jobId)).toEqual([jobId]);
    job.finish();
    await jobs.settled(jobId);
    expect(jobs.get(jobId)).toMatchObject({ status: 'succeeded', endedAt: expect.any(String) as unknown });
  });

  it('keeps the count of images resolved as the phase, in the words the CLI prints', async () => {
    const { jobs, events } = runner();
    const job = controllable();
    const { jobId } = jobs.start({
      kind: 'copy',
      run: (c) => {
        c.emit({ type: 'phase', phase: 'plan', message: 'resolving 3 image(s)' });
        c.emit({ type: 'resolving', imagesDone: 2, imagesTotal: 3 });
        return job.run(c);
      },
    });
    expect(jobs.get(jobId)?.phase).toBe('resolving 2 of 3 image(s)');
    expect(events.map(([, e]) => e.type).slice(0, 2)).toEqual(['phase', 'resolving']);
    job.finish();
    await jobs.settled(jobId);
  });

  it('refuses a second job on a folder a running or paused one writes, naming it', async () => {
    const { jobs } = runner();
    const first = jobs.start({ kind: 'copy', title: 'Pull into /x', writes: '/x', run: controllable().run });
    expect(() => jobs.start({ kind: 'copy', writes: '/x', run: controllable().run })).toThrow(
      /^\/x is in use by "Pull into \/x" \(running, started .*\): open Transfers to resume or cancel it, or choose another folder$/,
    );
    jobs.pause(first.jobId);
    await jobs.settled(first.jobId);
    expect(() => jobs.start({ kind: 'copy', writes: '/x', run: controllable().run })).toThrow(/\(paused/);
    jobs.cancel(first.jobId);
    expect(jobs.start({ kind: 'copy', writes: '/x', run: controllable().run }).jobId).not.toBe(first.jobId);
  });

  it('retries a failed job under its id with a corrected spec, and a cancelled one as it was', async () => {
    const { jobs, states } = runner();
    let tries = 0;
    const { jobId } = jobs.start({
      kind: 'copy',
      run: () => Promise.reject(new DiskFullError('disk full: free some space')),
    });
    await jobs.settled(jobId);
    expect(jobs.status(jobId)).toBe('failed');
    expect(jobs.resume(jobId)).toBe(false);
    const fixed = {
      kind: 'copy' as const,
      title: 'fixed',
      run: async (c: JobContext) => {
        tries = c.attempt;
        return { stick: 1, destination: '/d', files: 1, bytes: 1 };
      },
    };
    expect(jobs.retry(jobId, fixed)).toBe(true);
    await jobs.settled(jobId);
    expect(states.at(-1)).toMatchObject({ jobId, status: 'succeeded' });
    expect(tries).toBe(1);
    expect(jobs.get(jobId)).toMatchObject({ title: 'fixed' });
    expect(jobs.get(jobId)!.error).toBeUndefined();
    expect(jobs.retry(jobId)).toBe(false); // succeeded: nothing to retry

    const c = controllable();
    const cancelled = jobs.start({ kind: 'copy', run: c.run });
    jobs.cancel(cancelled.jobId);
    await jobs.settled(cancelled.jobId);
    expect(jobs.retry(cancelled.jobId)).toBe(true);
    expect(jobs.status(cancelled.jobId)).toBe('running');
    expect(c.attempts).toEqual([0, 1]);
    expect(jobs.retry(jobId, { kind: 'pull', run: () => Promise.reject(new Error('x')) })).toBe(false);
    jobs.cancel(cancelled.jobId);
  });
});
