// The pulls and pushes that were running or paused, kept in a small file in the data folder after
// every change of a job's status: when Ferry is closed mid-transfer, or the machine loses power, the
// next start finds them here and offers to resume (the engine resumes a pull from its saved plan and
// a push skips what the registry already holds). Requests hold no password: logins live in the
// credential store. Written atomically, one write at a time, so a crash leaves the old list or the new.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InterruptedJob, JobSummary } from '../../../shared/jobs.ts';
import { writeFileAtomic } from '../../engine/api/files.ts';

export const JOURNAL_FILE = 'interrupted-jobs.json';

function isInterrupted(v: unknown): v is InterruptedJob {
  const j = v as Partial<InterruptedJob> | null;
  return (
    !!j &&
    typeof j.jobId === 'string' &&
    typeof j.title === 'string' &&
    typeof j.startedAt === 'string' &&
    (j.started?.kind === 'pull' || j.started?.kind === 'push') &&
    typeof j.started.request === 'object'
  );
}

export class JobJournal {
  readonly path: string;
  /** What the previous run of Ferry left unfinished, until resumed or dismissed. */
  #previous: InterruptedJob[];
  #current: InterruptedJob[] = [];
  #writing: Promise<void> = Promise.resolve();

  constructor(home: string) {
    this.path = join(home, JOURNAL_FILE);
    this.#previous = JobJournal.#read(this.path);
  }

  static #read(path: string): InterruptedJob[] {
    try {
      const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      return Array.isArray(v) ? v.filter(isInterrupted) : [];
    } catch {
      // none yet, or torn by a crash before the atomic rename existed: nothing to offer
      return [];
    }
  }

  /** Interrupted jobs of an earlier run of Ferry. */
  interrupted(): InterruptedJob[] {
    return [...this.#previous];
  }

  /** Takes an interrupted job off the list (resumed as a new job, or dismissed). */
  take(jobId: string): InterruptedJob | undefined {
    const found = this.#previous.find((j) => j.jobId === jobId);
    this.#previous = this.#previous.filter((j) => j.jobId !== jobId);
    void this.#save();
    return found;
  }

  /** The runner's jobs changed: keep the pulls and pushes still running or paused. */
  record(jobs: JobSummary[]): void {
    const seenAt = new Date().toISOString();
    this.#current = jobs.flatMap((j) =>
      (j.status === 'running' || j.status === 'paused') &&
      (j.started.kind === 'pull' || j.started.kind === 'push')
        ? [{ jobId: j.jobId, title: j.title, startedAt: j.startedAt, seenAt, started: j.started }]
        : [],
    );
    void this.#save();
  }

  /** Resolves once every write asked for so far is on disk. */
  async flushed(): Promise<void> {
    await this.#writing;
  }

  #save(): Promise<void> {
    const text = `${JSON.stringify([...this.#previous, ...this.#current], null, 2)}\n`;
    this.#writing = this.#writing
      .then(() => writeFileAtomic(this.path, text))
      .catch((err: unknown) => {
        // The journal only helps the next start; a failed write must not stop a transfer.
        console.error(`ferry: could not save the list of running transfers: ${(err as Error).message}`);
      });
    return this.#writing;
  }
}
