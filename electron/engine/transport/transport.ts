// The registry transport: one connection pool (per-host cap, TLS trust, proxies, timeouts) with
// undici's retry and redirect interceptors composed on top, and authentication around it.
//
//   request() ── auth (this file + auth.ts) ── redirect ── retry ── Agent / EnvHttpProxyAgent
//
// Redirects are outermost so each hop is retried on its own and a resumed blob download goes
// straight back to the storage URL; undici drops Authorization on a cross-origin hop, so registry
// credentials never reach a blob storage backend. Every failure leaves here as a FerryError.
import { interceptors, type Dispatcher } from 'undici';
import { FerryError } from '../errors.ts';
import { Authenticator } from './auth.ts';
import { discardBody, isReplayable, readBodyText } from './body.ts';
import { timeoutFromEnv } from './duration.ts';
import { authRefused, httpsOnly, mapTransportError, statusError } from './errors.ts';
import { createBaseDispatcher, proxyEndpoints } from './proxy.ts';
import { createRetryPolicy, retryErrorCodes, retryMethods, retryStatusCodes } from './retry.ts';
import type { SendToUrl } from './token.ts';
import { tlsTrust } from './tls.ts';
import type { Transport, TransportOptions, TransportRequest } from './types.ts';
import { fetchWhole, type WholeResponse } from './whole-response.ts';

export const defaultTimeoutMs = 60_000;
export const defaultRetries = 4;
export const defaultMaxConnectionsPerHost = 8;
export const defaultLoginHint = 'check --source-login/--source-password or docker login';
const defaultUserAgent = 'ferry/0.1 (+container image transfer)';

/**
 * Plain HTTP sent to a TLS port: Go servers (distribution, harbor, ...) answer a bare 400 with no
 * headers and the text "Client sent an HTTP request to an HTTPS server". Registry 400s carry JSON.
 */
function isBareTlsRefusal(res: Dispatcher.ResponseData): boolean {
  return res.statusCode === 400 && res.headers['content-type'] === undefined;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv(env) ?? defaultTimeoutMs;
  const userAgent = options.userAgent ?? defaultUserAgent;
  const loginHint = options.loginHint ?? defaultLoginHint;
  const base = createBaseDispatcher({
    tls: tlsTrust(options, env),
    connections: options.maxConnectionsPerHost ?? defaultMaxConnectionsPerHost,
    timeoutMs,
    env,
  });
  const proxies = proxyEndpoints(env);
  const retries = options.retries ?? defaultRetries;
  const retryPolicy = {
    retries,
    baseDelayMs: options.retryBaseDelayMs ?? 500,
    maxDelayMs: 30_000,
    onRetry: options.onRetry,
  };
  const dispatcher = base.compose(
    interceptors.retry({
      // false: once retries are exhausted (or the policy declines) the last response is delivered
      // as is, so its status and error body reach statusError() instead of a bare "Request failed".
      throwOnError: false,
      maxRetries: retries,
      methods: [...retryMethods],
      statusCodes: [...retryStatusCodes],
      errorCodes: [...retryErrorCodes],
      retry: createRetryPolicy(retryPolicy),
    }),
    interceptors.redirect({ maxRedirections: 5 }),
  );

  const baseUrl = (host: string): string => `${options.insecure === true ? 'http' : 'https'}://${host}`;

  const sendToUrl: SendToUrl = (url, init) =>
    dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: init.method,
      headers: { 'user-agent': userAgent, ...init.headers },
      body: init.body ?? null,
    });

  const auth = new Authenticator({ credentials: options.credentials, send: sendToUrl, loginHint });

  async function ping(host: string): Promise<void> {
    const res = await sendToUrl(new URL('/v2/', baseUrl(host)), { method: 'GET', headers: {} });
    await discardBody(res.body);
    auth.learn(host, res.headers['www-authenticate'], res.statusCode);
  }

  async function request(host: string, req: TransportRequest): Promise<Dispatcher.ResponseData> {
    const registryOrigin = new URL(baseUrl(host)).origin;
    const url = req.path.startsWith('/') ? new URL(req.path, registryOrigin) : new URL(req.path);
    const ours = url.origin === registryOrigin;
    const what = `${req.method} ${url.pathname}`;
    const repository = req.scope?.[0]?.repository ?? '';

    const send = (authorization: string | undefined): Promise<Dispatcher.ResponseData> =>
      dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: {
          'user-agent': userAgent,
          ...req.headers,
          ...(authorization === undefined ? {} : { authorization }),
        },
        // undici streams async iterables too; its types only list Readable.
        body: (req.body ?? null) as Dispatcher.DispatchOptions['body'],
        signal: req.signal,
        // undici closes the connection after every HEAD (in case a server sends a body anyway), so
        // each blob or manifest HEAD paid a new connection: a round trip, two more with TLS.
        // Registries answer HEAD without a body (Go's net/http cannot send one): keep it alive.
        ...(req.method === 'HEAD' ? { reset: false } : {}),
      });

    try {
      // A streamed body cannot be sent twice, so learn the host's challenge before sending it.
      if (ours && !auth.knows(host) && !isReplayable(req.body)) await ping(host);
      let res = await send(ours ? await auth.authorization(host, req.scope) : undefined);
      if (res.statusCode === 401 && ours) {
        const challenge = res.headers['www-authenticate'];
        await discardBody(res.body);
        const hadCredentials = await auth.hasCredentials(host);
        if (!isReplayable(req.body)) throw authRefused(host, repository, loginHint, hadCredentials);
        const retryHeader = await auth.answer(host, req.scope, challenge);
        if (retryHeader === undefined) throw authRefused(host, repository, loginHint, hadCredentials);
        res = await send(retryHeader);
        if (res.statusCode === 401) {
          await discardBody(res.body);
          throw authRefused(host, repository, loginHint, hadCredentials);
        }
      }
      // A HEAD's refusal has no text to tell it by (statusError reads the text of a GET's).
      if (url.protocol === 'http:' && isBareTlsRefusal(res)) {
        await discardBody(res.body);
        throw httpsOnly(host, { host, status: res.statusCode, repository });
      }
      if (
        res.statusCode === 403 ||
        (req.throwOnError !== false && res.statusCode >= 400) ||
        isBareTlsRefusal(res)
      ) {
        const text = await readBodyText(res.body);
        throw statusError(res.statusCode, text, { host, what, repository });
      }
      return res;
    } catch (err) {
      if (err instanceof FerryError) throw err;
      throw mapTransportError(err, { host, what, proxies });
    }
  }

  async function requestWhole(
    host: string,
    req: TransportRequest,
    limit: number,
    label: string,
  ): Promise<WholeResponse> {
    const url = req.path.startsWith('/') ? new URL(req.path, baseUrl(host)) : new URL(req.path);
    try {
      return await fetchWhole(
        () => request(host, req),
        { origin: url.origin, method: req.method, path: url.pathname, label, limit },
        retryPolicy,
        req.signal,
      );
    } catch (err) {
      if (err instanceof FerryError) throw err;
      throw mapTransportError(err, { host, what: `${req.method} ${url.pathname}`, proxies });
    }
  }

  return {
    request,
    requestWhole,
    baseUrl,
    close: () => dispatcher.close(),
  };
}
