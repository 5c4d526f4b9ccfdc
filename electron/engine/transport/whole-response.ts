// Small responses (manifests, tag lists, referrers) are read into memory whole, and a body that
// fails halfway is fetched again from its first byte. The retry interceptor resumes a broken body
// with Range, which is right for blobs but not here: registries ignore Range on manifests and tag
// lists and answer 200 with the whole document, which undici must refuse ("server does not support
// the range header…"), and a manifest's digest covers all of its bytes anyway. A stalled body (the
// body timeout) is fetched again the same way.
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { CancelledError } from '../errors.ts';
import { readBodyBytes } from './body.ts';
import { isTransient } from './errors.ts';
import { retryDelayMs, type RetryInfo } from './retry.ts';

export interface WholeResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WholeResponsePolicy {
  /** Times a broken body is fetched again (the transport's retry count). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry?: (info: RetryInfo) => void;
}

/** The interceptor's failed Range resume of a body already partly read: fetch it again whole. */
const RESUME_REFUSED = 'UND_ERR_REQ_RETRY';

function bodyFailure(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === RESUME_REFUSED) return 'body cut short';
  return isTransient(err) && typeof code === 'string' ? code : undefined;
}

/**
 * Sends the request and reads its body whole (at most `limit` bytes); when the body breaks off
 * (a reset, a stall, the interceptor's refused resume), sends the request again from the start.
 */
export async function fetchWhole(
  send: () => Promise<Dispatcher.ResponseData>,
  what: { origin: string; method: string; path: string; label: string; limit: number },
  policy: WholeResponsePolicy,
  signal?: AbortSignal,
): Promise<WholeResponse> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    try {
      const body = await readBodyBytes(res.body, what.limit, what.label);
      return { statusCode: res.statusCode, headers: res.headers, body };
    } catch (err) {
      const reason = bodyFailure(err);
      if (reason === undefined || attempt > policy.retries || signal?.aborted) throw err;
      const delayMs = retryDelayMs(attempt, undefined, policy) ?? policy.baseDelayMs;
      policy.onRetry?.({
        origin: what.origin,
        method: what.method,
        path: what.path,
        attempt,
        delayMs,
        reason,
      });
      await sleep(delayMs, undefined, signal ? { signal } : {}).catch((abort: unknown) => {
        throw new CancelledError(`cancelled while fetching ${what.label} again`, { cause: abort });
      });
    }
  }
}
