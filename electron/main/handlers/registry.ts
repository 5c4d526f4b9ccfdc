// Logins and "Test connection". The test asks the registry's /v2/ endpoint first without a login (is
// it reachable, does it speak the registry API, does it want a login?) and then, if it wants one,
// with the login typed in the form (or else the one the app holds) — so the answer says which of
// those failed. A typed login is kept only once the registry has accepted it: a refused password is
// never held and silently reused.
import type { ConnectionCheck, ConnectionTestRequest, RegistryConnection } from '../../../shared/dto.ts';
import { AuthError, registerSecret } from '../../engine/api/errors.ts';
import { type CredentialSource, parseRepositoryPath, pingRegistry } from '../../engine/api/input.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { transportFor, type Side } from './connection.ts';

function ping(
  connection: RegistryConnection,
  logins: CredentialSource | undefined,
  env: NodeJS.ProcessEnv,
  side: Side,
): Promise<string> {
  const { registry } = parseRepositoryPath(connection.registry.trim());
  return pingRegistry(registry, transportFor(connection, logins, env, side));
}

export async function testConnection(
  connection: RegistryConnection,
  store: CredentialStore,
  env: NodeJS.ProcessEnv,
  side: Side = 'source',
  typed?: ConnectionTestRequest['login'],
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
  if (typed) {
    registerSecret(typed.password);
    const tryTyped: CredentialSource = async (host) =>
      host.toLowerCase() === registry.toLowerCase()
        ? { username: typed.username, password: typed.password }
        : undefined;
    const endpoint = await ping(connection, tryTyped, { ...env, DOCKER_CONFIG: '/nonexistent' }, side);
    store.save({ registry, ...typed });
    return {
      registry,
      endpoint,
      authenticated: true,
      username: typed.username,
      message: `Connected to ${registry} as ${typed.username}.`,
      elapsedMs: elapsed(),
    };
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
