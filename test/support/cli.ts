// Runs the real CLI entry (runCli) in-process with captured output, as a user would see it.
import { PassThrough } from 'node:stream';
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
