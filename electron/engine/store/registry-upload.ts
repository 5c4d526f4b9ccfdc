// Blob uploads to one registry (OCI distribution spec v2): POST opens an upload session, then a
// monolithic PUT streams the body (verified by the copy as it leaves its source: the stream fails
// before it ends on a mismatch, so the PUT never completes). If the registry refuses the monolithic
// PUT early, a chunked upload (PATCH with Content-Range, then PUT) takes over, replaying the few
// bytes already sent. A PATCH that fails is re-sent from the offset the registry reports holding.
// RegistryStore owns the transport; this class only receives the request function it needs.
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import {
  AuthError,
  CancelledError,
  DigestMismatchError,
  type FerryError,
  ForbiddenError,
  RegistryError,
} from '../errors.ts';
import type { Descriptor } from '../oci/types.ts';
import { discardBody, headerValue, readBodyText } from '../transport/body.ts';
import { isTransient, statusError } from '../transport/errors.ts';
import { fixedChunks, ReplayableBody } from '../transport/replayable-body.ts';
import type { RepositoryScope, TransportRequest } from '../transport/types.ts';

/** How blobs are uploaded (RegistryStoreOptions with its defaults filled in). */
export interface BlobUploadOptions {
  /** Size of PATCH chunks in the chunked fallback. */
  chunkSize: number;
  /** Bytes of a monolithic PUT kept for the chunked fallback. */
  replayWindow: number;
  /** How often one chunk is re-sent after a failure. */
  chunkRetries: number;
  /** Always upload in PATCH chunks (registries behind proxies that cap the request size). */
  chunkedUploads: boolean;
}

/** What the uploader needs from the registry it uploads to. */
export interface UploadRegistry {
  /** The registry as the user named it, for messages. */
  readonly name: string;
  /** Sends one request; the response comes back whatever its status (throwOnError: false). */
  request(req: Omit<TransportRequest, 'throwOnError'>): Promise<Dispatcher.ResponseData>;
  /** Resolves a Location the registry handed out against its base URL. */
  absolute(location: string): string;
}

const push = (repository: string): RepositoryScope[] => [{ repository, actions: ['pull', 'push'] }];

export class BlobUploader {
  readonly #registry: UploadRegistry;
  readonly #options: BlobUploadOptions;

  constructor(registry: UploadRegistry, options: BlobUploadOptions) {
    this.#registry = registry;
    this.#options = options;
  }

  /** Uploads a blob from a stream that fails if its bytes do not match the descriptor. */
  async upload(
    repository: string,
    descriptor: Descriptor,
    stream: Readable,
    signal?: AbortSignal,
  ): Promise<void> {
    const body = new ReplayableBody(stream, this.#options.replayWindow);
    try {
      try {
        if (this.#options.chunkedUploads) await this.#uploadChunked(repository, descriptor, body, signal);
        else await this.#uploadMonolithic(repository, descriptor, body, signal);
      } catch (err) {
        if (this.#options.chunkedUploads) throw err;
        if (body.failed) throw body.error;
        if (!canFallBack(err) || !body.replayable) throw err;
        await this.#uploadChunked(repository, descriptor, body, signal);
      }
      if (body.failed) throw body.error;
    } catch (err) {
      throw body.failed ? body.error : err;
    } finally {
      if (!stream.destroyed) stream.destroy();
    }
  }

  /** Deletes an upload session (relative or absolute Location); never throws. */
  async cancel(location: string | undefined, repository: string): Promise<void> {
    if (location === undefined || location === '') return;
    try {
      const res = await this.#registry.request({
        method: 'DELETE',
        path: this.#registry.absolute(location),
        scope: push(repository),
      });
      await discardBody(res.body);
    } catch {
      // best effort: an abandoned upload session expires on the registry by itself
    }
  }

  async #startUpload(
    repository: string,
    signal: AbortSignal | undefined,
  ): Promise<{ location: string; minChunk: number }> {
    const res = await this.#registry.request({
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/`,
      headers: { 'content-length': '0' },
      scope: push(repository),
      signal,
    });
    if (res.statusCode !== 202) throw await this.#fail(res, 'start blob upload', repository);
    await discardBody(res.body);
    const location = headerValue(res.headers.location);
    if (location === undefined || location === '') {
      throw new RegistryError(
        `registry ${this.#registry.name} started an upload to ${repository} without a Location`,
      );
    }
    const minChunk = Number(headerValue(res.headers['oci-chunk-min-length']));
    return {
      location: this.#registry.absolute(location),
      minChunk: Number.isSafeInteger(minChunk) ? minChunk : 0,
    };
  }

  async #uploadMonolithic(
    repository: string,
    d: Descriptor,
    body: ReplayableBody,
    signal?: AbortSignal,
  ): Promise<void> {
    const { location } = await this.#startUpload(repository, signal);
    const res = await this.#registry
      .request({
        method: 'PUT',
        path: withDigest(location, d.digest),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(d.size) },
        body: body.body(),
        scope: push(repository),
        signal,
      })
      .catch(async (err: unknown) => {
        await this.cancel(location, repository);
        throw err;
      });
    if (res.statusCode !== 201) {
      const error = await this.#fail(res, `upload blob ${d.digest}`, repository);
      await this.cancel(location, repository);
      throw error;
    }
    await discardBody(res.body);
  }

  async #uploadChunked(
    repository: string,
    d: Descriptor,
    body: ReplayableBody,
    signal?: AbortSignal,
  ): Promise<void> {
    const started = await this.#startUpload(repository, signal);
    let location = started.location;
    const replay = body.body();
    body.stopRecording();
    let offset = 0;
    try {
      for await (const chunk of fixedChunks(replay, Math.max(this.#options.chunkSize, started.minChunk))) {
        location = await this.#patchChunk(repository, location, chunk, offset, signal);
        offset += chunk.length;
      }
      const res = await this.#registry.request({
        method: 'PUT',
        path: withDigest(location, d.digest),
        headers: { 'content-type': 'application/octet-stream', 'content-length': '0' },
        scope: push(repository),
        signal,
      });
      if (res.statusCode !== 201)
        throw await this.#fail(res, `finish upload of blob ${d.digest}`, repository);
      await discardBody(res.body);
    } catch (err) {
      await this.cancel(location, repository);
      throw err;
    }
  }

  /** PATCHes one chunk; after a failure asks the registry how far it got and sends the rest. */
  async #patchChunk(
    repository: string,
    location: string,
    chunk: Buffer,
    offset: number,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    let sent = 0; // bytes of this chunk the registry confirmed
    for (let attempt = 0; ; attempt++) {
      const part = chunk.subarray(sent);
      const start = offset + sent;
      try {
        const res = await this.#registry.request({
          method: 'PATCH',
          path: location,
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${start}-${start + part.length - 1}`,
            'content-length': String(part.length),
          },
          body: part,
          scope: push(repository),
          signal,
        });
        if (res.statusCode === 202 || res.statusCode === 204) {
          await discardBody(res.body);
          const next = headerValue(res.headers.location);
          return next === undefined || next === '' ? location : this.#registry.absolute(next);
        }
        throw await this.#fail(res, `upload chunk at byte ${start}`, repository);
      } catch (err) {
        // 416: the registry holds another offset than this chunk assumed; it says which below.
        if (!(isTransient(err) || statusOf(err) === 416) || attempt >= this.#options.chunkRetries) throw err;
        await sleep(250 * 2 ** attempt, undefined, signal ? { signal } : {}).catch((abort: unknown) => {
          throw new CancelledError(`cancelled while re-sending a chunk to ${this.#registry.name}`, {
            cause: abort,
          });
        });
        const confirmed = await this.#uploadedBytes(repository, location, signal);
        if (confirmed < offset || confirmed > offset + chunk.length) throw err;
        sent = confirmed - offset;
        if (sent === chunk.length) return location;
      }
    }
  }

  /** GET on an upload session: how many bytes the registry holds (Range: 0-<last byte>). */
  async #uploadedBytes(
    repository: string,
    location: string,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const res = await this.#registry.request({
      method: 'GET',
      path: location,
      scope: push(repository),
      signal,
    });
    await discardBody(res.body);
    if (res.statusCode !== 204 && res.statusCode !== 200) {
      throw statusError(res.statusCode, '', this.#ctx('upload status', repository));
    }
    const match = /^(?:bytes=)?0-(\d+)$/.exec(headerValue(res.headers.range) ?? '');
    const last = match === null ? -1 : Number(match[1]);
    // distribution reports "0-0" for an empty upload as well as for one byte.
    return last <= 0 ? 0 : last + 1;
  }

  // Worded exactly as RegistryStore words its failures, so messages do not depend on who failed.
  async #fail(res: Dispatcher.ResponseData, what: string, repository: string): Promise<FerryError> {
    return statusError(res.statusCode, await readBodyText(res.body), this.#ctx(what, repository));
  }

  #ctx(what: string, repository: string): { host: string; what: string; repository: string } {
    return { host: this.#registry.name, what: `${what} in ${repository}`, repository };
  }
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.href;
}

/** Whether a failed monolithic PUT may be retried as a chunked upload (not for auth or bad content:
 *  statusError makes a registry's DIGEST_INVALID or SIZE_INVALID a DigestMismatchError). */
function canFallBack(err: unknown): boolean {
  return !(err instanceof AuthError || err instanceof ForbiddenError || err instanceof DigestMismatchError);
}

function statusOf(err: unknown): number | undefined {
  const status = ((err as FerryError | undefined)?.details as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
