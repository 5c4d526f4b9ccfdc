// A Deckhouse bundle pulled by Ferry, pushed into a TLS + htpasswd registry the way `d8 mirror push`
// would: every expected tag at `<path>/<layout path>` with its source digest, modules under the
// modules path suffix, the module discovery tags, and the ModuleSource (+ pull Secret) YAML.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedDeckhouse, type DeckhouseSeed } from '../harness/seed-deckhouse.ts';
import { ferry } from '../support/cli.ts';
import {
  expectedModule,
  expectedPlatform,
  expectedSecurity,
  type ExpectedTag,
} from '../support/deckhouse-expect.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: DeckhouseSeed;
let work: string;
let env: NodeJS.ProcessEnv;
let bundle: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  seed = await seedDeckhouse(source);
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-push-'));
  env = { FERRY_HOME: join(work, 'station'), SSL_CERT_FILE: target.caFile! };
  bundle = join(work, 'bundle');
  const run = await ferry(['pull', bundle, '--source', seed.source, '--insecure'], env);
  expect(run.code).toBe(0);
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

interface ModuleSourceDoc {
  apiVersion: string;
  kind: string;
  spec: { registry: { repo: string; dockerCfg: string; scheme: string; ca?: string } };
}
interface SecretDoc {
  kind: string;
  type: string;
  data: Record<string, string>;
}

function expectedDefault(): ExpectedTag[] {
  return [
    ...expectedPlatform(seed, ['v1.68.3', 'v1.69.2', 'v1.70.1', 'v1.71.0'], { ...seed.channels }),
    ...expectedSecurity(seed),
    ...expectedModule(seed, 'console', ['v1.2.3', 'v1.3.1', 'v1.4.0', 'v2.0.0'], {
      ...seed.modules.console!.channels,
    }),
    ...expectedModule(seed, 'stronghold', ['v1.3.1', 'v1.4.0'], { ...seed.modules.stronghold!.channels }),
  ];
}

async function expectOnTarget(expected: ExpectedTag[], repo: (path: string) => string): Promise<void> {
  const client = createRegistryClient(target);
  try {
    const missing: string[] = [];
    for (const t of expected) {
      const head = await client.headManifest(repo(t.path), t.tag);
      if (head?.digest !== t.digest)
        missing.push(`${repo(t.path)}:${t.tag} (${head?.digest ?? 'absent'}, want ${t.digest})`);
    }
    expect(missing).toEqual([]);
  } finally {
    await client.close();
  }
}

describe('ferry push of a Deckhouse bundle', () => {
  it('puts every tag at <path>/<layout path> with its source digest, tags the modules, and writes a ModuleSource', async () => {
    const yamlFile = join(work, 'module-source.yaml');
    const run = await ferry(
      [
        'push',
        bundle,
        `${target.host}/deckhouse/ee`,
        '-u',
        target.username!,
        '-p',
        target.password!,
        '--module-source',
        yamlFile,
      ],
      env,
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    await expectOnTarget(expectedDefault(), (path) => (path ? `deckhouse/ee/${path}` : 'deckhouse/ee'));

    const client = createRegistryClient(target);
    try {
      expect(await client.listTags('deckhouse/ee/modules')).toEqual(['console', 'stronghold']);
      const discovery = await client.getManifest('deckhouse/ee/modules', 'console');
      const config = JSON.parse(
        (
          await client.getBlob(
            'deckhouse/ee/modules',
            (JSON.parse(discovery.bytes.toString()) as { config: { digest: string } }).config.digest,
          )
        ).toString(),
      ) as { config: { Labels: Record<string, string> } };
      expect(config.config.Labels['io.deckhouse.module']).toBe('console');
      // No write-check or other junk repository is left behind.
      expect(
        (await client.catalog()).every((r) => r === 'deckhouse/ee' || r.startsWith('deckhouse/ee/')),
      ).toBe(true);
    } finally {
      await client.close();
    }

    // The terminal gets the ModuleSource without credentials; the file has them, and the Secret.
    expect(run.stdout).toContain('kind: ModuleSource');
    expect(run.stdout).not.toContain('dockerCfg:');
    expect(run.stdout).not.toContain(target.password!);
    const docs = parseAllDocuments(readFileSync(yamlFile, 'utf8')).map((d) => d.toJS() as unknown);
    expect(docs).toHaveLength(2);
    const [ms, secret] = docs as [ModuleSourceDoc, SecretDoc];
    expect(ms.apiVersion).toBe('deckhouse.io/v1alpha1');
    expect(ms.kind).toBe('ModuleSource');
    expect(ms.spec.registry.repo).toBe(`${target.host}/deckhouse/ee/modules`);
    expect(ms.spec.registry.scheme).toBe('HTTPS');
    expect(ms.spec.registry.ca).toBe(readFileSync(target.caFile!, 'utf8'));
    const cfg = JSON.parse(Buffer.from(ms.spec.registry.dockerCfg, 'base64').toString()) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Buffer.from(cfg.auths[target.host]!.auth, 'base64').toString()).toBe(
      `${target.username}:${target.password}`,
    );
    expect(secret.kind).toBe('Secret');
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const secretCfg = JSON.parse(Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString()) as {
      auths: Record<string, unknown>;
    };
    expect(Object.keys(secretCfg.auths)).toEqual([target.host]);
  });

  it('moves modules under --modules-path-suffix', async () => {
    const run = await ferry(
      [
        'push',
        bundle,
        `${target.host}/d8`,
        '-u',
        target.username!,
        '-p',
        target.password!,
        '--modules-path-suffix',
        '/mods',
      ],
      env,
    );
    expect(run.code).toBe(0);
    await expectOnTarget(
      expectedModule(seed, 'stronghold', ['v1.3.1', 'v1.4.0'], { ...seed.modules.stronghold!.channels }),
      (path) => `d8/${path.replace(/^modules\//, 'mods/')}`,
    );
    const client = createRegistryClient(target);
    try {
      expect(await client.listTags('d8/mods')).toEqual(['console', 'stronghold']);
      expect(await client.listTags('d8/modules')).toEqual([]);
    } finally {
      await client.close();
    }
    expect(run.stdout).toContain(`repo: ${target.host}/d8/mods`);
  });

  it("--modules-path-suffix / puts modules at the target itself, as d8's NormalizeModulesPath", async () => {
    const run = await ferry(
      [
        'push',
        bundle,
        `${target.host}/atroot`,
        '-u',
        target.username!,
        '-p',
        target.password!,
        '--modules-path-suffix',
        '/',
      ],
      env,
    );
    expect(run.code).toBe(0);
    const client = createRegistryClient(target);
    try {
      expect(await client.listTags('atroot/stronghold')).toContain('v1.3.1');
      expect(await client.listTags('atroot')).toEqual(expect.arrayContaining(['console', 'stronghold']));
      expect(await client.listTags('atroot/modules')).toEqual([]);
    } finally {
      await client.close();
    }
    expect(run.stdout).toContain(`repo: ${target.host}/atroot\n`);
  });

  it('refuses a target with no path for a bundle holding the edition root', async () => {
    const run = await ferry(
      ['push', bundle, target.host, '-u', target.username!, '-p', target.password!],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/push to <registry>\/<path>/);
  });
});
