// The one place where network failures and HTTP statuses become Ferry errors. Each message names
// the registry and says what to do; none carries a secret (FerryError redacts, and credentials are
// registered as secrets before they are ever sent).
import { isIP } from 'node:net';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { ErrorCodes } from '../../../shared/errors.ts';
import type { ProxyEndpoint } from './proxy.ts';
import {
  AuthError,
  CancelledError,
  DigestMismatchError,
  FerryError,
  ForbiddenError,
  NotFoundError,
  RegistryError,
  TlsError,
  UnreachableError,
} from '../errors.ts';

export interface ErrorContext {
  /** Registry host as the user wrote it ('127.0.0.1:5000'). */
  host: string;
  /** What was being done, for messages: 'GET /v2/app/manifests/1.0'. */
  what?: string;
  /** The proxies configured (proxy.ts proxyEndpoints): a connection failure at one is the proxy's. */
  proxies?: readonly ProxyEndpoint[];
}

/** Certificate problems: the peer is reachable but not trusted. */
const untrustedCertificate: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by an unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a self-signed CA that is not trusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it presented a self-signed certificate',
  CERT_UNTRUSTED: 'its certificate is not trusted',
  CERT_SIGNATURE_FAILURE: 'its certificate signature is invalid',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet (check the clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not name this host',
};

const unreachableCodes: Record<string, string> = {
  ECONNREFUSED: 'refused the connection: is it running and listening on that port?',
  ECONNRESET: 'dropped the connection (retried, still failing)',
  EPIPE: 'dropped the connection (retried, still failing)',
  UND_ERR_SOCKET: 'closed the connection unexpectedly (retried, still failing)',
  UND_ERR_CLOSED: 'closed the connection unexpectedly (retried, still failing)',
  EHOSTUNREACH: 'is unreachable (no route to host)',
  ENETUNREACH: 'is unreachable (network unreachable)',
  EHOSTDOWN: 'is down',
  ENETDOWN: 'is unreachable (network down)',
  ETIMEDOUT: 'did not answer in time',
  UND_ERR_CONNECT_TIMEOUT: 'did not accept a connection in time',
  UND_ERR_HEADERS_TIMEOUT: 'did not answer in time (raise D8_MIRROR_TIMEOUT for slow registries)',
  UND_ERR_BODY_TIMEOUT: 'stopped sending data (raise D8_MIRROR_TIMEOUT for slow registries)',
  UND_ERR_PRX_CONN: 'could not be reached through the proxy (check HTTPS_PROXY/HTTP_PROXY/NO_PROXY)',
};

interface CodedError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  hostname?: unknown;
  /** node:net's connect errors: the address and port that refused or did not answer. */
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and everything it wraps (cause chains, AggregateError from happy-eyeballs connects). */
function* chain(err: unknown, depth = 0): Generator<CodedError> {
  if (err === null || typeof err !== 'object' || depth > 8) return;
  const e = err as CodedError;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
  if (e.cause !== undefined) yield* chain(e.cause, depth + 1);
}

function codeOf(e: CodedError): string {
  return typeof e.code === 'string' ? e.code : '';
}

function hostnameOf(host: string): string {
  return host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}

/** What a failure to reach the proxy itself means, by code. */
const proxyUnreachable: Record<string, string> = {
  ECONNREFUSED: 'refused the connection: nothing is listening there',
  ENOTFOUND: 'is an unknown host',
  EAI_AGAIN: 'could not be looked up (DNS)',
  EAI_NONAME: 'is an unknown host',
  EHOSTUNREACH: 'is unreachable (no route to host)',
  ENETUNREACH: 'is unreachable (network unreachable)',
  ETIMEDOUT: 'did not answer in time',
};

/** The proxy `e` failed to reach, when it is one: a connect error carries the address it tried. */
function failedProxy(e: CodedError, proxies: readonly ProxyEndpoint[]): ProxyEndpoint | undefined {
  return proxies.find((p) =>
    typeof e.hostname === 'string' && e.address === undefined
      ? e.hostname === p.hostname
      : // A proxy given by name: node reports the address it resolved to, so the port decides.
        e.port === p.port && (e.address === p.hostname || isIP(p.hostname) === 0),
  );
}

/** The fix for an untrusted certificate, in the words of the CLI. */
export const tlsFixHint =
  'pass --tls-skip-verify or SSL_CERT_FILE=<ca.pem> (the CA that signed its certificate)';

/** Maps anything a request threw (undici, node:net/tls, our own) to a FerryError. */
export function mapTransportError(err: unknown, ctx: ErrorContext): FerryError {
  if (err instanceof FerryError) return err;
  const host = ctx.host;
  const what = ctx.what === undefined ? '' : ` (${ctx.what})`;
  for (const e of chain(err)) {
    if (e instanceof FerryError) return e;
    const code = codeOf(e);
    // undici rejects a refused CONNECT tunnel as an abort; it is the proxy answering, not a cancel.
    const tunnel = typeof e.message === 'string' ? /^Proxy response \((\d+)\)/.exec(e.message) : null;
    if (tunnel) {
      const status = tunnel[1]!;
      const hint =
        status === '407'
          ? 'proxy authentication required: put the credentials in HTTPS_PROXY (http://user:password@proxy:port)'
          : 'check HTTPS_PROXY/HTTP_PROXY/NO_PROXY';
      return new UnreachableError(
        `the proxy refused to connect to registry ${host}${what} (HTTP ${status}): ${hint}`,
        { cause: err, details: { host, proxyStatus: Number(status) } },
      );
    }
    if (
      e.name === 'AbortError' ||
      code === 'UND_ERR_ABORTED' ||
      code === 'UND_ERR_ABORT' ||
      code === 'ABORT_ERR'
    ) {
      return new CancelledError(`cancelled while talking to ${host}${what}`, { cause: err });
    }
    const proxyFailure = proxyUnreachable[code];
    const proxy = proxyFailure !== undefined ? failedProxy(e, ctx.proxies ?? []) : undefined;
    if (proxy) {
      return new UnreachableError(
        `the proxy ${proxy.address} (${proxy.variable}) ${proxyFailure}, so registry ${host} cannot be reached${what}: start the proxy, fix ${proxy.variable}, or add ${hostnameOf(host)} to NO_PROXY`,
        { cause: err, details: { host, proxy: proxy.address, code } },
      );
    }
    const untrusted = untrustedCertificate[code];
    if (untrusted !== undefined) {
      return new TlsError(`TLS: registry ${host} is not trusted: ${untrusted} (${code}): ${tlsFixHint}`, {
        cause: err,
        details: { host, code },
      });
    }
    if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
      return new TlsError(
        `TLS handshake with registry ${host} failed (${code}): if it serves plain HTTP, use --insecure`,
        { cause: err, details: { host, code } },
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
      const name = typeof e.hostname === 'string' ? e.hostname : hostnameOf(host);
      return new UnreachableError(`unknown host ${name}: check the registry name and DNS (${code})`, {
        cause: err,
        details: { host, code },
      });
    }
    const unreachable = unreachableCodes[code];
    if (unreachable !== undefined) {
      return new UnreachableError(`registry ${host} ${unreachable}${what}`, {
        cause: err,
        details: { host, code },
      });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RegistryError(`request to registry ${host} failed${what}: ${message}`, {
    cause: err,
    details: { host },
  });
}

/** The `code`s of a distribution-spec error body ('DIGEST_INVALID', 'BLOB_UPLOAD_UNKNOWN', ...). */
export function registryErrorCodes(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown }> };
    return (parsed.errors ?? []).flatMap((e) => (typeof e.code === 'string' ? [e.code] : []));
  } catch {
    return [];
  }
}

/** The `errors` array of a distribution-spec error body, as one short line. */
export function describeErrorBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const parts = (parsed.errors ?? [])
      .map((e) => [e.code, e.message].filter((x) => typeof x === 'string' && x !== '').join(': '))
      .filter((s) => s !== '');
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function authRefused(
  host: string,
  repository: string,
  hint: string,
  hadCredentials: boolean,
): AuthError {
  const subject = repository === '' ? '' : ` for ${repository}`;
  const verb = hadCredentials ? 'refused the credentials' : 'requires credentials';
  return new AuthError(`registry ${host} ${verb}${subject} (401): ${hint}`, {
    details: { host, repository },
  });
}

/** Plain HTTP sent to a registry that speaks only HTTPS (a Go server's bare 400). */
export function httpsOnly(host: string, details: Record<string, unknown>): TlsError {
  return new TlsError(`registry ${host} speaks HTTPS, not plain HTTP: drop --insecure`, { details });
}

/** An HTTP error status as a FerryError; `body` is the (short) response text. */
export function statusError(
  status: number,
  body: string,
  ctx: ErrorContext & { repository?: string },
): FerryError {
  const detail = describeErrorBody(body);
  const suffix = detail === '' ? '' : `: ${detail}`;
  const what = ctx.what === undefined ? '' : ` for ${ctx.what}`;
  const repo = ctx.repository ?? '';
  const registryCodes = registryErrorCodes(body);
  const details = { host: ctx.host, status, repository: repo, registryCodes };
  if (status === 400 && /HTTP request to an HTTPS server/i.test(body)) return httpsOnly(ctx.host, details);
  if (status === 400 && registryCodes.some((c) => c === 'DIGEST_INVALID' || c === 'SIZE_INVALID')) {
    // The registry hashed what it received and it is not what was announced: refused content.
    return new DigestMismatchError(
      `registry ${ctx.host} refused the content${what}: it does not match its digest or size (400)${suffix}`,
      { details },
    );
  }
  if (status === 401) return authRefused(ctx.host, repo, 'check the registry login', true);
  if (status === 403) {
    return new ForbiddenError(
      `registry ${ctx.host} denied access${repo === '' ? '' : ` to ${repo}`} (403)${suffix}: the account lacks permission`,
      { details },
    );
  }
  if (status === 404)
    return new NotFoundError(`registry ${ctx.host} has no such resource${what} (404)${suffix}`, { details });
  if (status === 429) {
    return new RegistryError(
      `registry ${ctx.host} is rate-limiting requests${what} (429)${suffix}: try again later`,
      {
        details,
      },
    );
  }
  return new RegistryError(`registry ${ctx.host} answered ${status}${what}${suffix}`, { details });
}

/** Codes of network failures worth trying again (undici's retry interceptor retries these). */
export const transientErrorCodes: readonly string[] = [
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
];

/** HTTP statuses that say "not now" rather than "no": worth asking again. */
export const transientStatuses: readonly number[] = [408, 429, 500, 502, 503, 504];

/**
 * True for a failure that says nothing about the request itself — a dropped or timed-out
 * connection, an overloaded registry, a body cut short — so the same request may succeed if sent
 * again. Decided on structured fields only (`code`, `details.status`, `details.code`), never on
 * message text.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof FerryError) {
    if (err.code === ErrorCodes.SHORT_READ) return true;
    const details = (err.details ?? {}) as { status?: unknown; code?: unknown };
    if (typeof details.status === 'number') return transientStatuses.includes(details.status);
    return (
      err.code === ErrorCodes.UNREACHABLE &&
      typeof details.code === 'string' &&
      transientErrorCodes.includes(details.code)
    );
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && transientErrorCodes.includes(code);
}

/** Re-emits a response body's stream errors as FerryErrors (a blob stream outlives request()). */
export function mapStreamErrors(source: Readable, ctx: ErrorContext): Readable {
  const out = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      callback(null, chunk);
    },
  });
  source.on('error', (err) => out.destroy(mapTransportError(err, ctx)));
  out.on('close', () => {
    if (!source.destroyed && !source.readableEnded) source.destroy();
  });
  source.pipe(out);
  return out;
}
