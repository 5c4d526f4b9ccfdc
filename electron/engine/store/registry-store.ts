// A live registry as a copy source and sink (store.ts), speaking the OCI distribution spec v2 API.
//
// Manifests come back byte-for-byte with their digest checked (against the reference when it is a
// digest, and against Docker-Content-Digest). Blobs stream: downloads resume with Range (a server
// that ignores Range gets its first `offset` bytes skipped here); uploads (monolithic PUT with a
// chunked PATCH fallback) live in registry-upload.ts. Referrers use the OCI 1.1 API, else the
// `sha256-<hex>` tag fallback.
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { FerryError } from '../errors.ts';
import { DigestMismatchError, InvalidReferenceError, NotFoundError, RegistryError } from '../errors.ts';
import { referrersFallbackTag } from '../oci/annotations.ts';
import { digestLike, isDigest, parseDigest, sha256Digest } from '../oci/digest.ts';
import {
  acceptedManifestTypes,
  detectMediaType,
  isImageIndex,
  isIndexMediaType,
  parseManifest,
} from '../oci/manifest.ts';
import { MediaTypes, type Descriptor, type RawManifest } from '../oci/types.ts';
import { digestProblem, pathProblem, tagProblem } from '../ref/grammar.ts';
import { registryEndpoint } from '../ref/reference.ts';
import { discardBody, headerValue, maxManifestBytes, readBodyText } from '../transport/body.ts';
import { mapStreamErrors, statusError } from '../transport/errors.ts';
import { nextLink } from '../transport/link-header.ts';
import type { RepositoryScope, Transport, TransportRequest } from '../transport/types.ts';
import type { WholeResponse } from '../transport/whole-response.ts';
import { addToReferrersFallback } from './referrers-fallback.ts';
import { BlobUploader } from './registry-upload.ts';
import type { BlobSink, BlobSource, BlobStream, GetBlobOptions, ManifestHead } from './store.ts';

export interface RegistryStoreOptions {
  /** `n` for tag list pages; default: the registry's own page size. */
  tagPageSize?: number;
  /** Size of PATCH chunks in the chunked fallback (default 8 MiB). */
  chunkSize?: number;
  /** Bytes of a monolithic PUT kept for the chunked fallback (default 8 MiB). */
  replayWindow?: number;
  /** How often one chunk is re-sent after a failure (default 3). */
  chunkRetries?: number;
  /** Always upload in PATCH chunks (registries behind proxies that cap the request size). */
  chunkedUploads?: boolean;
}

const manifestAccept = acceptedManifestTypes.join(', ');
const pull = (repository: string): RepositoryScope[] => [{ repository, actions: ['pull'] }];
const push = (repository: string): RepositoryScope[] => [{ repository, actions: ['pull', 'push'] }];

export class RegistryStore implements BlobSource, BlobSink {
  /** The registry as the user named it ('docker.io', '127.0.0.1:5000'). */
  readonly name: string;
  /** The host HTTP goes to (Docker Hub's API lives on registry-1.docker.io). */
  readonly endpoint: string;
  readonly #transport: Transport;
  #noReferrersApi = false;
  /** Settles when the first referrers API call has, which tells whether the registry has the API. */
  #referrersProbe: Promise<void> | undefined;
  readonly #tagPageSize: number | undefined;
  readonly #uploader: BlobUploader;

  constructor(registryHost: string, transport: Transport, options: RegistryStoreOptions = {}) {
    this.name = registryHost;
    this.endpoint = registryEndpoint(registryHost);
    this.#transport = transport;
    this.#tagPageSize = options.tagPageSize;
    this.#uploader = new BlobUploader(
      {
        name: this.name,
        request: (req) => this.#request(req),
        absolute: (location) => this.#absolute(location),
      },
      {
        chunkSize: options.chunkSize ?? 8 * 1024 * 1024,
        replayWindow: options.replayWindow ?? 8 * 1024 * 1024,
        chunkRetries: options.chunkRetries ?? 3,
        chunkedUploads: options.chunkedUploads ?? false,
      },
    );
  }

  // ---- manifests ----------------------------------------------------------------------------

  async getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<RawManifest> {
    this.#checkName(repository, reference);
    const label = this.#label(repository, reference);
    const res = await this.#requestWhole(
      {
        method: 'GET',
        path: `/v2/${repository}/manifests/${reference}`,
        headers: { accept: manifestAccept },
        scope: pull(repository),
        signal,
      },
      `manifest ${label}`,
    );
    if (res.statusCode === 404) {
      throw new NotFoundError(`${label} not found`, {
        details: { registry: this.name, repository, reference },
      });
    }
    if (res.statusCode !== 200) throw this.#failWhole(res, `GET manifest ${label}`, repository);
    const bytes = res.body;
    const served = headerValue(res.headers['docker-content-digest']);
    const digest = verifyManifestDigest(bytes, label, isDigest(reference) ? reference : undefined, served);
    return { bytes, mediaType: detectMediaType(bytes, headerValue(res.headers['content-type'])), digest };
  }

  async headManifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<ManifestHead | undefined> {
    this.#checkName(repository, reference);
    const res = await this.#request({
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: manifestAccept },
      scope: pull(repository),
      signal,
    });
    await discardBody(res.body);
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) throw statusError(res.statusCode, '', this.#ctx(`HEAD manifest`, repository));
    const served = headerValue(res.headers['docker-content-digest']);
    const mediaType = headerValue(res.headers['content-type']);
    const length = Number(headerValue(res.headers['content-length']));
    if (
      served === undefined ||
      !isDigest(served) ||
      mediaType === undefined ||
      !Number.isSafeInteger(length)
    ) {
      // Some registries omit the digest on HEAD: fetch the bytes and compute it.
      const raw = await this.getManifest(repository, reference, signal).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      return raw === undefined
        ? undefined
        : { digest: raw.digest, mediaType: raw.mediaType, size: raw.bytes.length };
    }
    if (isDigest(reference) && served !== reference) {
      throw new DigestMismatchError(
        `${this.#label(repository, reference)}: the registry reports digest ${served}`,
      );
    }
    return { digest: served, mediaType: mediaType.split(';')[0]?.trim() ?? mediaType, size: length };
  }

  async putManifest(
    repository: string,
    reference: string,
    manifest: RawManifest,
    signal?: AbortSignal,
  ): Promise<void> {
    this.#checkName(repository, reference);
    const label = this.#label(repository, reference);
    const actual = digestLike(manifest.bytes, manifest.digest);
    if (actual !== manifest.digest) {
      throw new DigestMismatchError(`manifest for ${label}: bytes hash to ${actual}, not ${manifest.digest}`);
    }
    if (isDigest(reference) && reference !== manifest.digest) {
      throw new DigestMismatchError(
        `manifest ${manifest.digest} cannot be stored as ${label}: the digests differ`,
      );
    }
    const res = await this.#request({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
      scope: push(repository),
      signal,
    });
    if (res.statusCode !== 201 && res.statusCode !== 200 && res.statusCode !== 202) {
      throw await this.#fail(res, `PUT manifest ${label}`, repository);
    }
    await discardBody(res.body);
    if (headerValue(res.headers['oci-subject']) === undefined) {
      await addToReferrersFallback(this, repository, manifest, signal);
    }
    const stored = headerValue(res.headers['docker-content-digest']);
    if (
      stored !== undefined &&
      stored !== '' &&
      stored !== manifest.digest &&
      stored.startsWith(`${parseDigest(manifest.digest).algorithm}:`)
    ) {
      throw new DigestMismatchError(
        `${label}: the registry stored the manifest as ${stored}, expected ${manifest.digest}`,
      );
    }
  }

  // ---- blobs --------------------------------------------------------------------------------

  async hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    this.#checkName(repository, digest);
    const res = await this.#request({
      method: 'HEAD',
      path: `/v2/${repository}/blobs/${digest}`,
      scope: pull(repository),
      signal,
    });
    await discardBody(res.body);
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw statusError(res.statusCode, '', this.#ctx(`HEAD blob ${digest}`, repository));
  }

  async getBlob(repository: string, digest: string, options: GetBlobOptions = {}): Promise<BlobStream> {
    this.#checkName(repository, digest);
    const offset = options.offset ?? 0;
    const res = await this.#request({
      method: 'GET',
      path: `/v2/${repository}/blobs/${digest}`,
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      scope: pull(repository),
      signal: options.signal,
    });
    const ctx = this.#ctx(`GET blob ${digest}`, repository);
    if (res.statusCode === 404) {
      await discardBody(res.body);
      throw new NotFoundError(`blob ${digest} not found in ${this.name}/${repository}`, {
        details: { registry: this.name, repository, digest },
      });
    }
    if (res.statusCode === 416) {
      const total = contentRangeTotal(headerValue(res.headers['content-range']));
      await discardBody(res.body);
      if (total === offset) return { stream: Readable.from([]), size: total };
      throw new RegistryError(
        `cannot resume blob ${digest} at byte ${offset}: the registry has ${total ?? '?'} bytes`,
      );
    }
    if (res.statusCode === 206) {
      const range = parseContentRange(headerValue(res.headers['content-range']));
      if (range === undefined || range.start !== offset) {
        res.body.destroy();
        throw new RegistryError(
          `registry ${this.name} answered a Range request for blob ${digest} with a wrong Content-Range`,
        );
      }
      const length = Number(headerValue(res.headers['content-length']));
      const size =
        range.total ??
        (Number.isSafeInteger(length) ? offset + length : await this.#blobSize(repository, digest));
      return { stream: mapStreamErrors(res.body, ctx), size };
    }
    if (res.statusCode !== 200) throw await this.#fail(res, `GET blob ${digest}`, repository);
    const length = Number(headerValue(res.headers['content-length']));
    const size = Number.isSafeInteger(length) ? length : await this.#blobSize(repository, digest);
    const stream = mapStreamErrors(res.body, ctx);
    return { stream: offset > 0 ? Readable.from(skipBytes(offset)(stream)) : stream, size };
  }

  async putBlob(
    repository: string,
    descriptor: Descriptor,
    stream: Readable,
    signal?: AbortSignal,
  ): Promise<void> {
    this.#checkName(repository, descriptor.digest);
    // No HEAD here: the copy asked hasBlob() just before (BlobSink contract: putBlob uploads).
    await this.#uploader.upload(repository, descriptor, stream, signal);
  }

  async mountBlob(
    repository: string,
    digest: string,
    fromRepository: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    this.#checkName(repository, digest);
    this.#checkName(fromRepository);
    const query = new URLSearchParams({ mount: digest, from: fromRepository });
    const res = await this.#request({
      method: 'POST',
      path: `/v2/${repository}/blobs/uploads/?${query.toString()}`,
      headers: { 'content-length': '0' },
      scope: [...push(repository), ...pull(fromRepository)],
      signal,
    });
    await discardBody(res.body);
    if (res.statusCode === 201) return true;
    if (res.statusCode === 202) {
      // The registry opened an ordinary upload instead; close it, the caller uploads with putBlob.
      await this.#uploader.cancel(headerValue(res.headers.location), repository);
      return false;
    }
    if (res.statusCode === 404) return false;
    throw statusError(res.statusCode, '', this.#ctx(`mount ${digest} from ${fromRepository}`, repository));
  }

  // ---- tags and referrers -------------------------------------------------------------------

  async listTags(repository: string, signal?: AbortSignal): Promise<string[]> {
    this.#checkName(repository);
    const size = this.#tagPageSize;
    let next: string | undefined = `/v2/${repository}/tags/list${size === undefined ? '' : `?n=${size}`}`;
    const tags: string[] = [];
    while (next !== undefined) {
      const res = await this.#requestWhole(
        { method: 'GET', path: next, scope: pull(repository), signal },
        `tag list of ${repository}`,
      );
      if (res.statusCode === 404) {
        throw new NotFoundError(`${this.name}/${repository} not found`, {
          details: { registry: this.name, repository },
        });
      }
      if (res.statusCode !== 200) throw this.#failWhole(res, 'list tags', repository);
      const page = JSON.parse(res.body.toString('utf8')) as {
        tags?: unknown;
      };
      if (Array.isArray(page.tags)) for (const t of page.tags) if (typeof t === 'string') tags.push(t);
      next = nextLink(res.headers.link);
    }
    return tags;
  }

  async referrers(
    repository: string,
    digest: string,
    signal?: AbortSignal,
    knownTags?: ReadonlySet<string>,
  ): Promise<Descriptor[]> {
    this.#checkName(repository, digest);
    // A registry either has the API or not. The first call finds out; calls made meanwhile wait for
    // its answer instead of each asking the API (one 404 per registry, not one per manifest).
    const earlier = this.#referrersProbe;
    if (earlier !== undefined) await earlier;
    if (!this.#noReferrersApi) {
      const asked = this.#referrersApi(repository, digest, signal);
      // A probe that failed (network) decides nothing: later calls ask the API again themselves.
      this.#referrersProbe ??= asked.then(
        (found) => {
          if (found === undefined) this.#noReferrersApi = true;
        },
        () => {},
      );
      const viaApi = await asked;
      if (viaApi !== undefined) return viaApi;
      this.#noReferrersApi = true;
    }
    const tag = referrersFallbackTag(digest);
    if (knownTags !== undefined && !knownTags.has(tag)) return [];
    let raw: RawManifest;
    try {
      raw = await this.getManifest(repository, tag, signal);
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      throw err;
    }
    const parsed = parseManifest(raw, undefined, { label: `referrers of ${digest}` });
    return isImageIndex(parsed) ? parsed.manifests : [];
  }

  /** The OCI 1.1 referrers API; undefined when the registry has none (404, or not an index). */
  async #referrersApi(
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<Descriptor[] | undefined> {
    let next: string | undefined = `/v2/${repository}/referrers/${digest}`;
    const out: Descriptor[] = [];
    while (next !== undefined) {
      const res = await this.#requestWhole(
        {
          method: 'GET',
          path: next,
          headers: { accept: MediaTypes.ociIndex },
          scope: pull(repository),
          signal,
        },
        `referrers of ${digest}`,
      );
      const type = headerValue(res.headers['content-type']) ?? '';
      if (res.statusCode !== 200 || !isIndexMediaType(type)) {
        const noApi = [200, 400, 404, 405, 501].includes(res.statusCode);
        if (!noApi) throw this.#failWhole(res, `referrers of ${digest}`, repository);
        return out.length > 0 ? out : undefined;
      }
      const index = parseManifest(res.body, type, { label: `referrers of ${digest}` });
      if (isImageIndex(index)) out.push(...index.manifests);
      next = nextLink(res.headers.link);
    }
    return out;
  }

  // ---- helpers ------------------------------------------------------------------------------

  #request(req: Omit<TransportRequest, 'throwOnError'>): Promise<Dispatcher.ResponseData> {
    return this.#transport.request(this.endpoint, { ...req, throwOnError: false });
  }

  /** Small responses: read whole, and fetched again whole when the body breaks off. */
  #requestWhole(req: Omit<TransportRequest, 'throwOnError'>, label: string): Promise<WholeResponse> {
    return this.#transport.requestWhole(
      this.endpoint,
      { ...req, throwOnError: false },
      maxManifestBytes,
      label,
    );
  }

  #failWhole(res: WholeResponse, what: string, repository: string): FerryError {
    return statusError(res.statusCode, res.body.toString('utf8'), this.#ctx(what, repository));
  }

  async #fail(res: Dispatcher.ResponseData, what: string, repository: string): Promise<FerryError> {
    return statusError(res.statusCode, await readBodyText(res.body), this.#ctx(what, repository));
  }

  #ctx(what: string, repository: string): { host: string; what: string; repository: string } {
    return { host: this.name, what: `${what} in ${repository}`, repository };
  }

  async #blobSize(repository: string, digest: string): Promise<number> {
    const res = await this.#request({
      method: 'HEAD',
      path: `/v2/${repository}/blobs/${digest}`,
      scope: pull(repository),
    });
    await discardBody(res.body);
    const length = Number(headerValue(res.headers['content-length']));
    if (res.statusCode !== 200 || !Number.isSafeInteger(length)) {
      throw new RegistryError(`registry ${this.name} does not say how large blob ${digest} is`);
    }
    return length;
  }

  #absolute(location: string): string {
    return new URL(location, this.#transport.baseUrl(this.endpoint)).href;
  }

  #label(repository: string, reference: string): string {
    return `${this.name}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
  }

  #checkName(repository: string, reference?: string): void {
    const problem =
      pathProblem(repository) ??
      (reference === undefined
        ? undefined
        : reference.includes(':')
          ? digestProblem(reference)
          : tagProblem(reference));
    if (problem !== undefined) {
      throw new InvalidReferenceError(
        `invalid reference ${this.name}/${repository}${reference === undefined ? '' : ` ${reference}`}: ${problem}`,
      );
    }
  }
}

/** Checks manifest bytes against the digest asked for and the one the registry announced. */
function verifyManifestDigest(
  bytes: Buffer,
  label: string,
  requested: string | undefined,
  served: string | undefined,
): string {
  for (const expected of [requested, served]) {
    if (expected === undefined || expected === '' || !isDigest(expected)) continue;
    const actual = digestLike(bytes, expected);
    if (actual !== expected) {
      throw new DigestMismatchError(`manifest ${label}: content hashes to ${actual}, expected ${expected}`, {
        details: { expectedDigest: expected, actualDigest: actual },
      });
    }
  }
  return requested ?? (served !== undefined && isDigest(served) ? served : sha256Digest(bytes));
}

function parseContentRange(
  header: string | undefined,
): { start: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (match === null) return undefined;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

function contentRangeTotal(header: string | undefined): number | undefined {
  const match = /\/(\d+)$/.exec(header?.trim() ?? '');
  return match === null ? undefined : Number(match[1]);
}

/** Drops the first `count` bytes (for servers that answer a Range request with the whole blob). */
function skipBytes(count: number): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* skip(source) {
    let toSkip = count;
    for await (const chunk of source) {
      if (toSkip >= chunk.length) {
        toSkip -= chunk.length;
        continue;
      }
      yield toSkip > 0 ? chunk.subarray(toSkip) : chunk;
      toSkip = 0;
    }
  };
}
