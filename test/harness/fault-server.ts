// A small registry on 127.0.0.1 that follows the OCI distribution spec for what the engine uses
// (manifests, blobs with Range, monolithic and chunked uploads, mounts, tag pagination, the OCI 1.1
// referrers API) behind the docker token flow (a /token realm issuing scoped Bearer tokens), and
// that can misbehave on demand: a status (500, 429 with Retry-After) a given number of times or at
// a rate, a connection dropped or stalled in the middle of a body (blobs, manifests, tag lists;
// an upload's body too: dropped halfway through receiving it),
// wrong bytes, Range ignored, blob downloads redirected to another origin. The real `docker-registry` covers everything else; this covers the faults it
// cannot produce. In memory: meant for small fixtures.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultAction =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'drop-mid-body' }
  /** Headers and half the body, then silence: the client's body timeout has to notice. */
  | { kind: 'stall-mid-body' }
  | { kind: 'wrong-bytes' }
  | { kind: 'ignore-range' };

export interface Fault {
  method?: string;
  /** Matches the request path (with query). */
  path: RegExp;
  /** Extra condition on the request. */
  when?: (req: IncomingMessage) => boolean;
  /** How many matching requests it applies to (default 1; Infinity with `rate`). */
  times?: number;
  /** Applies to this fraction of matching requests, drawn from the server's seeded generator. */
  rate?: number;
  action: FaultAction;
}

export interface FaultServerOptions {
  /** 'bearer' (default): the token flow; 'none': open registry. */
  auth?: 'bearer' | 'none';
  /** When set, the token realm wants these Basic credentials (anonymous tokens are refused). */
  username?: string;
  password?: string;
  /** Serve GET /v2/<name>/referrers/<digest> (default true). */
  referrersApi?: boolean;
  /** The JSON field of token responses (default 'token'). */
  tokenField?: 'token' | 'access_token';
  tokenExpiresIn?: number;
  /** Seed of the generator `rate` draws from (default 1), so a failing run can be repeated. */
  seed?: number;
  /** Answer blob GETs with a 307 to the same server under a different origin (http://localhost:PORT). */
  redirectBlobs?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  host: string;
  authorization: string | undefined;
  range: string | undefined;
}

export interface TokenRequestRecord {
  method: string;
  service: string | undefined;
  scopes: string[];
  /** Username from the Basic header, if one was sent. */
  username: string | undefined;
  grantType: string | undefined;
}

export interface FaultServer {
  /** '127.0.0.1:PORT' */
  host: string;
  url: string;
  requests: RecordedRequest[];
  tokenRequests: TokenRequestRecord[];
  /** Stores a blob in a repository; returns its digest. */
  addBlob(repository: string, bytes: Buffer): string;
  /** Stores a manifest under its digest and, when given, a tag; returns its digest. */
  addManifest(repository: string, bytes: Buffer, mediaType: string, tag?: string): string;
  blob(digest: string): Buffer | undefined;
  hasBlobIn(repository: string, digest: string): boolean;
  inject(fault: Fault): void;
  /** How many requests each fault has hit so far, in the order injected. */
  faultHits(): number[];
  /** Faults still armed. */
  pendingFaults(): number;
  stop(): Promise<void>;
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Repo {
  blobs: Set<string>;
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  tags: Map<string, string>;
}

interface Upload {
  repository: string;
  chunks: Buffer[];
  size: number;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message }] });
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const authMode = options.auth ?? 'bearer';
  const repos = new Map<string, Repo>();
  const blobs = new Map<string, Buffer>();
  const uploads = new Map<string, Upload>();
  const tokens = new Map<string, { scopes: Set<string>; expires: number }>();
  const faults: Array<Fault & { left: number; hits: number }> = [];
  // mulberry32: a tiny seeded generator, so a rate of faults hits the same requests on every run.
  let state = options.seed ?? 1;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const requests: RecordedRequest[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  let port = 0;
  const service = 'fault-registry';

  const repo = (name: string): Repo => {
    let r = repos.get(name);
    if (r === undefined) {
      r = { blobs: new Set(), manifests: new Map(), tags: new Map() };
      repos.set(name, r);
    }
    return r;
  };

  const send = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ): void => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { 'content-length': String(bytes.length), ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : bytes);
  };

  const challenge = (res: ServerResponse, scope?: string): void => {
    const realm = `http://127.0.0.1:${port}/token`;
    const header = `Bearer realm="${realm}",service="${service}"${scope === undefined ? '' : `,scope="${scope}"`}`;
    send(
      res,
      401,
      { 'www-authenticate': header, 'content-type': 'application/json' },
      errorBody('UNAUTHORIZED', 'authentication required'),
    );
  };

  function issueToken(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    form: URLSearchParams | undefined,
  ): void {
    const authorization = req.headers.authorization;
    let username: string | undefined;
    let password: string | undefined;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    const params = form ?? url.searchParams;
    const scopes = form
      ? (form.get('scope') ?? '').split(' ').filter((s) => s !== '')
      : url.searchParams.getAll('scope');
    tokenRequests.push({
      method: req.method ?? '',
      service: params.get('service') ?? undefined,
      scopes,
      username,
      grantType: params.get('grant_type') ?? undefined,
    });
    if (options.username !== undefined) {
      const refresh = form?.get('refresh_token');
      const ok =
        (username === options.username && password === options.password) ||
        (refresh !== null && refresh !== undefined && refresh === `refresh-${options.password}`);
      if (!ok) {
        send(res, 401, { 'content-type': 'application/json' }, errorBody('UNAUTHORIZED', 'bad credentials'));
        return;
      }
    }
    const token = randomBytes(16).toString('hex');
    const granted = new Set<string>();
    for (const scope of scopes) {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || name === undefined) continue;
      for (const action of (actions ?? '').split(',')) granted.add(`${name}:${action}`);
    }
    const expiresIn = options.tokenExpiresIn ?? 300;
    tokens.set(token, { scopes: granted, expires: Date.now() + expiresIn * 1000 });
    const field = options.tokenField ?? 'token';
    send(
      res,
      200,
      { 'content-type': 'application/json' },
      JSON.stringify({ [field]: token, expires_in: expiresIn }),
    );
  }

  /** undefined when allowed; else the scope to put in the challenge ('' for /v2/). */
  function authorize(req: IncomingMessage, name: string | undefined): string | undefined {
    if (authMode === 'none') return undefined;
    const action = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    const scope = name === undefined ? '' : `repository:${name}:${action}`;
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) return scope;
    const token = tokens.get(header.slice(7));
    if (token === undefined || token.expires < Date.now()) return scope;
    if (name !== undefined && !token.scopes.has(`${name}:${action}`)) return scope;
    return undefined;
  }

  function takeFault(req: IncomingMessage, path: string): FaultAction | undefined {
    for (const fault of faults) {
      if (fault.left <= 0) continue;
      if (fault.method !== undefined && fault.method !== req.method) continue;
      if (!fault.path.test(path)) continue;
      if (fault.when !== undefined && !fault.when(req)) continue;
      if (fault.rate !== undefined && random() >= fault.rate) continue;
      fault.left--;
      fault.hits++;
      return fault.action;
    }
    return undefined;
  }

  /** Sends a body, or — under a drop or stall fault on a GET — only half of it. */
  function sendBody(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer,
    fault: FaultAction | undefined,
  ): void {
    const kind = fault !== undefined && 'kind' in fault ? fault.kind : undefined;
    if ((kind === 'drop-mid-body' || kind === 'stall-mid-body') && req.method === 'GET') {
      // Headers promise the whole body; half of it arrives, then the connection dies (or hangs).
      res.writeHead(status, { ...headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        if (kind === 'drop-mid-body') setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    send(res, status, headers, body);
  }

  function serveBlob(
    req: IncomingMessage,
    res: ServerResponse,
    digest: string,
    fault: FaultAction | undefined,
  ): void {
    const stored = blobs.get(digest);
    if (stored === undefined) {
      send(
        res,
        404,
        { 'content-type': 'application/json' },
        errorBody('BLOB_UNKNOWN', 'blob unknown to registry'),
      );
      return;
    }
    let bytes = stored;
    if (fault !== undefined && 'kind' in fault && fault.kind === 'wrong-bytes') {
      bytes = Buffer.from(stored);
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    }
    const common = {
      'docker-content-digest': digest,
      etag: `"${digest}"`,
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ignoreRange = fault !== undefined && 'kind' in fault && fault.kind === 'ignore-range';
    let status = 200;
    let headers: Record<string, string> = common;
    let body = bytes;
    if (range !== null && !ignoreRange && req.method === 'GET') {
      const start = Number(range[1]);
      const end = range[2] === '' ? bytes.length - 1 : Math.min(Number(range[2]), bytes.length - 1);
      if (start >= bytes.length) {
        send(res, 416, { 'content-range': `bytes */${bytes.length}` });
        return;
      }
      status = 206;
      headers = { ...common, 'content-range': `bytes ${start}-${end}/${bytes.length}` };
      body = bytes.subarray(start, end + 1);
    }
    sendBody(req, res, status, headers, body, fault);
  }

  function serveManifest(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    ref: string,
    fault: FaultAction | undefined,
  ): void {
    const r = repo(name);
    const digest = ref.includes(':') ? ref : r.tags.get(ref);
    const stored = digest === undefined ? undefined : r.manifests.get(digest);
    if (digest === undefined || stored === undefined) {
      send(
        res,
        404,
        { 'content-type': 'application/json' },
        errorBody('MANIFEST_UNKNOWN', 'manifest unknown'),
      );
      return;
    }
    let bytes = stored.bytes;
    if (fault !== undefined && 'kind' in fault && fault.kind === 'wrong-bytes')
      bytes = Buffer.concat([bytes, Buffer.from(' ')]);
    // Like distribution: an ETag, but no Range support on manifests (a Range request gets 200).
    sendBody(
      req,
      res,
      200,
      { 'content-type': stored.mediaType, 'docker-content-digest': digest, etag: `"${digest}"` },
      bytes,
      fault,
    );
  }

  async function handleUploads(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    rest: string,
    url: URL,
  ): Promise<void> {
    const id = rest.slice('uploads/'.length);
    if (req.method === 'POST' && id === '') {
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount !== null && from !== null && repos.get(from)?.blobs.has(mount) === true) {
        repo(name).blobs.add(mount);
        send(res, 201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
        return;
      }
      const uploadId = randomBytes(8).toString('hex');
      uploads.set(uploadId, { repository: name, chunks: [], size: 0 });
      const location = `/v2/${name}/blobs/uploads/${uploadId}?_state=${uploadId}`;
      send(res, 202, { location, range: '0-0', 'docker-upload-uuid': uploadId });
      return;
    }
    const upload = uploads.get(id);
    if (upload === undefined) {
      await readBody(req);
      send(
        res,
        404,
        { 'content-type': 'application/json' },
        errorBody('BLOB_UPLOAD_UNKNOWN', 'upload unknown'),
      );
      return;
    }
    const location = `/v2/${name}/blobs/uploads/${id}?_state=${id}`;
    const rangeHeader = (): string => `0-${Math.max(0, upload.size - 1)}`;
    if (req.method === 'GET') {
      send(res, 204, { location, range: rangeHeader() });
      return;
    }
    if (req.method === 'DELETE') {
      uploads.delete(id);
      send(res, 204);
      return;
    }
    const body = await readBody(req);
    if (req.method === 'PATCH') {
      const contentRange = /^(\d+)-(\d+)$/.exec(req.headers['content-range'] ?? '');
      if (contentRange !== null && Number(contentRange[1]) !== upload.size) {
        send(res, 416, { location, range: rangeHeader() });
        return;
      }
      upload.chunks.push(body);
      upload.size += body.length;
      send(res, 202, { location, range: rangeHeader() });
      return;
    }
    if (req.method === 'PUT') {
      const digest = url.searchParams.get('digest') ?? '';
      const all = Buffer.concat([...upload.chunks, body]);
      if (sha256(all) !== digest) {
        send(
          res,
          400,
          { 'content-type': 'application/json' },
          errorBody('DIGEST_INVALID', 'provided digest did not match uploaded content'),
        );
        return;
      }
      uploads.delete(id);
      blobs.set(digest, all);
      repo(name).blobs.add(digest);
      send(res, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
      return;
    }
    send(res, 405);
  }

  function referrersOf(name: string, digest: string): Buffer {
    const manifests: unknown[] = [];
    for (const [d, m] of repo(name).manifests) {
      const json = JSON.parse(m.bytes.toString('utf8')) as {
        subject?: { digest?: string };
        artifactType?: string;
        config?: { mediaType?: string };
        annotations?: Record<string, string>;
      };
      if (json.subject?.digest !== digest) continue;
      manifests.push({
        mediaType: m.mediaType,
        digest: d,
        size: m.bytes.length,
        artifactType: json.artifactType ?? json.config?.mediaType,
        ...(json.annotations === undefined ? {} : { annotations: json.annotations }),
      });
    }
    return Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const path = `${url.pathname}${url.search}`;
    requests.push({
      method: req.method ?? '',
      path,
      host: req.headers.host ?? '',
      authorization: req.headers.authorization,
      range: req.headers.range,
    });
    if (url.pathname === '/token') {
      const form =
        req.method === 'POST' ? new URLSearchParams((await readBody(req)).toString('utf8')) : undefined;
      issueToken(req, res, url, form);
      return;
    }
    const storage = /^\/storage\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    if (storage !== null) {
      serveBlob(req, res, storage[1] ?? '', undefined);
      return;
    }
    const fault = takeFault(req, path);
    if (fault !== undefined && 'status' in fault) {
      send(res, fault.status, fault.headers ?? {}, fault.body);
      return;
    }
    if (fault !== undefined && 'kind' in fault && fault.kind === 'drop-mid-body' && req.method !== 'GET') {
      // An upload cut off: half its body arrives, then the connection dies without an answer.
      const half = Number(req.headers['content-length'] ?? 0) / 2;
      let got = 0;
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= half) req.socket.destroy();
      });
      req.on('end', () => req.socket.destroy());
      return;
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (authorize(req, undefined) !== undefined) return challenge(res);
      send(res, 200, { 'content-type': 'application/json' }, '{}');
      return;
    }
    const match = /^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)\/(.*)$/.exec(url.pathname);
    if (match === null) {
      send(res, 404, {}, errorBody('NOT_FOUND', 'no route'));
      return;
    }
    const [, name = '', kind, rest = ''] = match;
    const needed = authorize(req, name);
    if (needed !== undefined) {
      await readBody(req);
      challenge(res, needed);
      return;
    }
    if (kind === 'manifests') {
      if (req.method === 'PUT') {
        const bytes = await readBody(req);
        const digest = sha256(bytes);
        const r = repo(name);
        r.manifests.set(digest, {
          bytes,
          mediaType: req.headers['content-type'] ?? 'application/octet-stream',
        });
        if (!rest.includes(':')) r.tags.set(rest, digest);
        send(res, 201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest });
        return;
      }
      serveManifest(req, res, name, rest, fault);
      return;
    }
    if (kind === 'blobs') {
      if (rest.startsWith('uploads/')) return handleUploads(req, res, name, rest, url);
      if (repos.get(name)?.blobs.has(rest) !== true) {
        send(
          res,
          404,
          { 'content-type': 'application/json' },
          errorBody('BLOB_UNKNOWN', 'blob unknown to registry'),
        );
        return;
      }
      if (options.redirectBlobs === true && req.method === 'GET') {
        send(res, 307, { location: `http://localhost:${port}/storage/${rest}` });
        return;
      }
      serveBlob(req, res, rest, fault);
      return;
    }
    if (kind === 'tags' && rest === 'list') {
      const all = [...repo(name).tags.keys()].sort();
      const n = Number(url.searchParams.get('n') ?? '0');
      const last = url.searchParams.get('last');
      const after = last === null ? all : all.filter((t) => t > last);
      const page = n > 0 ? after.slice(0, n) : after;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (n > 0 && after.length > n) {
        headers.link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1] ?? '')}>; rel="next"`;
      }
      sendBody(req, res, 200, headers, Buffer.from(JSON.stringify({ name, tags: page })), fault);
      return;
    }
    if (kind === 'referrers' && options.referrersApi !== false) {
      send(res, 200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }, referrersOf(name, rest));
      return;
    }
    send(res, 404, {}, errorBody('NOT_FOUND', 'no route'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, {}, errorBody('UNKNOWN', String(err)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    tokenRequests,
    addBlob(repository, bytes) {
      const digest = sha256(bytes);
      blobs.set(digest, bytes);
      repo(repository).blobs.add(digest);
      return digest;
    },
    addManifest(repository, bytes, mediaType, tag) {
      const digest = sha256(bytes);
      const r = repo(repository);
      r.manifests.set(digest, { bytes, mediaType });
      if (tag !== undefined) r.tags.set(tag, digest);
      return digest;
    },
    blob: (digest) => blobs.get(digest),
    hasBlobIn: (repository, digest) => repos.get(repository)?.blobs.has(digest) === true,
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? (fault.rate === undefined ? 1 : Infinity), hits: 0 });
    },
    faultHits: () => faults.map((f) => f.hits),
    pendingFaults: () => faults.reduce((n, f) => n + (Number.isFinite(f.left) ? f.left : 0), 0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Seeds `repository:tag` with a one-layer OCI image (a small config and `layer`); returns the
 *  reference and the layer's digest. */
export function addOneLayerImage(
  server: FaultServer,
  repository: string,
  tag: string,
  layer: Buffer,
): { ref: string; layerDigest: string } {
  const layerDigest = server.addBlob(repository, layer);
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const configDigest = server.addBlob(repository, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length },
      ],
    }),
  );
  server.addManifest(repository, manifest, 'application/vnd.oci.image.manifest.v1+json', tag);
  return { ref: `${server.host}/${repository}:${tag}`, layerDigest };
}
