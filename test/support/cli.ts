// Runs the real CLI entry (runCli) in-process with captured output, as a user would see it; or the
// real `ferry` command as a process of its own, to be killed at an exact moment.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../electron/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function ferry(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runCli(args, {
    stdout,
    stderr,
    env: {
      HOME: process.env.HOME,
      PATH: process.env.PATH,
      DOCKER_CONFIG: '/nonexistent-ferry-test',
      FERRY_HOME: process.env.FERRY_HOME, // a temp folder from test/harness/global-setup.ts
      ...env,
    },
    signal: new AbortController().signal,
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

export interface ProcessRun extends CliRun {
  code: number;
  /** 'SIGKILL' when `killOn` fired. */
  signal: NodeJS.Signals | null;
}

export const ferryBin = fileURLToPath(new URL('../../bin/ferry.js', import.meta.url));

/**
 * Runs `ferry` as its own process, as a user's shell would. With `killOn`, watches `watch` (a
 * folder that must exist) and sends SIGKILL the moment a file whose name `killOn` accepts appears
 * there: a kill -9 at an exact point of the job (the manifest renamed into place, the signature's
 * temporary created).
 */
export function ferryProcess(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    watch?: string;
    killOn?: (name: string) => boolean;
    /** SIGKILL this long after the start, if it is still running. */
    killAfterMs?: number;
  } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ferryBin, ...args], {
      env: { ...process.env, DOCKER_CONFIG: '/nonexistent-ferry-test', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const watcher =
      options.watch && options.killOn
        ? watch(options.watch, (_event, name) => {
            if (name && options.killOn!(name)) child.kill('SIGKILL');
          })
        : undefined;
    const timer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      watcher?.close();
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}
