// A deliberately small registry client used only by tests to seed a registry and read it back.
// It is independent of the engine under test (no imports from electron/), so a bug in the engine
// cannot hide itself by being on both sides of an assertion. Whole blobs are buffered: fine for
// fixtures, never for production code.
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import type { RunningRegistry } from './registry.ts';

/** Every manifest media type the client asks for. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface RegistryClientOptions {
  /** PEM to trust; defaults to the registry's generated CA. `null` trusts only the system store. */
  ca?: string | null;
  /** Basic credentials; default the registry's own (tls-auth). `null` sends none. */
  auth?: { username: string; password: string } | null;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An unexpected HTTP status from the registry; `status` lets tests assert on 401/404. */
export class RegistryClientError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'RegistryClientError';
    this.status = status;
  }
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface RegistryClient {
  /** The registry's base URL ('http(s)://127.0.0.1:PORT'). */
  readonly url: string;
  /** One request relative to the base URL (path starts with '/v2/'); never throws on status. */
  raw(
    method: string,
    path: string,
    init?: { headers?: Record<string, string>; body?: Buffer },
  ): Promise<RawResponse>;
  /** Uploads a blob monolithically (POST then PUT ?digest=) unless HEAD finds it; returns its digest. */
  pushBlob(repo: string, bytes: Buffer): Promise<{ digest: string; size: number; uploaded: boolean }>;
  headBlob(repo: string, digest: string): Promise<{ size: number } | undefined>;
  getBlob(repo: string, digest: string): Promise<Buffer>;
  /** PUTs manifest bytes as given under a tag or digest; returns the digest (checked against the registry's). */
  pushManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string>;
  getManifest(repo: string, ref: string): Promise<FetchedManifest>;
  /** undefined when the registry answers 404. */
  headManifest(repo: string, ref: string): Promise<ManifestHead | undefined>;
  deleteManifest(repo: string, digest: string): Promise<void>;
  /**
   * All tags (follows Link pagination), sorted: distribution 2.8 lists them in directory order,
   * which no test can rely on. [] when the repository does not exist.
   */
  listTags(repo: string): Promise<string[]>;
  /** Every repository in the registry, sorted. */
  catalog(): Promise<string[]>;
  close(): Promise<void>;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function nextLink(link: string | undefined): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>;\s*rel="?next"?/.exec(link);
  return match?.[1];
}

/** Creates a client for a harness registry, trusting its CA and using its credentials by default. */
export function createRegistryClient(
  reg: RunningRegistry,
  options: RegistryClientOptions = {},
): RegistryClient {
  const ca = options.ca === undefined ? reg.caPem : (options.ca ?? undefined);
  const auth =
    options.auth === undefined
      ? reg.username !== undefined && reg.password !== undefined
        ? { username: reg.username, password: reg.password }
        : undefined
      : (options.auth ?? undefined);
  const dispatcher = new Agent({ connect: ca === undefined ? {} : { ca } });
  const authHeader =
    auth === undefined
      ? undefined
      : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const base = reg.url;

  async function raw(
    method: string,
    pathOrUrl: string,
    init: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<RawResponse> {
    const target = new URL(pathOrUrl, base);
    const headers: Record<string, string> = { ...init.headers };
    if (authHeader !== undefined) headers.authorization = authHeader;
    const res = await request(target, {
      method,
      headers,
      body: init.body,
      dispatcher,
    });
    const body =
      method === 'HEAD'
        ? (await res.body.dump(), Buffer.alloc(0))
        : Buffer.from(await res.body.arrayBuffer());
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      const first = headerValue(value);
      if (first !== undefined) flat[name.toLowerCase()] = first;
    }
    return { status: res.statusCode, headers: flat, body };
  }

  function fail(what: string, res: RawResponse): never {
    const detail = res.body.toString('utf8').trim().slice(0, 300);
    throw new RegistryClientError(`${what}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`, res.status);
  }

  async function headBlob(repo: string, digest: string): Promise<{ size: number } | undefined> {
    const res = await raw('HEAD', `/v2/${repo}/blobs/${digest}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) fail(`HEAD blob ${repo}@${digest}`, res);
    return { size: Number(res.headers['content-length'] ?? '0') };
  }

  async function pushBlob(
    repo: string,
    bytes: Buffer,
  ): Promise<{ digest: string; size: number; uploaded: boolean }> {
    const digest = sha256Digest(bytes);
    if ((await headBlob(repo, digest)) !== undefined) return { digest, size: bytes.length, uploaded: false };
    const started = await raw('POST', `/v2/${repo}/blobs/uploads/`);
    if (started.status !== 202) fail(`start upload to ${repo}`, started);
    const location = started.headers.location;
    if (location === undefined) fail(`start upload to ${repo} (no Location)`, started);
    const put = new URL(location, base);
    put.searchParams.set('digest', digest);
    const done = await raw('PUT', put.toString(), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      body: bytes,
    });
    if (done.status !== 201) fail(`upload blob ${repo}@${digest}`, done);
    return { digest, size: bytes.length, uploaded: true };
  }

  async function getBlob(repo: string, digest: string): Promise<Buffer> {
    const res = await raw('GET', `/v2/${repo}/blobs/${digest}`);
    if (res.status !== 200) fail(`GET blob ${repo}@${digest}`, res);
    return res.body;
  }

  async function pushManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string> {
    const digest = sha256Digest(bytes);
    const res = await raw('PUT', `/v2/${repo}/manifests/${ref}`, {
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    if (res.status !== 201) fail(`PUT manifest ${repo}:${ref}`, res);
    const served = res.headers['docker-content-digest'];
    if (served !== undefined && served !== digest) {
      throw new Error(`PUT manifest ${repo}:${ref}: registry says ${served}, bytes hash to ${digest}`);
    }
    return digest;
  }

  async function getManifest(repo: string, ref: string): Promise<FetchedManifest> {
    const res = await raw('GET', `/v2/${repo}/manifests/${ref}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (res.status !== 200) fail(`GET manifest ${repo}:${ref}`, res);
    const digest = sha256Digest(res.body);
    if (ref.startsWith('sha256:') && ref !== digest) {
      throw new Error(`GET manifest ${repo}@${ref}: bytes hash to ${digest}`);
    }
    return { bytes: res.body, mediaType: res.headers['content-type'] ?? '', digest };
  }

  async function headManifest(repo: string, ref: string): Promise<ManifestHead | undefined> {
    const res = await raw('HEAD', `/v2/${repo}/manifests/${ref}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (res.status === 404) return undefined;
    if (res.status !== 200) fail(`HEAD manifest ${repo}:${ref}`, res);
    return {
      digest: res.headers['docker-content-digest'] ?? '',
      mediaType: res.headers['content-type'] ?? '',
      size: Number(res.headers['content-length'] ?? '0'),
    };
  }

  async function deleteManifest(repo: string, digest: string): Promise<void> {
    const res = await raw('DELETE', `/v2/${repo}/manifests/${digest}`);
    if (res.status !== 202) fail(`DELETE manifest ${repo}@${digest}`, res);
  }

  async function listPaged(path: string, key: 'tags' | 'repositories', what: string): Promise<string[]> {
    const all: string[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const res = await raw('GET', next);
      if (res.status === 404 && key === 'tags') return [];
      if (res.status !== 200) fail(what, res);
      const parsed = JSON.parse(res.body.toString('utf8')) as Partial<Record<typeof key, string[] | null>>;
      all.push(...(parsed[key] ?? []));
      next = nextLink(res.headers.link);
    }
    return all.sort();
  }

  return {
    url: base,
    raw,
    pushBlob,
    headBlob,
    getBlob,
    pushManifest,
    getManifest,
    headManifest,
    deleteManifest,
    listTags: (repo) => listPaged(`/v2/${repo}/tags/list`, 'tags', `list tags of ${repo}`),
    catalog: () => listPaged('/v2/_catalog', 'repositories', 'list catalog'),
    close: () => dispatcher.close(),
  };
}
