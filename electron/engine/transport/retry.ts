// When and how long to wait before re-sending a request. Plugged into undici's retry interceptor,
// which also resumes an interrupted GET with `Range` (checked with If-Match on the ETag), so a
// connection dropped in the middle of a blob continues where it stopped instead of starting over.
//
// Retried: 408, 429, 500, 502, 503, 504, resets and dropped sockets, timeouts, temporary DNS
// failures. Not retried: ECONNREFUSED and ENOTFOUND (a wrong address fails at once, clearly),
// TLS failures, PATCH (an upload chunk is re-sent by the store after asking the registry where the
// upload stands), and any request whose streamed body was already read (undici refuses those).
import type { Dispatcher, RetryHandler } from 'undici';
import { isReplayable } from './body.ts';
import { transientErrorCodes, transientStatuses } from './errors.ts';

export const retryStatusCodes: readonly number[] = transientStatuses;

export const retryErrorCodes: readonly string[] = transientErrorCodes;

export const retryMethods: readonly Dispatcher.HttpMethod[] = [
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'POST',
  'OPTIONS',
];

/** A Retry-After beyond this is not waited for: the failure is reported instead (rate limits reset in hours). */
export const maxRetryAfterMs = 60_000;

export interface RetryInfo {
  /** 'https://host:port' of the request that failed. */
  origin: string;
  method: string;
  path: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** 'HTTP 503', 'ECONNRESET', ... */
  reason: string;
}

export interface RetryPolicyOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry?: (info: RetryInfo) => void;
  random?: () => number;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Delay before retry `attempt` (1-based): Retry-After when the server sent one (undefined if it asks
 * for longer than maxRetryAfterMs), else exponential backoff with "equal jitter" — half the step
 * fixed, half random — so parallel transfers hitting one failure do not retry in lockstep.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: { baseDelayMs: number; maxDelayMs: number; random?: () => number },
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > maxRetryAfterMs ? undefined : retryAfterMs;
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(step / 2 + random() * (step / 2));
}

interface RetryableError {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** The `retry` callback for undici's retry interceptor. */
export function createRetryPolicy(
  options: RetryPolicyOptions,
): NonNullable<RetryHandler.RetryOptions['retry']> {
  const statuses = new Set(retryStatusCodes);
  const codes = new Set(retryErrorCodes);
  const methods = new Set<string>(retryMethods);
  return (err, { state, opts }, callback) => {
    const { statusCode, code, headers } = err as Error & RetryableError;
    const isStatus = typeof statusCode === 'number';
    const retryable = isStatus ? statuses.has(statusCode) : code !== undefined && codes.has(code);
    // A streamed body is consumed by the first attempt: re-sending it would wait forever for bytes
    // that never come. The caller (registry-store's upload) decides how to resend those.
    const replayable = isReplayable((opts as { body?: unknown }).body);
    if (!retryable || !replayable || !methods.has(opts.method) || state.counter > options.retries) {
      callback(err);
      return;
    }
    const retryAfter = isStatus ? parseRetryAfter(headers?.['retry-after']) : undefined;
    const delayMs = retryDelayMs(state.counter, retryAfter, options);
    if (delayMs === undefined) {
      callback(err);
      return;
    }
    options.onRetry?.({
      origin: String(opts.origin ?? ''),
      method: opts.method,
      path: opts.path,
      attempt: state.counter,
      delayMs,
      reason: isStatus ? `HTTP ${statusCode}` : (code ?? err.message),
    });
    // Returning the timer lets undici cancel the wait when the request is aborted.
    return setTimeout(() => callback(null), delayMs);
  };
}
