// Every job's state as the page knows it, fed by the job:event and job:state channels. Kept outside
// React and subscribed once at start-up, so events that arrive before the "job started" answer (the
// main process may be quick) are not lost; screens read it with useJob(jobId).
import { useSyncExternalStore } from 'react';
import type { JobKind, JobOutcome, JobStatus } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import type { JobEvent } from '../../shared/jobs.ts';
import { subscribe } from '../api.ts';

export interface JobView {
  jobId: string;
  kind?: JobKind;
  status: JobStatus;
  phase: string;
  bytesDone: number;
  bytesTotal: number;
  itemsDone: number;
  itemsTotal: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate; NaN when unknown. */
  eta: number;
  items: Record<string, { status: 'done' | 'failed'; message?: string }>;
  log: string[];
  outcome?: JobOutcome;
  error?: ErrorDTO;
}

const views = new Map<string, JobView>();
const samples = new Map<string, Array<{ t: number; bytes: number }>>();
const listeners = new Set<() => void>();
let started = false;

function blank(jobId: string): JobView {
  return {
    jobId,
    status: 'running',
    phase: '',
    bytesDone: 0,
    bytesTotal: 0,
    itemsDone: 0,
    itemsTotal: 0,
    rate: 0,
    eta: Number.NaN,
    items: {},
    log: [],
  };
}

function update(jobId: string, change: (v: JobView) => JobView): void {
  views.set(jobId, change(views.get(jobId) ?? blank(jobId)));
  for (const l of listeners) l();
}

const RATE_WINDOW_MS = 5000;

function withProgress(v: JobView, e: Extract<JobEvent, { type: 'progress' }>): JobView {
  const now = performance.now();
  const list = samples.get(v.jobId) ?? [];
  list.push({ t: now, bytes: e.bytesDone });
  while (list.length > 2 && now - list[0]!.t > RATE_WINDOW_MS) list.shift();
  samples.set(v.jobId, list);
  const first = list[0]!;
  const seconds = (now - first.t) / 1000;
  const rate = seconds > 0.2 ? Math.max(0, (e.bytesDone - first.bytes) / seconds) : v.rate;
  return {
    ...v,
    bytesDone: e.bytesDone,
    bytesTotal: e.bytesTotal,
    itemsDone: e.imagesDone,
    itemsTotal: e.imagesTotal,
    rate,
    eta: rate > 0 ? (e.bytesTotal - e.bytesDone) / rate : Number.NaN,
  };
}

function onEvent(jobId: string, e: JobEvent): void {
  update(jobId, (v) => {
    switch (e.type) {
      case 'phase':
        return { ...v, phase: e.message, log: [...v.log, e.message].slice(-200) };
      case 'log':
        return { ...v, log: [...v.log, e.message].slice(-200) };
      case 'image':
        return {
          ...v,
          items: {
            ...v.items,
            [e.image]: { status: e.status, ...(e.message ? { message: e.message } : {}) },
          },
        };
      case 'progress':
        return withProgress(v, e);
    }
  });
}

export function startJobStore(): void {
  if (started) return;
  started = true;
  subscribe('job:event', (m) => onEvent(m.jobId, m.event));
  subscribe('job:state', (m) =>
    update(m.jobId, (v) => {
      // A resumed run measures its rate afresh.
      if (m.status === 'running') samples.delete(m.jobId);
      const next: JobView = { ...v, kind: m.kind, status: m.status };
      if (m.outcome) next.outcome = m.outcome;
      if (m.error) next.error = m.error;
      else if (m.status === 'running') delete next.error;
      return next;
    }),
  );
}

export function useJob(jobId: string | undefined): JobView | undefined {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => (jobId ? views.get(jobId) : undefined),
  );
}
