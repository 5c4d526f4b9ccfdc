// The distribution token flow (docker's "token authentication specification" and its OAuth2
// variant): ask the realm from a Bearer challenge for a token covering the scopes a request needs.
//   - username/password → GET realm?service=..&scope=..&account=.. with Basic auth
//   - identity token    → POST realm (grant_type=refresh_token), as docker does for identity tokens
//   - nothing           → GET anonymously (public repositories)
// The answer carries `token` or `access_token`, `expires_in` (default 60 s) and maybe `issued_at`.
import type { Dispatcher } from 'undici';
import { RegistryError } from '../errors.ts';
import { registerSecret } from '../redact.ts';
import { authRefused, describeErrorBody } from './errors.ts';
import type { Credentials } from './types.ts';

export interface BearerToken {
  token: string;
  /** Epoch ms after which the token is not used any more (a little before it really expires). */
  expiresAt: number;
}

/** Sends one request to an absolute URL (the realm may live on another host). */
export type SendToUrl = (
  url: URL,
  init: { method: Dispatcher.HttpMethod; headers: Record<string, string>; body?: string },
) => Promise<Dispatcher.ResponseData>;

export interface TokenRequest {
  realm: string;
  service: string | undefined;
  scopes: string[];
  credentials: Credentials | undefined;
  /** For messages. */
  registryHost: string;
  repository: string;
  loginHint: string;
}

export function basicAuthorization(username: string, password: string): string {
  registerSecret(password);
  registerSecret(`${username}:${password}`);
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function lifetimeMs(expiresIn: unknown, issuedAt: unknown, now: number): number {
  const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60;
  const issued = typeof issuedAt === 'string' ? Date.parse(issuedAt) : NaN;
  // Trust our clock over the server's: only use issued_at to shorten, never to extend.
  const start = Number.isNaN(issued) ? now : Math.min(now, issued);
  const total = start + seconds * 1000 - now;
  return total - Math.min(30_000, total / 4);
}

export async function fetchBearerToken(send: SendToUrl, req: TokenRequest): Promise<BearerToken> {
  const url = new URL(req.realm);
  const creds = req.credentials;
  const headers: Record<string, string> = { accept: 'application/json' };
  let method: Dispatcher.HttpMethod = 'GET';
  let body: string | undefined;
  if (creds?.identityToken) {
    registerSecret(creds.identityToken);
    method = 'POST';
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: creds.identityToken,
      client_id: 'ferry',
    });
    if (req.service !== undefined) form.set('service', req.service);
    if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else {
    if (req.service !== undefined) url.searchParams.set('service', req.service);
    for (const scope of req.scopes) url.searchParams.append('scope', scope);
    if (creds?.username !== undefined && creds.password !== undefined) {
      url.searchParams.set('account', creds.username);
      headers.authorization = basicAuthorization(creds.username, creds.password);
    }
  }

  const res = await send(url, { method, headers, body });
  const text = await res.body.text();
  const hadCredentials =
    creds !== undefined && (creds.password !== undefined || creds.identityToken !== undefined);
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw authRefused(req.registryHost, req.repository, req.loginHint, hadCredentials);
  }
  if (res.statusCode !== 200) {
    const detail = describeErrorBody(text);
    throw new RegistryError(
      `the token service of registry ${req.registryHost} (${url.host}) answered ${res.statusCode}${detail ? `: ${detail}` : ''}`,
      { details: { host: req.registryHost, status: res.statusCode } },
    );
  }
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new RegistryError(`the token service of registry ${req.registryHost} (${url.host}) sent no JSON`);
  }
  const token =
    typeof parsed.token === 'string' && parsed.token !== ''
      ? parsed.token
      : typeof parsed.access_token === 'string'
        ? parsed.access_token
        : '';
  if (token === '') {
    throw new RegistryError(`the token service of registry ${req.registryHost} (${url.host}) sent no token`);
  }
  registerSecret(token);
  const now = Date.now();
  return { token, expiresAt: now + lifetimeMs(parsed.expires_in, parsed.issued_at, now) };
}
