// docker config.json lookups as docker does them, plus the helper's '<token>' convention.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { redact } from '../redact.ts';
import {
  chainCredentials,
  dockerConfigCredentials,
  dockerConfigPath,
  staticCredentials,
} from './docker-config.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ferry-docker-config-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function withConfig(name: string, config: unknown): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('dockerConfigCredentials', () => {
  it('finds the config in $DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/d' })).toBe('/etc/d/config.json');
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
  });

  it('matches `auths` keys written as host, https URL with /v1/, or http URL', async () => {
    const dir = await withConfig('auths', {
      auths: {
        'registry.example.com:5000': { auth: b64('alice:pa:ss-word') },
        'https://other.example/v1/': { username: 'bob', password: 'bob-password' },
        'http://plain.example:8080': { identitytoken: 'identity-token-123' },
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub-password') },
        'tokened.example': { registrytoken: 'registry-token-456' },
        'empty.example': { auth: '' },
      },
    });
    const creds = dockerConfigCredentials({ DOCKER_CONFIG: dir });
    expect(await creds('registry.example.com:5000')).toEqual({ username: 'alice', password: 'pa:ss-word' });
    expect(await creds('other.example')).toEqual({ username: 'bob', password: 'bob-password' });
    expect(await creds('plain.example:8080')).toEqual({ identityToken: 'identity-token-123' });
    expect(await creds('docker.io')).toEqual({ username: 'hubuser', password: 'hub-password' });
    expect(await creds('registry-1.docker.io')).toEqual({ username: 'hubuser', password: 'hub-password' });
    expect(await creds('tokened.example')).toEqual({ registryToken: 'registry-token-456' });
    expect(await creds('empty.example')).toBeUndefined();
    expect(await creds('unknown.example')).toBeUndefined();
    // Everything read is a secret from now on.
    expect(redact('pw pa:ss-word, bob-password, identity-token-123')).toBe('pw ***, ***, ***');
  });

  it('treats a missing config as no credentials and a broken one as a UsageError', async () => {
    expect(await dockerConfigCredentials({ DOCKER_CONFIG: join(work, 'none') })('x.example')).toBeUndefined();
    const dir = await withConfig('broken', '{ not json');
    await expect(dockerConfigCredentials({ DOCKER_CONFIG: dir })('x.example')).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  it("reads a helper's '<token>' username as an identity token, and 'not found' as anonymous", async () => {
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-tokenish');
    await writeFile(
      helper,
      '#!/bin/sh\nread -r s\nif [ "$s" = "https://index.docker.io/v1/" ]; then echo \'{"Username":"<token>","Secret":"refresh-abc-123"}\'; else echo "credentials not found in native keychain"; exit 1; fi\n',
    );
    await chmod(helper, 0o755);
    const dir = await withConfig('store', {
      credsStore: 'tokenish',
      auths: { 'x.example': { auth: b64('a:b-ignored') } },
    });
    const creds = dockerConfigCredentials({ DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin` });
    expect(await creds('docker.io')).toEqual({ identityToken: 'refresh-abc-123' });
    // With a credsStore, docker asks only the store: its "not found" wins over `auths`.
    expect(await creds('x.example')).toBeUndefined();
  });
});

describe('staticCredentials and chainCredentials', () => {
  it('answers per host, maps Docker Hub names, and the first source that knows a host wins', async () => {
    const flags = staticCredentials({
      'a.example': { username: 'u', password: 'flag-password' },
      'docker.io': { password: 'hub-pw-99' },
    });
    const fallback = staticCredentials(
      new Map([['b.example', { username: 'v', password: 'other-password' }]]),
    );
    const chain = chainCredentials(undefined, flags, fallback);
    expect(await chain('a.example')).toEqual({ username: 'u', password: 'flag-password' });
    expect(await chain('b.example')).toEqual({ username: 'v', password: 'other-password' });
    expect(await chain('registry-1.docker.io')).toEqual({ password: 'hub-pw-99' });
    expect(await chain('c.example')).toBeUndefined();
    expect(redact('flag-password')).toBe('***');
  });
});
