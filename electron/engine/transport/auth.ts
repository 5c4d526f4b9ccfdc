// Registry authentication state for one transport: the challenge each host answered with, the
// credentials each host uses, and bearer tokens per host + scope until they expire.
//
// Why a wrapper around request() and not an undici interceptor: answering a challenge is
// asynchronous work of its own (running a credential helper, a token request to another host),
// it needs the repository scope, which dispatch options do not carry, and a request whose body is
// a stream cannot be replayed after a 401. So the transport asks this class for an Authorization
// header before sending (preemptive once the host's challenge is known) and again after a 401.
import { registerSecret } from '../redact.ts';
import { authRefused } from './errors.ts';
import { basicAuthorization, fetchBearerToken, type BearerToken, type SendToUrl } from './token.ts';
import type { CredentialSource, Credentials, RepositoryScope } from './types.ts';
import { parseWwwAuthenticate, preferredChallenge, type Challenge } from './www-authenticate.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

export interface AuthenticatorOptions {
  credentials: CredentialSource | undefined;
  send: SendToUrl;
  loginHint: string;
}

/**
 * Token scopes for a request: 'repository:<name>:pull,push' per repository (actions merged, in a
 * stable order), plus any scope a 401 named ('repository:x:push' merges in; others are kept as is).
 */
export function scopeStrings(scopes: RepositoryScope[] | undefined, extra = ''): string[] {
  const merged = new Map<string, Set<string>>();
  const add = (repository: string, actions: string[]): void => {
    const set = merged.get(repository) ?? new Set<string>();
    for (const a of actions) set.add(a);
    merged.set(repository, set);
  };
  for (const s of scopes ?? []) add(s.repository, s.actions);
  const others: string[] = [];
  for (const scope of extra.split(' ')) {
    const match = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
    if (match !== null) add(match[1] ?? '', (match[2] ?? '').split(','));
    else if (scope !== '' && !others.includes(scope)) others.push(scope);
  }
  const ordered = (actions: Set<string>): string[] =>
    [...actions].sort((a, b) => actionRank(a) - actionRank(b) || byCodeUnits(a, b));
  return [
    ...[...merged].map(([repo, actions]) => `repository:${repo}:${ordered(actions).join(',')}`),
    ...others,
  ];
}

function actionRank(action: string): number {
  return action === 'pull' ? 0 : action === 'push' ? 1 : 2;
}

function registerCredentialSecrets(creds: Credentials | undefined): void {
  if (creds === undefined) return;
  registerSecret(creds.password);
  registerSecret(creds.identityToken);
  registerSecret(creds.registryToken);
  if (creds.username !== undefined && creds.password !== undefined)
    registerSecret(`${creds.username}:${creds.password}`);
}

export class Authenticator {
  readonly #options: AuthenticatorOptions;
  /** null: the host asked for no authentication. */
  readonly #challenges = new Map<string, Challenge | null>();
  readonly #credentials = new Map<string, Promise<Credentials | undefined>>();
  readonly #tokens = new Map<string, Promise<BearerToken>>();

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  /** True once the host's challenge (or its absence) is known. */
  knows(host: string): boolean {
    return this.#challenges.has(host);
  }

  /** Records what GET /v2/ (or any 401) said about the host. */
  learn(host: string, wwwAuthenticate: string | string[] | undefined, status: number): void {
    this.#challenges.set(
      host,
      status === 401 ? (preferredChallenge(parseWwwAuthenticate(wwwAuthenticate)) ?? null) : null,
    );
  }

  credentialsFor(host: string): Promise<Credentials | undefined> {
    let pending = this.#credentials.get(host);
    if (pending === undefined) {
      const source = this.#options.credentials;
      pending = (source === undefined ? Promise.resolve(undefined) : source(host)).then((creds) => {
        registerCredentialSecrets(creds);
        return creds;
      });
      // A failed lookup (a broken credential helper) is not cached: the next request tries again.
      pending.catch(() => this.#credentials.delete(host));
      this.#credentials.set(host, pending);
    }
    return pending;
  }

  /** Whether any secret would be offered to this host (decides the wording of a 401). */
  async hasCredentials(host: string): Promise<boolean> {
    const c = await this.credentialsFor(host);
    return (
      c !== undefined &&
      (c.password !== undefined || c.identityToken !== undefined || c.registryToken !== undefined)
    );
  }

  /**
   * The Authorization header for a request, from the host's known challenge; undefined when the
   * challenge is not known yet or needs none. `fresh` skips the token cache (after a 401), and
   * `extraScope` adds the scope the registry named in that 401.
   */
  async authorization(
    host: string,
    scopes: RepositoryScope[] | undefined,
    options: { fresh?: boolean; extraScope?: string } = {},
  ): Promise<string | undefined> {
    const challenge = this.#challenges.get(host);
    if (challenge === undefined || challenge === null) return undefined;
    const creds = await this.credentialsFor(host);
    const repository = scopes?.[0]?.repository ?? '';
    if (challenge.scheme === 'basic') {
      if (creds?.username === undefined || creds.password === undefined) {
        throw authRefused(host, repository, this.#options.loginHint, false);
      }
      return basicAuthorization(creds.username, creds.password);
    }
    if (challenge.scheme !== 'bearer') return undefined;
    if (creds?.registryToken !== undefined) return `Bearer ${creds.registryToken}`;
    const realm = challenge.params.realm;
    if (realm === undefined || realm === '') return undefined;

    const scopeList = scopeStrings(scopes, options.extraScope);
    const key = `${host} ${scopeList.join(' ')}`;
    let pending = options.fresh === true ? undefined : this.#tokens.get(key);
    if (pending !== undefined) {
      const cached = await pending.catch(() => undefined);
      if (cached !== undefined && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    }
    pending = fetchBearerToken(this.#options.send, {
      realm,
      service: challenge.params.service,
      scopes: scopeList,
      credentials: creds,
      registryHost: host,
      repository,
      loginHint: this.#options.loginHint,
    });
    this.#tokens.set(key, pending);
    pending.catch(() => {
      if (this.#tokens.get(key) === pending) this.#tokens.delete(key);
    });
    return `Bearer ${(await pending).token}`;
  }

  /** After a 401: learn the new challenge and return a header worth one retry. */
  async answer(
    host: string,
    scopes: RepositoryScope[] | undefined,
    wwwAuthenticate: string | string[] | undefined,
  ): Promise<string | undefined> {
    const challenge = preferredChallenge(parseWwwAuthenticate(wwwAuthenticate));
    if (challenge === undefined) return undefined;
    this.#challenges.set(host, challenge);
    return this.authorization(host, scopes, { fresh: true, extraScope: challenge.params.scope });
  }
}
