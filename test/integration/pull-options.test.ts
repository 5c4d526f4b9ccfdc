// Pull options against real registries: platform filter, signatures left behind, an images file in
// YAML with targets, docker config.json auth and a credential helper run as docker runs it.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let plain: RunningRegistry;
let secure: RunningRegistry;
let seed: GenericSeed;
let secureSeed: GenericSeed;
let work: string;
let n = 0;
const fresh = () => join(work, `b${n++}`);
const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;

beforeAll(async () => {
  [plain, secure] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  [seed, secureSeed] = await Promise.all([seedGeneric(plain), seedGeneric(secure)]);
  work = mkdtempSync(join(tmpdir(), 'ferry-options-'));
});
afterAll(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('pull options', () => {
  it('--platform keeps one platform: the image becomes that child manifest', async () => {
    const dir = fresh();
    const r = await ferry([
      'pull',
      dir,
      '--image',
      `${plain.host}/vendor/app:v1.0`,
      '--insecure',
      '--platform',
      'linux/arm64',
    ]);
    expect(r.code).toBe(0);
    const [image] = manifestOf(dir).images;
    const arm = seed.appIndex.children.find((c) => c.platform?.architecture === 'arm64')!;
    expect(image!.digest).toBe(arm.digest);
    expect(image!.contents).not.toContain(
      seed.appIndex.children.find((c) => c.platform?.architecture === 'amd64')!.digest,
    );
  });

  it('--platform naming no platform of the image is a usage error', async () => {
    const r = await ferry([
      'pull',
      fresh(),
      '--image',
      `${plain.host}/vendor/app:v1.0`,
      '--insecure',
      '--platform',
      'linux/s390x',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no manifest for linux\/s390x \(it has linux\/amd64, linux\/arm64\/v8\)/);
  });

  it('--no-signatures leaves signatures and referrers behind', async () => {
    const dir = fresh();
    const r = await ferry([
      'pull',
      dir,
      '--image',
      `${plain.host}/vendor/app:v1.0`,
      '--image',
      `${plain.host}/vendor/app:v1.1`,
      '--insecure',
      '--no-signatures',
    ]);
    expect(r.code).toBe(0);
    expect(manifestOf(dir).images.flatMap((i) => i.artifacts)).toEqual([]);
  });

  it('reads a YAML images file with per-image platforms and targets', async () => {
    const file = join(work, 'images.yaml');
    writeFileSync(
      file,
      `images:\n  - image: ${plain.host}/vendor/app:v1.0\n    platforms: [linux/amd64]\n    target: astromkey/app-operator:1.0\n  - ${plain.host}/vendor/tool:2.0\n`,
    );
    const dir = fresh();
    const r = await ferry(['pull', dir, '--images-file', file, '--insecure']);
    expect(r.code).toBe(0);
    const m = manifestOf(dir);
    expect(m.images.map((i) => i.target)).toEqual([
      { repository: 'astromkey/app-operator', tag: '1.0' },
      { repository: 'vendor/tool', tag: '2.0' },
    ]);
  });

  it('uses docker config.json auths for a TLS + auth registry', async () => {
    const config = join(work, 'docker-auths');
    mkdirSync(config);
    const auth = Buffer.from(`${secure.username}:${secure.password}`).toString('base64');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [secure.host]: { auth } } }));
    const r = await ferry(['pull', fresh(), '--image', secureSeed.imageRefs[1]!], {
      DOCKER_CONFIG: config,
      SSL_CERT_FILE: secure.caFile!,
    });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  it('runs a docker credential helper named by credHelpers', async () => {
    const config = join(work, 'docker-helper');
    const bin = join(work, 'bin');
    mkdirSync(config);
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-ferrytest');
    writeFileSync(
      helper,
      `#!/bin/sh\nread host\necho "$host" > "${join(work, 'helper-asked')}"\nprintf '{"ServerURL":"%s","Username":"${secure.username}","Secret":"${secure.password}"}' "$host"\n`,
    );
    chmodSync(helper, 0o755);
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({ credHelpers: { [secure.host]: 'ferrytest' } }),
    );
    const r = await ferry(['pull', fresh(), '--image', secureSeed.imageRefs[1]!], {
      DOCKER_CONFIG: config,
      SSL_CERT_FILE: secure.caFile!,
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'helper-asked'), 'utf8').trim()).toBe(secure.host);
  });
  it('accepts D8_MIRROR_TIMEOUT as a Go duration (1m30s), as the app and d8 do', async () => {
    const r = await ferry(['pull', fresh(), '--image', `${plain.host}/vendor/app:v1.0`, '--insecure'], {
      D8_MIRROR_TIMEOUT: '1m30s',
    });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  it('names a malformed D8_MIRROR_TIMEOUT with the one duration grammar', async () => {
    const r = await ferry(['pull', fresh(), '--image', `${plain.host}/vendor/app:v1.0`, '--insecure'], {
      D8_MIRROR_TIMEOUT: '5 minutes',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid D8_MIRROR_TIMEOUT '5 minutes': use a Go duration such as 90s/);
  });
});
