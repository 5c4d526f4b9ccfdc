// Events long jobs emit: the CLI renders them as a progress line or JSON, the app streams them over IPC.
import type {
  CopyJobRequest,
  JobKind,
  JobOutcome,
  JobStatus,
  PullJobRequest,
  PushJobRequest,
  RegistryConnection,
  VerifyJobRequest,
} from './dto.ts';
import type { ErrorDTO } from './errors.ts';

export type JobPhase = 'plan' | 'copy' | 'seal' | 'verify' | 'push';

export type JobEvent =
  | { type: 'phase'; phase: JobPhase; message: string }
  | {
      type: 'progress';
      bytesDone: number;
      bytesTotal: number;
      imagesDone: number;
      imagesTotal: number;
    }
  /** Images resolved so far while a pull plans (an edition's thousands take minutes on a WAN). */
  | { type: 'resolving'; imagesDone: number; imagesTotal: number }
  | { type: 'image'; image: string; status: 'done' | 'failed'; message?: string }
  | ImageBytesEvent
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export type JobEventListener = (event: JobEvent) => void;

/** The plan phase's line while images resolve: the same words in the CLI and the app. */
export function resolvingMessage(imagesDone: number, imagesTotal: number): string {
  return `resolving ${imagesDone} of ${imagesTotal} image(s)`;
}

/**
 * Bytes of one image's own blobs that have arrived (a blob shared by several images counts for
 * each): what lets the app say "downloading 40%" per image while blobs move in parallel.
 */
export interface ImageBytesEvent {
  type: 'image-bytes';
  image: string;
  bytesDone: number;
  bytesTotal: number;
}

// ---- the jobs the main process holds (the transfers panel, a reloaded page, the next start) -----

/** What a job was started with. No secret is in it: logins stay in main's credential store. */
export type JobRequest =
  | { kind: 'pull'; request: PullJobRequest }
  | { kind: 'verify'; request: VerifyJobRequest }
  | { kind: 'push'; request: PushJobRequest }
  | { kind: 'copy'; request: CopyJobRequest };

/** One image's state in a running job. */
export type ImageProgress =
  | { status: 'waiting' }
  | { status: 'copying'; bytesDone: number; bytesTotal: number }
  | { status: 'done' }
  | { status: 'failed'; message?: string };

/** A job as main holds it: enough for any screen (or a reloaded page) to show it and act on it. */
export interface JobSummary {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  /** What it does, in the user's words: "Pull into /media/FERRY 01/bundle". */
  title: string;
  startedAt: string;
  endedAt?: string;
  /** Seconds it ran (pauses excluded). */
  seconds: number;
  phase: string;
  /** Never smaller than before: a resumed run does not make progress go backwards. */
  progress: { bytesDone: number; bytesTotal: number; imagesDone: number; imagesTotal: number };
  images: Record<string, ImageProgress>;
  started: JobRequest;
  outcome?: JobOutcome;
  error?: ErrorDTO;
}

/** A pull or push that was running or paused when Ferry last stopped: the next start offers it. */
export interface InterruptedJob {
  jobId: string;
  title: string;
  startedAt: string;
  /** When Ferry last saw it (its last change). */
  seenAt: string;
  started: Extract<JobRequest, { kind: 'pull' | 'push' }>;
}

/** A corrected connection for a failed job's retry: the side it failed on. */
export interface RetryRequest {
  jobId: string;
  source?: RegistryConnection;
  target?: RegistryConnection;
}
