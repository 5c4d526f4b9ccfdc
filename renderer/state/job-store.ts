// Every job's state as the page knows it, fed by the job:event and job:state channels. Kept outside
// React and subscribed once at start-up, so events that arrive before the "job started" answer (the
// main process may be quick) are not lost; screens read it with useJob(jobId). Jobs belong to the main
// process: at start-up (and so after a reload) the store is seeded from job:list, so a page that was
// not there when a job started still shows it, with its progress and every image's state.
import { useSyncExternalStore } from 'react';
import type { JobKind, JobOutcome, JobStatus } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import {
  resolvingMessage,
  type ImageProgress,
  type JobEvent,
  type JobRequest,
  type JobSummary,
} from '../../shared/jobs.ts';
import { call, subscribe } from '../api.ts';

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
  items: Record<string, ImageProgress>;
  log: string[];
  outcome?: JobOutcome;
  error?: ErrorDTO;
  /** From main's summary (job:list): what the job is and what it was started with. */
  title?: string;
  started?: JobRequest;
  startedAt?: string;
  endedAt?: string;
  /** Seconds it ran, pauses excluded, as of the last summary; see runSeconds. */
  seconds?: number;
  /** When this page last learnt `seconds` (ms, performance clock), and whether it was running since. */
  secondsAt?: number;
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
      case 'resolving':
        return { ...v, phase: resolvingMessage(e.imagesDone, e.imagesTotal) };
      case 'image':
        return {
          ...v,
          items: {
            ...v.items,
            [e.image]:
              e.status === 'done'
                ? { status: 'done' }
                : { status: 'failed', ...(e.message ? { message: e.message } : {}) },
          },
        };
      case 'image-bytes':
        if (v.items[e.image]?.status === 'done') return v;
        return {
          ...v,
          items: {
            ...v.items,
            [e.image]: { status: 'copying', bytesDone: e.bytesDone, bytesTotal: e.bytesTotal },
          },
        };
      case 'progress':
        return withProgress(v, e);
    }
  });
}

function fromSummary(s: JobSummary): JobView {
  const v = views.get(s.jobId) ?? blank(s.jobId);
  return {
    ...v,
    kind: s.kind,
    status: s.status,
    phase: s.phase || v.phase,
    bytesDone: Math.max(v.bytesDone, s.progress.bytesDone),
    bytesTotal: s.progress.bytesTotal || v.bytesTotal,
    itemsDone: Math.max(v.itemsDone, s.progress.imagesDone),
    itemsTotal: s.progress.imagesTotal || v.itemsTotal,
    items: { ...v.items, ...s.images },
    title: s.title,
    started: s.started,
    startedAt: s.startedAt,
    ...(s.endedAt ? { endedAt: s.endedAt } : {}),
    seconds: s.seconds,
    secondsAt: performance.now(),
    ...(s.outcome ? { outcome: s.outcome } : {}),
    ...(s.error ? { error: s.error } : {}),
  };
}

/** Asks main for every job (its summaries) and merges them in; answers the list. */
export async function syncJobs(): Promise<JobView[]> {
  const list = await call('job:list', {});
  for (const s of list) views.set(s.jobId, fromSummary(s));
  for (const l of listeners) l();
  return list.map((s) => views.get(s.jobId)!);
}

/** Seconds a job has run, pauses excluded, counting on from main's last summary while it runs. */
export function runSeconds(v: JobView): number {
  const base = v.seconds ?? 0;
  if (v.status !== 'running' || v.secondsAt === undefined) return base;
  return base + (performance.now() - v.secondsAt) / 1000;
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
  // Titles, requests and times come with the summary: fetch it when a job starts or ends.
  subscribe('job:state', () => void syncJobs().catch(() => {}));
  void syncJobs().catch(() => {});
}

let allJobs: JobView[] = [];
let allKey = '';
/** Every job this session, newest first (the transfers panel). */
export function useJobs(): JobView[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => {
      const list = [...views.values()].filter((v) => v.title !== undefined).reverse();
      const key = list
        .map((v) => `${v.jobId}:${v.status}:${v.bytesDone}:${v.itemsDone}:${v.phase}`)
        .join('|');
      if (key !== allKey) {
        allKey = key;
        allJobs = list;
      }
      return allJobs;
    },
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
