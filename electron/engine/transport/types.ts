// The transport's public shapes: how a registry is reached (TLS, proxies, retries, timeouts,
// credentials) and the one request() every registry call goes through.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { RetryInfo } from './retry.ts';
import type { WholeResponse } from './whole-response.ts';

/** What a registry accepts as a login. Every field is a secret except `username`. */
export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker config's `identitytoken`): exchanged at the token realm. */
  identityToken?: string;
  /** A bearer token sent to the registry as is (docker config's `registrytoken`). */
  registryToken?: string;
}

/** Credentials for a registry host ('127.0.0.1:5000', 'docker.io'), or undefined for anonymous. */
export type CredentialSource = (registryHost: string) => Promise<Credentials | undefined>;

export interface TransportOptions {
  /** Plain HTTP to the registry (d8's --insecure). */
  insecure?: boolean;
  /** Accept any certificate (d8's --tls-skip-verify). */
  tlsSkipVerify?: boolean;
  /** Extra PEM files to trust, on top of Node's and the system's roots, SSL_CERT_FILE and SSL_CERT_DIR. */
  caFiles?: string[];
  credentials?: CredentialSource;
  /** Connect, headers and body (between chunks) timeout; default D8_MIRROR_TIMEOUT from `env`, else 60 s. */
  timeoutMs?: number;
  /** Retries of one request on 408/429/5xx and dropped connections; default 4. */
  retries?: number;
  /** Connections per registry origin; default 8. */
  maxConnectionsPerHost?: number;
  userAgent?: string;
  /** The advice an authentication failure ends with; default names d8's source flags and docker login. */
  loginHint?: string;
  /** Environment for proxies and extra CAs; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** First backoff step in ms (default 500); tests lower it. The cap is 30 s; Retry-After wins. */
  retryBaseDelayMs?: number;
  /** Told about every retry (progress display, ledger, tests). */
  onRetry?: (info: RetryInfo) => void;
}

export type RegistryAction = 'pull' | 'push';

/** What a request needs to be allowed to do; becomes `scope=repository:<name>:<actions>` for tokens. */
export interface RepositoryScope {
  repository: string;
  actions: RegistryAction[];
}

export type RequestBody = string | Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array> | null;

export interface TransportRequest {
  method: Dispatcher.HttpMethod;
  /** '/v2/...' (with query), or an absolute URL a registry handed out (upload Location, Link). */
  path: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  scope?: RepositoryScope[];
  signal?: AbortSignal;
  /**
   * By default any status >= 400 becomes a FerryError (404 NotFoundError, 5xx RegistryError, ...).
   * With false, the response is returned whatever its status so the caller can word the failure;
   * authentication failures (401 after the retry with credentials) and 403 still throw.
   */
  throwOnError?: false;
}

export interface Transport {
  request(registryHost: string, req: TransportRequest): Promise<Dispatcher.ResponseData>;
  /** A small response (manifest, tag list) read whole, at most `limit` bytes; a body that breaks off
   *  is fetched again from its start, never resumed with Range. */
  requestWhole(
    registryHost: string,
    req: TransportRequest,
    limit: number,
    label: string,
  ): Promise<WholeResponse>;
  /** 'https://host' or 'http://host' (insecure): the base that relative Locations resolve against. */
  baseUrl(registryHost: string): string;
  close(): Promise<void>;
}
