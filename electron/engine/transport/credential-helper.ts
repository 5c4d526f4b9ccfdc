// Docker credential helpers (`docker-credential-<name> get`), the protocol docker uses for
// credsStore and credHelpers: the server address on stdin, `{"ServerURL","Username","Secret"}` on
// stdout; a Username of '<token>' means the Secret is an identity token. "credentials not found"
// (exit status non-zero with that text) is not an error: the registry is then used anonymously.
import { spawn } from 'node:child_process';
import { AuthError } from '../errors.ts';
import { registerSecret } from '../redact.ts';
import type { Credentials } from './types.ts';

const helperTimeoutMs = 60_000;

export interface HelperRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runHelper(program: string, serverAddress: string, env: NodeJS.ProcessEnv): Promise<HelperRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: helperTimeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {
      // the helper may exit without reading stdin; its exit status tells what happened
    });
    child.stdin.end(serverAddress);
  });
}

/** Asks `docker-credential-<helper>` for the credentials of `serverAddress`. */
export async function credentialsFromHelper(
  helper: string,
  serverAddress: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  let result: HelperRunResult;
  try {
    result = await runHelper(program, serverAddress, env);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it is not on PATH' : `it could not be started (${code ?? String(err)})`;
    throw new AuthError(
      `docker credential helper ${program} (named in the docker config) failed for ${serverAddress}: ${why}; install it or remove it from the config`,
      { cause: err, details: { helper: program, serverAddress } },
    );
  }
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0) {
    if (/credentials not found/i.test(output)) return undefined;
    const text = output.replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new AuthError(
      `docker credential helper ${program} failed for ${serverAddress} (exit status ${result.code ?? 'killed'})${text ? `: ${text}` : ''}`,
      { details: { helper: program, serverAddress } },
    );
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    throw new AuthError(`docker credential helper ${program} printed no JSON for ${serverAddress}`, {
      details: { helper: program, serverAddress },
    });
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (secret === '') return undefined;
  registerSecret(secret);
  if (username === '<token>') return { identityToken: secret };
  return { username, password: secret };
}
