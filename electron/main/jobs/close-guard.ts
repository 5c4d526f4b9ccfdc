// What closing Ferry does while a transfer runs (as balenaEtcher asks before closing mid-flash): the
// person chooses to keep it running, to pause it so the next start offers to resume it, or to cancel
// it. The choice is the reason the job's run stops with, so the engine's ledger records it in the
// operation's outcome ("cancelled: Ferry was closed during the transfer; …"). No Electron here: main
// passes the dialog in, and the tests answer it.
import type { JobSummary } from '../../../shared/jobs.ts';
import type { JobRunner } from './job-runner.ts';

export type CloseAnswer = 'keep' | 'pause' | 'cancel';

export interface ClosePrompt {
  message: string;
  detail: string;
  buttons: string[];
  /** The answer of each button, in the same order. */
  answers: CloseAnswer[];
  defaultId: number;
  /** The button Escape or the window's own close picks: keep the transfer. */
  cancelId: number;
}

/** The reasons the ledger records for each choice. */
export const closeReasons = {
  pause: 'Ferry was closed during the transfer and it was paused: the next start offers to resume it',
  cancel: 'Ferry was closed during the transfer and the person chose to cancel it',
} as const;

/** The question to ask, or undefined when nothing runs and the window may simply close. */
export function closePrompt(active: JobSummary[]): ClosePrompt | undefined {
  if (active.length === 0) return undefined;
  const names = active.map((j) => `• ${j.title} (${j.status})`).join('\n');
  return {
    message:
      active.length === 1
        ? 'A transfer is still in progress.'
        : `${active.length} transfers are still in progress.`,
    detail: `${names}\n\nPause keeps what was written: the next start of Ferry offers to resume. Cancel stops for good.`,
    buttons: ['Keep transferring', 'Pause and close', 'Cancel transfer and close'],
    answers: ['keep', 'pause', 'cancel'],
    defaultId: 0,
    cancelId: 0,
  };
}

/**
 * Asks (if anything runs) and carries out the answer; true when the window may close now. A paused
 * job stays in the journal of interrupted jobs; a cancelled one leaves it.
 */
export async function confirmClose(
  jobs: JobRunner,
  ask: (prompt: ClosePrompt) => Promise<number>,
): Promise<boolean> {
  const prompt = closePrompt(jobs.active());
  if (!prompt) return true;
  const answer = prompt.answers[await ask(prompt)] ?? 'keep';
  if (answer === 'keep') return false;
  if (answer === 'pause') await jobs.pauseAll(closeReasons.pause);
  else await jobs.cancelAll(closeReasons.cancel);
  return true;
}
