// The Bearer token flow and the faults a real registry cannot produce on demand, against the
// spec-following fault server: retries (500, 429 + Retry-After), a connection dropped mid-blob,
// wrong bytes, Range ignored, redirects to storage, refused monolithic uploads, the referrers API.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startFaultServer,
  type FaultServer,
  type FaultServerOptions,
} from '../../../test/harness/fault-server.ts';
import {
  AuthError,
  CancelledError,
  DigestMismatchError,
  ForbiddenError,
  RegistryError,
  UnreachableError,
} from '../errors.ts';
import { sha256Digest } from '../oci/digest.ts';
import { MediaTypes } from '../oci/types.ts';
import { RegistryStore, type RegistryStoreOptions } from '../store/registry-store.ts';
import { staticCredentials } from './docker-config.ts';
import type { RetryInfo } from './retry.ts';
import { createTransport } from './transport.ts';
import type { Transport, TransportOptions } from './types.ts';

const open: Array<{ close(): Promise<void> } | FaultServer> = [];

afterEach(async () => {
  for (const item of open.splice(0)) await ('stop' in item ? item.stop() : item.close());
});

interface Setup {
  server: FaultServer;
  transport: Transport;
  store: RegistryStore;
  retries: RetryInfo[];
}

async function setup(
  serverOptions: FaultServerOptions = {},
  transportOptions: TransportOptions = {},
  storeOptions: RegistryStoreOptions = {},
): Promise<Setup> {
  const server = await startFaultServer(serverOptions);
  open.push(server);
  const retries: RetryInfo[] = [];
  const transport = createTransport({
    insecure: true,
    env: {},
    retryBaseDelayMs: 20,
    onRetry: (info) => retries.push(info),
    ...transportOptions,
  });
  open.push(transport);
  return { server, transport, store: new RegistryStore(server.host, transport, storeOptions), retries };
}

function manifestWith(
  server: FaultServer,
  repo: string,
  tag: string,
): { bytes: Buffer; digest: string; layer: Buffer; layerDigest: string } {
  const layer = randomBytes(200_000);
  const layerDigest = server.addBlob(repo, layer);
  const config = Buffer.from('{}');
  const configDigest = server.addBlob(repo, config);
  const bytes = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: configDigest, size: config.length },
        layers: [{ mediaType: MediaTypes.ociLayerGzip, digest: layerDigest, size: layer.length }],
      },
      null,
      2,
    ),
  );
  const digest = server.addManifest(repo, bytes, MediaTypes.ociManifest, tag);
  return { bytes, digest, layer, layerDigest };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('Bearer token flow', () => {
  it('gets a scoped token with Basic credentials, caches it, and reuses it', async () => {
    const password = 'token-realm-secret';
    const { server, store } = await setup({ username: 'ferry', password });
    // Credentials for this very host (the port is only known now).
    const transport = createTransport({
      insecure: true,
      env: {},
      credentials: staticCredentials({ [server.host]: { username: 'ferry', password } }),
    });
    open.push(transport);
    const authed = new RegistryStore(server.host, transport);
    const m = manifestWith(server, 'team/app', 'v1');

    const first = await authed.getManifest('team/app', 'v1');
    expect(first.bytes.equals(m.bytes)).toBe(true);
    expect(first.digest).toBe(m.digest);
    await authed.getManifest('team/app', m.digest);
    expect(await authed.hasBlob('team/app', m.layerDigest)).toBe(true);

    expect(server.tokenRequests).toHaveLength(1);
    expect(server.tokenRequests[0]).toMatchObject({
      method: 'GET',
      service: 'fault-registry',
      scopes: ['repository:team/app:pull'],
      username: 'ferry',
    });
    // Without credentials the realm refuses an anonymous token: AuthError, no secret in it.
    const err = await store.getManifest('team/app', 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain(
      `registry ${server.host} requires credentials for team/app (401)`,
    );
  });

  it('refuses wrong credentials at the realm with AuthError and no password in the message', async () => {
    const { server } = await setup({ username: 'ferry', password: 'right-password' });
    const wrong = 'wrong-password-xyz';
    const transport = createTransport({
      insecure: true,
      env: {},
      credentials: staticCredentials({ [server.host]: { username: 'ferry', password: wrong } }),
    });
    open.push(transport);
    manifestWith(server, 'team/app', 'v1');
    const err = await new RegistryStore(server.host, transport)
      .getManifest('team/app', 'v1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('refused the credentials for team/app');
    expect((err as Error).message).not.toContain(wrong);
  });

  it('accepts `access_token`, asks for push scope on uploads, and streams a blob after learning the challenge', async () => {
    const { server, store } = await setup({ tokenField: 'access_token' });
    const bytes = randomBytes(300_000);
    const descriptor = {
      mediaType: MediaTypes.ociLayerGzip,
      digest: sha256Digest(bytes),
      size: bytes.length,
    };
    await store.putBlob('team/upload', descriptor, Readable.from([bytes]));
    expect(server.blob(descriptor.digest)?.equals(bytes)).toBe(true);
    expect(server.tokenRequests.map((t) => t.scopes)).toContainEqual(['repository:team/upload:pull,push']);
    expect(server.tokenRequests.every((t) => t.username === undefined)).toBe(true);
  });

  it('exchanges an identity token with an OAuth2 POST', async () => {
    const { server } = await setup({ username: 'ferry', password: 'pw-1234' });
    const transport = createTransport({
      insecure: true,
      env: {},
      credentials: staticCredentials({ [server.host]: { identityToken: 'refresh-pw-1234' } }),
    });
    open.push(transport);
    manifestWith(server, 'team/app', 'v1');
    await new RegistryStore(server.host, transport).getManifest('team/app', 'v1');
    expect(server.tokenRequests[0]).toMatchObject({
      method: 'POST',
      grantType: 'refresh_token',
      scopes: ['repository:team/app:pull'],
    });
  });

  it('mounts with a token covering both repositories', async () => {
    const { server, store } = await setup();
    const m = manifestWith(server, 'src/app', 'v1');
    expect(await store.mountBlob('dst/app', m.layerDigest, 'src/app')).toBe(true);
    expect(server.hasBlobIn('dst/app', m.layerDigest)).toBe(true);
    expect(server.tokenRequests.at(-1)?.scopes).toEqual([
      'repository:dst/app:pull,push',
      'repository:src/app:pull',
    ]);
  });
});

describe('retries', () => {
  it('retries 500 until the registry recovers', async () => {
    const { server, store, retries } = await setup({ auth: 'none' });
    const m = manifestWith(server, 'r/app', 'v1');
    server.inject({ method: 'GET', path: /\/manifests\/v1$/, times: 2, action: { status: 500 } });
    const got = await store.getManifest('r/app', 'v1');
    expect(got.digest).toBe(m.digest);
    expect(retries.map((r) => r.reason)).toEqual(['HTTP 500', 'HTTP 500']);
    expect(server.pendingFaults()).toBe(0);
  });

  it('waits as long as Retry-After says on 429', async () => {
    const { server, store, retries } = await setup({ auth: 'none' });
    manifestWith(server, 'r/app', 'v1');
    server.inject({
      method: 'GET',
      path: /\/manifests\/v1$/,
      action: { status: 429, headers: { 'retry-after': '1' } },
    });
    const started = Date.now();
    await store.getManifest('r/app', 'v1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBe(1000);
  });

  it('gives up after the configured retries with a RegistryError naming the status', async () => {
    const { server, store, retries } = await setup({ auth: 'none' }, { retries: 2 });
    manifestWith(server, 'r/app', 'v1');
    server.inject({ method: 'GET', path: /\/manifests\/v1$/, times: 10, action: { status: 503 } });
    const err = await store.getManifest('r/app', 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toContain('answered 503');
    expect(retries).toHaveLength(2);
  });

  it('resumes a blob download whose connection dropped in the middle', async () => {
    const { server, store, retries } = await setup({ auth: 'none' });
    const m = manifestWith(server, 'r/app', 'v1');
    server.inject({ method: 'GET', path: /\/blobs\/sha256:/, action: { kind: 'drop-mid-body' } });
    const blob = await store.getBlob('r/app', m.layerDigest);
    expect((await readAll(blob.stream)).equals(m.layer)).toBe(true);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    const resumed = server.requests.filter((r) => r.path.includes(m.layerDigest) && r.range !== undefined);
    expect(resumed[0]?.range).toMatch(/^bytes=\d+-/);
    expect(resumed[0]?.range).not.toBe('bytes=0-');
  });
});

describe('failures that reach the caller', () => {
  it('errors the blob stream with UnreachableError when the connection keeps dropping', async () => {
    const { server, store } = await setup({ auth: 'none' }, { retries: 1 });
    const m = manifestWith(server, 'r/app', 'v1');
    server.inject({ method: 'GET', path: /\/blobs\/sha256:/, times: 5, action: { kind: 'drop-mid-body' } });
    const blob = await store.getBlob('r/app', m.layerDigest);
    const err = await readAll(blob.stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toContain(server.host);
  });

  it('turns 403 into ForbiddenError with the registry message', async () => {
    const { server, store } = await setup({ auth: 'none' });
    const body = JSON.stringify({
      errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
    });
    server.inject({
      method: 'GET',
      path: /\/manifests\//,
      action: { status: 403, body, headers: { 'content-type': 'application/json' } },
    });
    const err = await store.getManifest('r/app', 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toContain('DENIED: requested access to the resource is denied');
  });

  it('reports an aborted request as CancelledError', async () => {
    const { server, store } = await setup({ auth: 'none' });
    manifestWith(server, 'r/app', 'v1');
    server.inject({
      method: 'GET',
      path: /\/manifests\//,
      action: { status: 503, headers: { 'retry-after': '30' } },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await store.getManifest('r/app', 'v1', controller.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('content and protocol faults', () => {
  it('rejects manifest bytes that do not match the digest', async () => {
    const { server, store } = await setup({ auth: 'none' });
    const m = manifestWith(server, 'r/app', 'v1');
    server.inject({ method: 'GET', path: /\/manifests\//, times: 2, action: { kind: 'wrong-bytes' } });
    await expect(store.getManifest('r/app', 'v1')).rejects.toBeInstanceOf(DigestMismatchError);
    await expect(store.getManifest('r/app', m.digest)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('skips the first bytes itself when a server ignores Range', async () => {
    const { server, store } = await setup({ auth: 'none' });
    const m = manifestWith(server, 'r/app', 'v1');
    server.inject({ method: 'GET', path: /\/blobs\/sha256:/, action: { kind: 'ignore-range' } });
    const rest = await store.getBlob('r/app', m.layerDigest, { offset: 12_345 });
    expect(rest.size).toBe(m.layer.length);
    expect((await readAll(rest.stream)).equals(m.layer.subarray(12_345))).toBe(true);
  });

  it('follows a blob redirect to another origin without sending the registry token there', async () => {
    const { server, store } = await setup({ redirectBlobs: true });
    const m = manifestWith(server, 'r/app', 'v1');
    const blob = await store.getBlob('r/app', m.layerDigest);
    expect((await readAll(blob.stream)).equals(m.layer)).toBe(true);
    const toRegistry = server.requests.filter((r) => r.path === `/v2/r/app/blobs/${m.layerDigest}`).at(-1);
    const toStorage = server.requests.filter((r) => r.path.startsWith('/storage/'));
    expect(toRegistry?.authorization).toMatch(/^Bearer /);
    expect(toStorage).toHaveLength(1);
    expect(toStorage[0]?.host).toMatch(/^localhost:/);
    expect(toStorage[0]?.authorization).toBeUndefined();
  });

  it('falls back to a chunked upload when the monolithic PUT is refused', async () => {
    const { server, store } = await setup({ auth: 'none' }, {}, { chunkSize: 256 * 1024 });
    server.inject({
      method: 'PUT',
      path: /\/blobs\/uploads\//,
      when: (req) => req.headers['content-length'] !== '0',
      action: { status: 413, body: 'request entity too large' },
    });
    const bytes = randomBytes(1_000_000);
    const descriptor = {
      mediaType: MediaTypes.ociLayerGzip,
      digest: sha256Digest(bytes),
      size: bytes.length,
    };
    await store.putBlob(
      'r/upload',
      descriptor,
      Readable.from([bytes.subarray(0, 400_000), bytes.subarray(400_000)]),
    );
    expect(server.blob(descriptor.digest)?.equals(bytes)).toBe(true);
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(4);
  });

  it('re-sends a chunk after a failed PATCH, from where the registry says it stands', async () => {
    const { server, store } = await setup({ auth: 'none' }, {}, { chunkedUploads: true, chunkSize: 100_000 });
    server.inject({
      method: 'PATCH',
      path: /\/blobs\/uploads\//,
      when: () => true,
      times: 1,
      action: { status: 500 },
    });
    const bytes = randomBytes(350_000);
    const descriptor = {
      mediaType: MediaTypes.ociLayerGzip,
      digest: sha256Digest(bytes),
      size: bytes.length,
    };
    await store.putBlob('r/chunks', descriptor, Readable.from([bytes]));
    expect(server.blob(descriptor.digest)?.equals(bytes)).toBe(true);
    expect(
      server.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/uploads/')),
    ).toHaveLength(1);
  });

  it('lists tags page by page following Link', async () => {
    const { server, store } = await setup({ auth: 'none' }, {}, { tagPageSize: 2 });
    const m = manifestWith(server, 'r/many', 'a');
    for (const tag of ['b', 'c', 'd', 'e'])
      server.addManifest('r/many', m.bytes, MediaTypes.ociManifest, tag);
    expect(await store.listTags('r/many')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(server.requests.filter((r) => r.path.startsWith('/v2/r/many/tags/list'))).toHaveLength(3);
  });

  it('uses the OCI 1.1 referrers API when the registry has one', async () => {
    const { server, store } = await setup({ auth: 'none' });
    const subject = manifestWith(server, 'r/app', 'v1');
    const artifact = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: 'application/vnd.example.sbom+json',
        config: {
          mediaType: MediaTypes.ociEmpty,
          digest: server.addBlob('r/app', Buffer.from('{}')),
          size: 2,
        },
        layers: [],
        subject: { mediaType: MediaTypes.ociManifest, digest: subject.digest, size: subject.bytes.length },
      }),
    );
    const artifactDigest = server.addManifest('r/app', artifact, MediaTypes.ociManifest);
    const found = await store.referrers('r/app', subject.digest);
    expect(found).toEqual([
      {
        mediaType: MediaTypes.ociManifest,
        digest: artifactDigest,
        size: artifact.length,
        artifactType: 'application/vnd.example.sbom+json',
      },
    ]);
    expect(server.requests.some((r) => r.path.includes('/manifests/sha256-'))).toBe(false);
  });
});
