// Long jobs (pull, verify, push, copy to a stick) run here, one AbortController each: starting one
// answers at once with a job id; its progress and its end travel as events. Pause aborts the run but
// keeps the job: the engine's jobs resume from what they already wrote, so "resume" runs it again.
import { randomUUID } from 'node:crypto';
import type { JobKind, JobOutcome, JobStateMessage, JobStatus } from '../../../shared/dto.ts';
import { ErrorCodes } from '../../../shared/errors.ts';
import type { JobEvent } from '../../../shared/jobs.ts';
import { CancelledError, toFerryError } from '../../engine/api/errors.ts';

export interface JobContext {
  signal: AbortSignal;
  emit: (event: JobEvent) => void;
  /** 0 for the first run, 1 after the first resume, … */
  attempt: number;
}

export interface JobSpec<K extends JobKind = JobKind> {
  kind: K;
  run: (context: JobContext) => Promise<Extract<JobOutcome, { kind: K }>['value']>;
}

export interface JobSink {
  event: (jobId: string, event: JobEvent) => void;
  state: (message: JobStateMessage) => void;
}

interface Job {
  id: string;
  spec: JobSpec;
  status: JobStatus;
  attempt: number;
  controller: AbortController;
  /** Why the current run is being stopped. */
  stopping?: 'pause' | 'cancel';
  done: Promise<void>;
}

export class JobRunner {
  readonly #jobs = new Map<string, Job>();
  readonly #sink: JobSink;

  constructor(sink: JobSink) {
    this.#sink = sink;
  }

  start<K extends JobKind>(spec: JobSpec<K>): { jobId: string; kind: K } {
    const job: Job = {
      id: randomUUID(),
      spec: spec as unknown as JobSpec,
      status: 'running',
      attempt: 0,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    this.#jobs.set(job.id, job);
    this.#launch(job);
    return { jobId: job.id, kind: spec.kind };
  }

  /** Stops a running or paused job for good. */
  cancel(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (!job) return false;
    if (job.status === 'paused') {
      this.#finish(job, 'cancelled', undefined, new CancelledError('cancelled by the user').toDTO());
      return true;
    }
    if (job.status !== 'running') return false;
    job.stopping = 'cancel';
    job.controller.abort(new CancelledError('cancelled by the user'));
    return true;
  }

  pause(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (job?.status !== 'running') return false;
    job.stopping = 'pause';
    job.controller.abort(new CancelledError('paused'));
    return true;
  }

  resume(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (job?.status !== 'paused') return false;
    job.attempt++;
    job.controller = new AbortController();
    job.stopping = undefined;
    job.status = 'running';
    this.#launch(job);
    return true;
  }

  status(jobId: string): JobStatus | undefined {
    return this.#jobs.get(jobId)?.status;
  }

  /** Resolves when the job's current run has ended (tests, and quitting the app). */
  async settled(jobId: string): Promise<void> {
    await this.#jobs.get(jobId)?.done;
  }

  /** Cancels everything still running (the app is quitting). */
  async cancelAll(): Promise<void> {
    const running = [...this.#jobs.values()].filter((j) => j.status === 'running' || j.status === 'paused');
    for (const job of running) this.cancel(job.id);
    await Promise.all(running.map((j) => j.done));
  }

  #launch(job: Job): void {
    const { signal } = job.controller;
    this.#sink.state({ jobId: job.id, kind: job.spec.kind, status: 'running' });
    job.done = job.spec
      .run({
        signal,
        attempt: job.attempt,
        emit: (event) => {
          if (!signal.aborted) this.#sink.event(job.id, event);
        },
      })
      .then(
        (value) => {
          // A job that finished at the moment it was paused has finished.
          this.#finish(job, 'succeeded', { kind: job.spec.kind, value } as JobOutcome);
        },
        (err: unknown) => {
          if (job.stopping === 'pause') {
            job.status = 'paused';
            this.#sink.state({ jobId: job.id, kind: job.spec.kind, status: 'paused' });
            return;
          }
          const error = toFerryError(signal.aborted ? (signal.reason ?? err) : err).toDTO();
          const cancelled = job.stopping === 'cancel' || error.code === ErrorCodes.CANCELLED;
          this.#finish(job, cancelled ? 'cancelled' : 'failed', undefined, error);
        },
      );
  }

  #finish(job: Job, status: JobStatus, outcome?: JobOutcome, error?: JobStateMessage['error']): void {
    job.status = status;
    this.#sink.state({
      jobId: job.id,
      kind: job.spec.kind,
      status,
      ...(outcome ? { outcome } : {}),
      ...(error ? { error } : {}),
    });
  }
}
