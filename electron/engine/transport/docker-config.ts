// Credentials the way docker finds them: $DOCKER_CONFIG/config.json or ~/.docker/config.json.
// Order, as in docker's CLI: credHelpers[<host>] → that helper; else credsStore → that helper;
// else `auths` (`auth` = base64 "user:password", or username/password, identitytoken,
// registrytoken). `auths` keys may be 'host', 'https://host/v1/', 'http://host'; Docker Hub's key
// is 'https://index.docker.io/v1/'. Plus small combinators for flags and license tokens.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { registerSecret } from '../redact.ts';
import { credentialsFromHelper } from './credential-helper.ts';
import type { CredentialSource, Credentials } from './types.ts';

const dockerHubServer = 'https://index.docker.io/v1/';
const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG;
  if (dir !== undefined && dir !== '') return join(dir, 'config.json');
  return join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), '.docker', 'config.json');
}

/** docker's ConvertToHostname: drop the scheme and any path. */
function keyHostname(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0] ?? '';
}

function isDockerHub(host: string): boolean {
  return dockerHubHosts.has(host);
}

/** The server address docker uses for a registry host (helpers and `auths` are keyed by it). */
export function dockerServerAddress(host: string): string {
  return isDockerHub(host) ? dockerHubServer : host;
}

async function loadConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the docker config ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch (err) {
    throw new UsageError(`the docker config ${file} is not valid JSON: fix or remove it`, { cause: err });
  }
}

function fromAuthEntry(entry: AuthEntry): Credentials | undefined {
  const creds: Credentials = {};
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      creds.username = decoded.slice(0, colon);
      creds.password = decoded.slice(colon + 1);
    }
  }
  if (typeof entry.username === 'string' && entry.username !== '') creds.username = entry.username;
  if (typeof entry.password === 'string' && entry.password !== '') creds.password = entry.password;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '')
    creds.identityToken = entry.identitytoken;
  if (typeof entry.registrytoken === 'string' && entry.registrytoken !== '')
    creds.registryToken = entry.registrytoken;
  registerSecret(creds.password);
  registerSecret(creds.identityToken);
  registerSecret(creds.registryToken);
  const empty =
    creds.password === undefined && creds.identityToken === undefined && creds.registryToken === undefined;
  return empty ? undefined : creds;
}

function findAuthEntry(auths: Record<string, AuthEntry>, host: string): AuthEntry | undefined {
  const server = dockerServerAddress(host);
  for (const key of [server, host, `https://${host}`, `http://${host}`]) {
    const exact = auths[key];
    if (exact !== undefined) return exact;
  }
  const wanted = isDockerHub(host) ? (h: string) => isDockerHub(h) : (h: string) => h === host;
  for (const [key, entry] of Object.entries(auths)) if (wanted(keyHostname(key))) return entry;
  return undefined;
}

function findHelper(config: DockerConfig, host: string): string | undefined {
  const helpers = config.credHelpers ?? {};
  const server = dockerServerAddress(host);
  const named = helpers[server] ?? helpers[host];
  if (named !== undefined && named !== '') return named;
  if (isDockerHub(host)) {
    for (const [key, helper] of Object.entries(helpers)) if (isDockerHub(keyHostname(key))) return helper;
  }
  return config.credsStore !== undefined && config.credsStore !== '' ? config.credsStore : undefined;
}

/** Credentials from docker's config.json and the credential helpers it names. */
export function dockerConfigCredentials(env: NodeJS.ProcessEnv = process.env): CredentialSource {
  const file = dockerConfigPath(env);
  let loaded: Promise<DockerConfig | undefined> | undefined;
  return async (host) => {
    loaded ??= loadConfig(file);
    const config = await loaded;
    if (config === undefined) return undefined;
    const helper = findHelper(config, host);
    if (helper !== undefined) return credentialsFromHelper(helper, dockerServerAddress(host), env);
    const entry = findAuthEntry(config.auths ?? {}, host);
    return entry === undefined ? undefined : fromAuthEntry(entry);
  };
}

/** Fixed credentials per registry host (from flags, a license token, the UI). */
export function staticCredentials(
  byHost: Record<string, Credentials> | Map<string, Credentials>,
): CredentialSource {
  const map = byHost instanceof Map ? byHost : new Map(Object.entries(byHost));
  for (const creds of map.values()) {
    registerSecret(creds.password);
    registerSecret(creds.identityToken);
    registerSecret(creds.registryToken);
  }
  return (host) => {
    const direct = map.get(host);
    if (direct !== undefined || !isDockerHub(host)) return Promise.resolve(direct);
    for (const [key, creds] of map) if (isDockerHub(keyHostname(key))) return Promise.resolve(creds);
    return Promise.resolve(undefined);
  };
}

/** The first source that knows the host wins (e.g. flags, then docker config). */
export function chainCredentials(...sources: Array<CredentialSource | undefined>): CredentialSource {
  return async (host) => {
    for (const source of sources) {
      if (source === undefined) continue;
      const creds = await source(host);
      if (creds !== undefined) return creds;
    }
    return undefined;
  };
}
