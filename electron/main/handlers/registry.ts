// Logins and "Test connection". The test asks the registry's /v2/ endpoint first without a login (is
// it reachable, does it speak the registry API, does it want a login?) and then, if it wants one,
// with the login the app holds — so the answer says which of those failed.
import type { ConnectionCheck, RegistryConnection } from '../../../shared/dto.ts';
import { AuthError } from '../../engine/errors.ts';
import { parseRepositoryPath, registryEndpoint } from '../../engine/ref/reference.ts';
import { discardBody } from '../../engine/transport/body.ts';
import { createTransport } from '../../engine/transport/transport.ts';
import type { CredentialSource } from '../../engine/transport/types.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { transportFor, type Side } from './connection.ts';

async function ping(
  connection: RegistryConnection,
  logins: CredentialSource | undefined,
  env: NodeJS.ProcessEnv,
  side: Side,
): Promise<string> {
  const { registry } = parseRepositoryPath(connection.registry.trim());
  const endpoint = registryEndpoint(registry);
  // No retries: a test should answer in seconds, not after a minute of backoff.
  const transport = createTransport({
    ...transportFor(connection, logins, env, side),
    retries: 0,
    timeoutMs: 15_000,
  });
  try {
    const res = await transport.request(endpoint, { method: 'GET', path: '/v2/' });
    await discardBody(res.body);
    return transport.baseUrl(endpoint);
  } finally {
    await transport.close();
  }
}

export async function testConnection(
  connection: RegistryConnection,
  store: CredentialStore,
  env: NodeJS.ProcessEnv,
  side: Side = 'source',
): Promise<ConnectionCheck> {
  const started = performance.now();
  const { registry } = parseRepositoryPath(connection.registry.trim());
  const noLogins: CredentialSource = async () => undefined;
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const endpoint = await ping(connection, noLogins, { ...env, DOCKER_CONFIG: '/nonexistent' }, side);
    return {
      registry,
      endpoint,
      authenticated: false,
      message: `Connected to ${registry}: it answers without a login.`,
      elapsedMs: elapsed(),
    };
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
  }
  const login = store.get(registry);
  const endpoint = await ping(connection, store.source(), env, side);
  return {
    registry,
    endpoint,
    authenticated: true,
    ...(login ? { username: login.username } : {}),
    message: `Connected to ${registry}${login ? ` as ${login.username}` : ' with the login from docker config'}.`,
    elapsedMs: elapsed(),
  };
}
