// Issue 12: Ferry held to the real `d8 mirror` (deckhouse-cli main @ 4c2e288) where a difference
// breaks a real transfer. Each case fails on the code before the fix: channel names in
// --deckhouse-tag, empty OCI layouts in d8 bundles, LTS-only editions, d8's flags and environment,
// d8's bare-version ranges and exact-pin aliasing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedDeckhouse, type DeckhouseSeed } from '../harness/seed-deckhouse.ts';
import { ferry } from '../support/cli.ts';
import { writeD8Bundle } from '../support/d8-bundle-writer.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: DeckhouseSeed;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedDeckhouse(source);
  work = mkdtempSync(join(tmpdir(), 'ferry-d8-parity-'));
  env = { FERRY_HOME: join(work, 'station') };
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('d8 bundles with empty OCI layouts', () => {
  it('reads `"manifests": null` (a layout d8 created but never filled) as empty: verify and push pass', async () => {
    const dir = join(work, 'd8-empty-layouts');
    const client = createRegistryClient(source);
    try {
      await writeD8Bundle(client, source.host, dir, [
        {
          // security.tar as d8 packs it from its whole tmp dir: the never-filled installer layout
          // (--no-installer) and a missing optional DB travel as empty layouts.
          name: 'security.tar',
          layouts: {
            'security/trivy-db': [
              { repository: `${seed.root}/security/trivy-db`, reference: '2', shortTag: '2' },
            ],
            'security/trivy-bdu': [],
            'installer/installer': [],
          },
        },
      ]);
    } finally {
      await client.close();
    }
    const verify = await ferry(['verify', dir], env);
    expect(verify.stderr).not.toMatch(/error/);
    expect(verify.code).toBe(0);
    const push = await ferry(['push', dir, `${target.host}/d8/ee`, '--insecure'], env);
    expect(push.stderr).not.toMatch(/error/);
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(/pushed 1 image\(s\)/);
  });
});
