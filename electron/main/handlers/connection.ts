// A registry connection from the form (address, plain HTTP, skip-verify, CA file) plus the logins
// the app holds, as the engine's transport options. docker's config.json (and its credential
// helpers) still applies after the app's own logins, as it does for the CLI.
import type { RegistryConnection } from '../../../shared/dto.ts';
import {
  chainCredentials,
  type CredentialSource,
  dockerConfigCredentials,
  type TransportOptions,
} from '../../engine/api/input.ts';

export type Side = 'source' | 'target';

const loginHints: Record<Side, string> = {
  source: 'check the login on the Source step and press Test connection',
  target: 'check the login on the Target step and press Test connection',
};

export function transportFor(
  connection: RegistryConnection,
  logins: CredentialSource | undefined,
  env: NodeJS.ProcessEnv,
  side: Side,
): TransportOptions {
  return {
    insecure: connection.insecure,
    tlsSkipVerify: connection.tlsSkipVerify,
    ...(connection.caFile ? { caFiles: [connection.caFile] } : {}),
    credentials: chainCredentials(logins, dockerConfigCredentials(env)),
    loginHint: loginHints[side],
    env,
  };
}
