// Flags and environment that say how to reach a registry, shared by pull and push (d8's names).
import { registerSecret, UsageError } from '../engine/api/errors.ts';
import {
  chainCredentials,
  defaultConcurrency,
  type Credentials,
  dockerConfigCredentials,
  staticCredentials,
  timeoutFromEnv,
  type TransportOptions,
} from '../engine/api/input.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';

export const transportFlags: Record<string, OptionSpec> = {
  insecure: { type: 'boolean', help: 'use plain HTTP to the registry' },
  'tls-skip-verify': { type: 'boolean', help: 'accept any TLS certificate (prefer SSL_CERT_FILE=<ca.pem>)' },
  concurrency: {
    type: 'string',
    arg: 'N',
    help: `parallel transfers and connections per registry (default ${defaultConcurrency})`,
  },
};

export function concurrencyOf(args: ParsedArgs): number {
  const raw = args.values.concurrency as string | undefined;
  if (raw === undefined) return defaultConcurrency;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--concurrency '${raw}' must be a whole number from 1 to 64`);
  return n;
}

/** Credentials from flags/env for `hosts`, else docker's config.json (and its credential helpers). */
export function transportOptions(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  login: { username?: string | undefined; password?: string | undefined },
  hosts: string[] | 'all',
  loginHint: string,
): TransportOptions {
  if ((login.username === undefined) !== (login.password === undefined)) {
    throw new UsageError(`give both a login and a password (${loginHint})`);
  }
  registerSecret(login.password);
  const explicit: Credentials | undefined = login.username
    ? { username: login.username, password: login.password! }
    : undefined;
  const sources = [];
  if (explicit) {
    sources.push(
      hosts === 'all'
        ? async () => explicit
        : staticCredentials(Object.fromEntries(hosts.map((h) => [h, explicit]))),
    );
  }
  sources.push(dockerConfigCredentials(env));
  // Read here too (the transport reads it again) so a malformed value stops the command before any work.
  const timeout = timeoutFromEnv(env);
  return {
    insecure: args.values.insecure === true,
    tlsSkipVerify: args.values['tls-skip-verify'] === true,
    credentials: chainCredentials(...sources),
    loginHint,
    env,
    ...(timeout ? { timeoutMs: timeout } : {}),
  };
}
