// The transport against real registries: TLS trust (CA files, SSL_CERT_FILE/SSL_CERT_DIR, skip
// verify), htpasswd auth from flags, docker config and a credential helper, and the failures a user
// meets first (wrong password, untrusted certificate, unknown host, wrong scheme, nothing listening).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRegistry, type RunningRegistry } from '../../../test/harness/registry.ts';
import { AuthError, TlsError, UnreachableError } from '../errors.ts';
import { sha256Digest } from '../oci/digest.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { dockerConfigCredentials, staticCredentials } from './docker-config.ts';
import { createTransport } from './transport.ts';
import type { TransportOptions } from './types.ts';

let tls: RunningRegistry;
let auth: RunningRegistry;
let plain: RunningRegistry;
let work: string;

beforeAll(async () => {
  [tls, auth, plain] = await Promise.all([
    startRegistry('tls'),
    startRegistry('tls-auth'),
    startRegistry('http'),
  ]);
  work = await mkdtemp(join(tmpdir(), 'ferry-transport-test-'));
});

afterAll(async () => {
  await Promise.all([tls?.stop(), auth?.stop(), plain?.stop()]);
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** One catalog-free call that needs the connection, TLS and auth to work: GET /v2/<repo>/tags/list. */
async function probe(host: string, options: TransportOptions, repository = 'probe/app'): Promise<unknown> {
  const transport = createTransport({ retries: 0, ...options });
  try {
    const res = await transport.request(host, {
      method: 'GET',
      path: `/v2/${repository}/tags/list`,
      scope: [{ repository, actions: ['pull'] }],
      throwOnError: false,
    });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return err;
  } finally {
    await transport.close();
  }
}

describe('TLS', () => {
  it('rejects an untrusted certificate with a TlsError that names the host and the fix', async () => {
    const err = await probe(tls.host, { env: {} });
    expect(err).toBeInstanceOf(TlsError);
    const message = (err as Error).message;
    expect(message).toContain(tls.host);
    expect(message).toContain('--tls-skip-verify');
    expect(message).toContain('SSL_CERT_FILE=<ca.pem>');
  });

  it('trusts a CA given as a file', async () => {
    expect(await probe(tls.host, { env: {}, caFiles: [tls.caFile ?? ''] })).toBe(404);
  });

  it('trusts SSL_CERT_FILE and every certificate in SSL_CERT_DIR', async () => {
    expect(await probe(tls.host, { env: { SSL_CERT_FILE: tls.caFile } })).toBe(404);
    const dir = join(work, 'certs');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'README'), 'not a certificate\n');
    await writeFile(join(dir, 'ferry-ca.pem'), tls.caPem ?? '');
    expect(await probe(tls.host, { env: { SSL_CERT_DIR: `/nonexistent-dir-is-skipped:${dir}` } })).toBe(404);
  });

  it('connects to an untrusted registry with tlsSkipVerify', async () => {
    expect(await probe(tls.host, { env: {}, tlsSkipVerify: true })).toBe(404);
  });

  it('explains plain HTTP against a TLS registry, and TLS against a plain HTTP one', async () => {
    const toTls = await probe(tls.host, { env: {}, insecure: true });
    expect(toTls).toBeInstanceOf(TlsError);
    expect((toTls as Error).message).toMatch(/speaks HTTPS.*drop --insecure/);
    // A HEAD (how a push asks for each blob first) gets the same bare 400 without its text.
    const headed = createTransport({ retries: 0, env: {}, insecure: true });
    const head = await headed
      .request(tls.host, {
        method: 'HEAD',
        path: `/v2/probe/app/blobs/${sha256Digest(Buffer.from('x'))}`,
        scope: [{ repository: 'probe/app', actions: ['pull'] }],
        throwOnError: false,
      })
      .catch((err: unknown) => err)
      .finally(() => headed.close());
    expect(head).toBeInstanceOf(TlsError);
    expect((head as TlsError).message).toMatch(/speaks HTTPS.*drop --insecure/);
    expect((head as TlsError).details).toMatchObject({ host: tls.host, status: 400 });
    const toPlain = await probe(plain.host, { env: {} });
    expect(toPlain).toBeInstanceOf(TlsError);
    expect((toPlain as Error).message).toContain('--insecure');
  });
});

describe('reachability', () => {
  it('reports an unknown host as UnreachableError', async () => {
    const err = await probe('no-such-host.invalid', { env: {} });
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toContain('unknown host no-such-host.invalid');
  });

  it('reports a closed port as UnreachableError', async () => {
    const port = await freePort();
    const err = await probe(`127.0.0.1:${port}`, { env: {}, insecure: true });
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toContain(`127.0.0.1:${port} refused the connection`);
  });
});

describe('Basic auth (htpasswd)', () => {
  const base = (): TransportOptions => ({ env: {}, caFiles: [auth.caFile ?? ''] });

  it('works with the right credentials', async () => {
    const credentials = staticCredentials({
      [auth.host]: { username: auth.username, password: auth.password },
    });
    expect(await probe(auth.host, { ...base(), credentials })).toBe(404);
  });

  it('fails with wrong credentials, without the password in the message', async () => {
    const password = 'wrong-secret-password-1234';
    const credentials = staticCredentials({ [auth.host]: { username: 'ferry', password } });
    const err = await probe(auth.host, { ...base(), credentials });
    expect(err).toBeInstanceOf(AuthError);
    const message = (err as Error).message;
    expect(message).toBe(
      `registry ${auth.host} refused the credentials for probe/app (401): check --source-login/--source-password or docker login`,
    );
    expect(message).not.toContain(password);
    expect(JSON.stringify((err as AuthError).toDTO())).not.toContain(password);
  });

  it('says credentials are needed when none were given', async () => {
    const err = await probe(auth.host, base());
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain(
      `registry ${auth.host} requires credentials for probe/app (401)`,
    );
  });

  it('streams an upload to an auth registry on first contact (challenge learnt before the body)', async () => {
    const credentials = staticCredentials({
      [auth.host]: { username: auth.username, password: auth.password },
    });
    const transport = createTransport({ ...base(), credentials });
    try {
      const store = new RegistryStore(auth.host, transport);
      const bytes = Buffer.from('first contact is a streamed body');
      const descriptor = {
        mediaType: 'application/octet-stream',
        digest: sha256Digest(bytes),
        size: bytes.length,
      };
      await store.putBlob('first/contact', descriptor, Readable.from([bytes]));
      expect(await store.hasBlob('first/contact', descriptor.digest)).toBe(true);
    } finally {
      await transport.close();
    }
  });
});

describe('docker config credentials', () => {
  async function configDir(name: string, config: unknown): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  }

  it('reads `auths` (base64 user:password) from $DOCKER_CONFIG/config.json', async () => {
    const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    const dir = await configDir('auths', { auths: { [`https://${auth.host}`]: { auth: encoded } } });
    const credentials = dockerConfigCredentials({ DOCKER_CONFIG: dir });
    expect(await probe(auth.host, { env: {}, caFiles: [auth.caFile ?? ''], credentials })).toBe(404);
  });

  it('runs the credential helper named in credHelpers, from PATH', async () => {
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-ferrytest');
    await writeFile(
      helper,
      [
        '#!/bin/sh',
        '[ "$1" = get ] || exit 2',
        'read -r server',
        `if [ "$server" = "${auth.host}" ]; then`,
        `  printf '{"ServerURL":"%s","Username":"${auth.username}","Secret":"${auth.password}"}' "$server"`,
        'else',
        '  echo "credentials not found in native keychain"; exit 1',
        'fi',
        '',
      ].join('\n'),
    );
    await chmod(helper, 0o755);
    const broken = join(bin, 'docker-credential-broken');
    await writeFile(broken, '#!/bin/sh\necho "keychain is locked" >&2\nexit 3\n');
    await chmod(broken, 0o755);

    const dir = await configDir('helpers', {
      credHelpers: { [auth.host]: 'ferrytest', 'other.example:5000': 'broken' },
      credsStore: 'not-installed',
    });
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const credentials = dockerConfigCredentials(env);
    expect(await probe(auth.host, { env: {}, caFiles: [auth.caFile ?? ''], credentials })).toBe(404);

    const failing = await credentials('other.example:5000').catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(AuthError);
    expect((failing as Error).message).toContain('docker-credential-broken');
    expect((failing as Error).message).toContain('keychain is locked');

    const missing = await credentials('third.example').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AuthError);
    expect((missing as Error).message).toContain('docker-credential-not-installed');
    expect((missing as Error).message).toContain('not on PATH');
  });
});
