// Push details against a TLS + auth target: digests read back with skopeo, dry run writes nothing,
// an interrupted push resumes, and the pull Secret decodes to working credentials.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createRegistryClient } from '../harness/registry-client.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

const ferryBin = fileURLToPath(new URL('../../bin/ferry.js', import.meta.url));
let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
let bundle: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  seed = await seedGeneric(source, { images: 10, layerSize: 2 << 20, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-push-'));
  bundle = join(work, 'bundle');
  const r = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((i) => ['--image', i]),
    '--insecure',
    '--chunk-size',
    '16MiB',
  ]);
  expect(r.code).toBe(0);
  env = {
    SSL_CERT_FILE: target.caFile!,
    D8_MIRROR_REGISTRY_LOGIN: target.username!,
    D8_MIRROR_REGISTRY_PASSWORD: target.password!,
  };
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('push', () => {
  it('--dry-run shows the mapping and writes nothing', async () => {
    const r = await ferry(['push', bundle, `${target.host}/dry`, '--dry-run'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`→ ${target.host}/dry/vendor/app:v1.0`);
    const client = createRegistryClient(target);
    try {
      expect(await client.catalog()).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('resumes an interrupted push and every digest reads back unchanged through skopeo', async () => {
    // Kill the first push once some blobs have landed.
    const client = createRegistryClient(target);
    const child = spawn(
      process.execPath,
      [ferryBin, 'push', bundle, `${target.host}/mirror`, '--concurrency', '1'],
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 400; i++) {
      const found = await client
        .headBlob('mirror/vendor/app', seed.sharedLayer.digest)
        .catch(() => undefined);
      if (found) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    const r = await ferry(['push', bundle, `${target.host}/mirror`], env);
    expect(r.code).toBe(0);
    await client.close();

    requireTool('skopeo', 'skopeo');
    // skopeo's --cert-dir takes *.crt CAs (and treats a lone *.key as a client key): give it only the CA.
    const certDir = join(work, 'certs');
    mkdirSync(certDir);
    copyFileSync(target.caFile!, join(certDir, 'ca.crt'));
    for (const img of seed.images) {
      const raw = execFileSync('skopeo', [
        'inspect',
        '--raw',
        '--cert-dir',
        certDir,
        '--creds',
        `${target.username}:${target.password}`,
        `docker://${target.host}/mirror/${img.repository}:${img.tags[0]}`,
      ]);
      const digest = `sha256:${(await import('node:crypto')).createHash('sha256').update(raw).digest('hex')}`;
      expect(digest).toBe(img.digest);
    }
  });

  it('writes a pull Secret whose dockerconfigjson logs in to the target', async () => {
    const r = await ferry(['secret', target.host, '--name', 'mirror-pull', '--namespace', 'apps'], env);
    expect(r.code).toBe(0);
    const secret = parseYaml(r.stdout) as {
      kind: string;
      type: string;
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
    };
    expect(secret.kind).toBe('Secret');
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(secret.metadata).toEqual({ name: 'mirror-pull', namespace: 'apps' });
    const config = JSON.parse(Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString()) as {
      auths: Record<string, { username: string; password: string; auth: string }>;
    };
    const entry = config.auths[target.host]!;
    expect(entry.username).toBe(target.username);
    expect(Buffer.from(entry.auth, 'base64').toString()).toBe(`${target.username}:${target.password}`);
    const client = createRegistryClient(target, {
      auth: { username: entry.username, password: entry.password },
    });
    try {
      expect((await client.headManifest('mirror/vendor/tool', '2.0'))?.digest).toBe(seed.tool.digest);
    } finally {
      await client.close();
    }
  });

  it('a wrong password is one line naming the registry, without the password', async () => {
    const r = await ferry(
      ['push', bundle, `${target.host}/mirror`, '-u', 'ferry', '-p', 'not-the-password'],
      { SSL_CERT_FILE: target.caFile! },
    );
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^ferry push: error: .*${target.host.replace(/\./g, '\\.')}`),
    );
    expect(r.stderr + r.stdout).not.toContain('not-the-password');
  });
});
