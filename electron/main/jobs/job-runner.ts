// Long jobs (pull, verify, push, copy to a stick) belong to the main process, not to a screen: starting
// one answers at once with a job id; its progress and its end travel as events, and main keeps a
// summary of every job (job:list) so any screen, a reloaded page or the transfers panel can show it and
// act on it. Pause aborts the run but keeps the job: the engine's jobs resume from what they already
// wrote, so "resume" runs it again; so does a retry after a failure or a cancel, possibly with a
// corrected connection. One job at a time writes a folder: a second one is refused naming the first.
import { randomUUID } from 'node:crypto';
import type { JobKind, JobOutcome, JobStateMessage, JobStatus } from '../../../shared/dto.ts';
import { ErrorCodes } from '../../../shared/errors.ts';
import { resolvingMessage, type JobEvent, type JobRequest, type JobSummary } from '../../../shared/jobs.ts';
import { BundleNotEmptyError, CancelledError, toFerryError } from '../../engine/api/errors.ts';

export interface JobContext {
  signal: AbortSignal;
  emit: (event: JobEvent) => void;
  /** 0 for the first run, 1 after the first resume or retry, … */
  attempt: number;
}

export interface JobSpec<K extends JobKind = JobKind> {
  kind: K;
  run: (context: JobContext) => Promise<Extract<JobOutcome, { kind: K }>['value']>;
  /** What the transfers panel calls it; a default is made from the kind. */
  title?: string;
  /** What it was started with (no secrets), for a reloaded page and a retry. */
  started?: Extract<JobRequest, { kind: K }>;
  /** The folder it writes: while it runs or is paused, no other job may write there. */
  writes?: string;
}

export interface JobSink {
  event: (jobId: string, event: JobEvent) => void;
  state: (message: JobStateMessage) => void;
  /** Every change of any job's status (the journal of interrupted jobs listens here). */
  changed?: (jobs: JobSummary[]) => void;
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
  summary: JobSummary;
  /** When the current run began (ms), for the time it ran. */
  runSince?: number;
}

const kindWords: Record<JobKind, string> = {
  pull: 'Pull',
  verify: 'Check',
  push: 'Push',
  copy: 'Copy to stick',
};

function blankSummary(id: string, spec: JobSpec): JobSummary {
  return {
    jobId: id,
    kind: spec.kind,
    status: 'running',
    title: spec.title ?? kindWords[spec.kind],
    startedAt: new Date().toISOString(),
    seconds: 0,
    phase: '',
    progress: { bytesDone: 0, bytesTotal: 0, imagesDone: 0, imagesTotal: 0 },
    images: {},
    started: spec.started ?? ({ kind: spec.kind } as unknown as JobRequest),
  };
}

export class JobRunner {
  readonly #jobs = new Map<string, Job>();
  readonly #sink: JobSink;

  constructor(sink: JobSink) {
    this.#sink = sink;
  }

  start<K extends JobKind>(spec: JobSpec<K>): { jobId: string; kind: K } {
    if (spec.writes) this.#refuseBusy(spec.writes);
    const id = randomUUID();
    const job: Job = {
      id,
      spec: spec as unknown as JobSpec,
      status: 'running',
      attempt: 0,
      controller: new AbortController(),
      done: Promise.resolve(),
      summary: blankSummary(id, spec as unknown as JobSpec),
    };
    this.#jobs.set(job.id, job);
    this.#launch(job);
    return { jobId: job.id, kind: spec.kind };
  }

  /** Stops a running or paused job for good; `reason` is what the ledger records. */
  cancel(jobId: string, reason = 'cancelled by the user'): boolean {
    const job = this.#jobs.get(jobId);
    if (!job) return false;
    if (job.status === 'paused') {
      this.#finish(job, 'cancelled', undefined, new CancelledError(reason).toDTO());
      return true;
    }
    if (job.status !== 'running') return false;
    job.stopping = 'cancel';
    job.controller.abort(new CancelledError(reason));
    return true;
  }

  pause(jobId: string, reason = 'paused'): boolean {
    const job = this.#jobs.get(jobId);
    if (job?.status !== 'running') return false;
    job.stopping = 'pause';
    job.controller.abort(new CancelledError(reason));
    return true;
  }

  resume(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (job?.status !== 'paused') return false;
    this.#rerun(job);
    return true;
  }

  /**
   * Runs a failed or cancelled job again under the same id, keeping its progress, optionally with a
   * corrected spec (a fixed address, login or certificate): earlier steps are not redone.
   */
  retry(jobId: string, spec?: JobSpec): boolean {
    const job = this.#jobs.get(jobId);
    if (job?.status !== 'failed' && job?.status !== 'cancelled') return false;
    if (spec && spec.kind !== job.spec.kind) return false;
    const next = spec ?? job.spec;
    if (next.writes) this.#refuseBusy(next.writes, job.id);
    job.spec = next;
    if (spec?.started) job.summary.started = spec.started;
    if (spec?.title) job.summary.title = spec.title;
    delete job.summary.error;
    delete job.summary.endedAt;
    this.#rerun(job);
    return true;
  }

  status(jobId: string): JobStatus | undefined {
    return this.#jobs.get(jobId)?.status;
  }

  /** Every job of this session, oldest first, as the page shows them. */
  list(): JobSummary[] {
    return [...this.#jobs.values()].map((j) => this.#snapshot(j));
  }

  get(jobId: string): JobSummary | undefined {
    const job = this.#jobs.get(jobId);
    return job ? this.#snapshot(job) : undefined;
  }

  /** Jobs still running or paused (what closing the window would cut off). */
  active(): JobSummary[] {
    return this.list().filter((j) => j.status === 'running' || j.status === 'paused');
  }

  /** Resolves when the job's current run has ended (tests, and quitting the app). */
  async settled(jobId: string): Promise<void> {
    await this.#jobs.get(jobId)?.done;
  }

  /** Pauses every running job with `reason` and waits for the runs to stop (the window is closing). */
  async pauseAll(reason: string): Promise<void> {
    const running = [...this.#jobs.values()].filter((j) => j.status === 'running');
    for (const job of running) this.pause(job.id, reason);
    await Promise.all(running.map((j) => j.done));
  }

  /** Cancels everything still running or paused (the app is quitting). */
  async cancelAll(reason?: string): Promise<void> {
    const running = [...this.#jobs.values()].filter((j) => j.status === 'running' || j.status === 'paused');
    for (const job of running) this.cancel(job.id, reason);
    await Promise.all(running.map((j) => j.done));
  }

  #refuseBusy(folder: string, except?: string): void {
    const holder = [...this.#jobs.values()].find(
      (j) => j.id !== except && j.spec.writes === folder && (j.status === 'running' || j.status === 'paused'),
    );
    if (!holder) return;
    const state = holder.status === 'paused' ? 'paused' : 'running';
    throw new BundleNotEmptyError(
      `${folder} is in use by "${holder.summary.title}" (${state}, started ${holder.summary.startedAt}): open Transfers to resume or cancel it, or choose another folder`,
      { details: { inAppWords: true } },
    );
  }

  #snapshot(job: Job): JobSummary {
    const s = job.summary;
    const running = job.runSince === undefined ? 0 : (Date.now() - job.runSince) / 1000;
    return { ...s, seconds: s.seconds + running, progress: { ...s.progress }, images: { ...s.images } };
  }

  #rerun(job: Job): void {
    job.attempt++;
    job.controller = new AbortController();
    job.stopping = undefined;
    job.status = 'running';
    this.#launch(job);
  }

  /** Keeps the summary and makes progress monotonic across runs before the event leaves main. */
  #track(job: Job, event: JobEvent): JobEvent {
    const s = job.summary;
    switch (event.type) {
      case 'phase':
        s.phase = event.message;
        return event;
      case 'resolving':
        s.phase = resolvingMessage(event.imagesDone, event.imagesTotal);
        return event;
      case 'progress': {
        const p = s.progress;
        const sameTotal = p.bytesTotal === 0 || p.bytesTotal === event.bytesTotal;
        p.bytesDone = sameTotal ? Math.max(p.bytesDone, event.bytesDone) : event.bytesDone;
        p.bytesTotal = event.bytesTotal;
        p.imagesTotal = event.imagesTotal;
        const doneImages = Object.values(s.images).filter((i) => i.status === 'done').length;
        p.imagesDone = Math.max(p.imagesDone, event.imagesDone, doneImages);
        return { ...event, bytesDone: p.bytesDone, imagesDone: p.imagesDone };
      }
      case 'image-bytes': {
        const now = s.images[event.image];
        if (now?.status === 'done') return event;
        const before = now?.status === 'copying' ? now.bytesDone : 0;
        const bytesDone = Math.max(before, event.bytesDone);
        s.images[event.image] = { status: 'copying', bytesDone, bytesTotal: event.bytesTotal };
        return { ...event, bytesDone };
      }
      case 'image':
        s.images[event.image] =
          event.status === 'done'
            ? { status: 'done' }
            : { status: 'failed', ...(event.message ? { message: event.message } : {}) };
        return event;
      case 'log':
        return event;
    }
  }

  #state(job: Job, message: JobStateMessage): void {
    const s = job.summary;
    s.status = message.status;
    if (job.runSince !== undefined && message.status !== 'running') {
      s.seconds += (Date.now() - job.runSince) / 1000;
      job.runSince = undefined;
    }
    if (message.status === 'running') {
      job.runSince = Date.now();
      delete s.error;
    }
    if (message.error) s.error = message.error;
    if (message.outcome) s.outcome = message.outcome;
    if (['succeeded', 'failed', 'cancelled'].includes(message.status)) s.endedAt = new Date().toISOString();
    this.#sink.state(message);
    this.#sink.changed?.(this.list());
  }

  #launch(job: Job): void {
    const { signal } = job.controller;
    this.#state(job, { jobId: job.id, kind: job.spec.kind, status: 'running' });
    job.done = job.spec
      .run({
        signal,
        attempt: job.attempt,
        emit: (event) => {
          if (!signal.aborted) this.#sink.event(job.id, this.#track(job, event));
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
            this.#state(job, { jobId: job.id, kind: job.spec.kind, status: 'paused' });
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
    this.#state(job, {
      jobId: job.id,
      kind: job.spec.kind,
      status,
      ...(outcome ? { outcome } : {}),
      ...(error ? { error } : {}),
    });
  }
}
