// Proxies from the environment: HTTP_PROXY / HTTPS_PROXY / NO_PROXY (lowercase wins, as in undici
// and curl). Matching follows undici's EnvHttpProxyAgent (NO_PROXY entries are hosts, `.suffix` or
// `*.suffix` domains, optional `:port`, or `*`), with one addition taken from Go's net/http, which
// is what d8, docker and skopeo use: loopback (localhost, 127.0.0.1, ::1) never goes through a
// proxy, so a registry on this machine keeps working on a laptop with a corporate proxy set.
import { Agent, buildConnector, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { TlsTrust } from './tls.ts';

const loopbackNoProxy = ['localhost', '127.0.0.1', '::1'];

export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return '';
}

/** A proxy as error messages name it: its address without credentials, and the variable that set it. */
export interface ProxyEndpoint {
  /** `http://proxy.corp:3128`: scheme, host and port only, never a user or password. */
  address: string;
  hostname: string;
  port: number;
  variable: string;
}

function firstSetName(env: NodeJS.ProcessEnv, names: string[]): string | undefined {
  return names.find((name) => env[name] !== undefined && env[name] !== '');
}

/**
 * The proxies a request may go through, so a failure to reach one is reported as the proxy's
 * (undici reports a dead proxy as the connection refused, with the proxy's address on the error).
 */
export function proxyEndpoints(env: NodeJS.ProcessEnv = process.env): ProxyEndpoint[] {
  const out: ProxyEndpoint[] = [];
  for (const names of [
    ['https_proxy', 'HTTPS_PROXY'],
    ['http_proxy', 'HTTP_PROXY'],
  ]) {
    const variable = firstSetName(env, names);
    if (variable === undefined) continue;
    let url: URL;
    try {
      url = new URL(env[variable]!);
    } catch {
      continue; // undici refuses it when the agent is made, with its own message
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!out.some((p) => p.hostname === hostname && p.port === port))
      out.push({ address: `${url.protocol}//${url.host}`, hostname, port, variable });
  }
  return out;
}

/** The proxies the environment asks for, or undefined when none is set. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const httpProxy = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const httpsProxy = firstSet(env, ['https_proxy', 'HTTPS_PROXY']) || httpProxy;
  if (httpProxy === '' && httpsProxy === '') return undefined;
  const noProxy = [firstSet(env, ['no_proxy', 'NO_PROXY']), ...loopbackNoProxy]
    .filter((s) => s !== '')
    .join(',');
  return { httpProxy, httpsProxy, noProxy };
}

export interface BaseDispatcherOptions {
  tls: TlsTrust;
  connections: number;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

/**
 * The connection pool under the interceptors: a plain Agent, or an EnvHttpProxyAgent when a proxy
 * is configured. HTTP/2 is off: registries are fetched over several HTTP/1.1 connections per host
 * (the per-host cap), which is how docker and skopeo behave and what every registry handles.
 */
export function createBaseDispatcher(options: BaseDispatcherOptions): Dispatcher {
  const { tls } = options;
  const plain = { allowH2: false, timeout: options.timeoutMs };
  const secure = () => ({
    ...plain,
    secureContext: tls.secureContext(),
    rejectUnauthorized: tls.rejectUnauthorized,
  });
  // The trust store is built by the first TLS connection, not for a plain-HTTP registry.
  const plainConnector = buildConnector(plain);
  let secureConnector: buildConnector.connector | undefined;
  const connect: buildConnector.connector = (target, callback) => {
    if (target.protocol !== 'https:') return plainConnector(target, callback);
    secureConnector ??= buildConnector(secure());
    return secureConnector(target, callback);
  };
  const agentOptions = {
    connections: options.connections,
    connect,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  };
  const proxy = proxySettings(options.env);
  if (proxy === undefined) return new Agent(agentOptions);
  return new EnvHttpProxyAgent({
    ...agentOptions,
    httpProxy: proxy.httpProxy,
    httpsProxy: proxy.httpsProxy,
    noProxy: proxy.noProxy,
    requestTls: secure(),
    // The proxy itself is always verified (same trust store); --tls-skip-verify is about the registry.
    proxyTls: { ...secure(), rejectUnauthorized: true },
    connectTimeout: options.timeoutMs,
  });
}
