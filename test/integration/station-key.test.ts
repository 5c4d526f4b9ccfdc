// The station key, end to end against real registries: every signed transfer manifest and every
// receipt names the key of the station that made it, verify and inspect show it, and a manifest or
// receipt re-signed by another key than the one it names is refused. `ferry key rotate` changes the
// key as a signed ledger event: the audit stays clean, later bundles name and carry the new key.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { signManifest } from '../../electron/engine/signing/manifest-signature.ts';
import { signJson } from '../../electron/engine/signing/signed-json.ts';
import { stationKey } from '../../electron/engine/signing/station-key.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry, ferryBin } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
let home: string;
let n = 0;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedGeneric(source);
  work = mkdtempSync(join(tmpdir(), 'ferry-station-key-'));
  home = join(work, 'home');
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const env = () => ({ FERRY_HOME: home });
async function pull(): Promise<{ dir: string; manifest: TransferManifest }> {
  const dir = join(work, `b${n++}`);
  const r = await ferry(['pull', dir, '--image', seed.imageRefs[3]!, '--insecure'], env());
  expect(r.code).toBe(0);
  return {
    dir,
    manifest: JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest,
  };
}
async function keyShow(): Promise<{
  fingerprint: string;
  pinnedByLedger: string | null;
  rotations: unknown[];
}> {
  const r = await ferry(['key', 'show', '--json'], env());
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { fingerprint: string; pinnedByLedger: string | null; rotations: unknown[] };
}

describe('the station key in manifests and receipts', () => {
  it('names the key in the signed manifest; verify and inspect show it', async () => {
    const { dir, manifest } = await pull();
    const { fingerprint } = await keyShow();
    expect(manifest.station).toEqual({ fingerprint });
    const verify = await ferry(['verify', dir], env());
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`signed by ${fingerprint}, the station key the manifest names`);
    const inspect = await ferry(['inspect', dir], env());
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain(`station key ${fingerprint}; signed by ${fingerprint}`);
  });

  it('refuses a manifest re-signed by another key than the station key it names', async () => {
    const { dir } = await pull();
    await signManifest(dir, stationKey(mkdtempSync(join(work, 'stranger-'))));
    const verify = await ferry(['verify', dir], env());
    expect(verify.code).toBe(3);
    expect(verify.stderr.trim().split('\n').at(-1)).toMatch(
      /names the station key SHA256:\S+ but is signed by/,
    );
  });

  it('names the key in the receipt; a receipt re-signed by another key is refused', async () => {
    const { dir, manifest } = await pull();
    expect((await ferry(['push', dir, `${target.host}/k`, '--insecure'], env())).code).toBe(0);
    const file = join(work, 'receipt.json');
    expect((await ferry(['receipt', manifest.transferId, '-o', file], env())).code).toBe(0);
    const signed = JSON.parse(readFileSync(file, 'utf8')) as {
      receipt: { station: { fingerprint: string } };
    };
    expect(signed.receipt.station.fingerprint).toBe((await keyShow()).fingerprint);
    // Someone else's key signs it, the receipt still naming this station's.
    const stranger = stationKey(mkdtempSync(join(work, 'stranger-')));
    const forged = join(work, 'forged-receipt.json');
    writeFileSync(
      forged,
      JSON.stringify({ receipt: signed.receipt, signature: signJson(signed.receipt, stranger) }),
    );
    const imported = await ferry(['receipt', 'import', forged], { FERRY_HOME: join(work, 'other-home') });
    expect(imported.code).toBe(3);
    expect(imported.stderr).toMatch(/names the station key SHA256:\S+ but is signed by/);
  });
});

describe('ferry key rotate', () => {
  it('records the change signed by the old key; later bundles carry the new key; audit stays clean', async () => {
    const before = await pull();
    const old = (await keyShow()).fingerprint;
    const oldPub = join(work, 'old.pub');
    expect((await ferry(['key', 'export', '-o', oldPub], env())).code).toBe(0);

    const rotated = await ferry(['key', 'rotate'], env());
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      new RegExp(`rotated the station key: ${old.replace(/[+/]/g, '\\$&')} → SHA256:`),
    );
    const shown = await keyShow();
    expect(shown.fingerprint).not.toBe(old);
    expect(shown.pinnedByLedger).toBe(shown.fingerprint);
    expect(shown.rotations).toHaveLength(1);
    expect((await ferry(['audit', 'verify'], env())).code).toBe(0);

    const after = await pull();
    expect(after.manifest.station).toEqual({ fingerprint: shown.fingerprint });
    // A bundle signed before the rotation stays signed by the old key.
    expect((await ferry(['verify', before.dir, '--trusted-key', oldPub], env())).code).toBe(0);
    const refused = await ferry(['verify', after.dir, '--trusted-key', oldPub], env());
    expect(refused.code).toBe(3);
    expect((await ferry(['audit', 'verify'], env())).code).toBe(0);
  });

  it('a pull running while the key is rotated signs with the key it began with; the audit stays clean', async () => {
    const dir = join(work, `b${n++}`);
    mkdirSync(dir);
    const began = (await keyShow()).fingerprint;
    const child = spawn(
      process.execPath,
      [ferryBin, 'pull', dir, ...seed.imageRefs.flatMap((r) => ['--image', r]), '--insecure'],
      { env: { ...process.env, FERRY_HOME: home, DOCKER_CONFIG: '/nonexistent' }, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Held still as its first archive appears: the manifest, its signature and the record are to come.
    const stopped = new Promise<void>((resolve) => {
      const watcher = watch(dir, (_event, name) => {
        if (!name?.includes('.tar')) return;
        child.kill('SIGSTOP');
        watcher.close();
        resolve();
      });
    });
    await stopped;
    let rotated;
    try {
      const pulls = await ferry(['history', '--json', '--direction', 'pull', '--limit', '1'], env());
      expect((JSON.parse(pulls.stdout) as Array<{ status: string }>)[0]!.status).toBe('unfinished');
      rotated = await ferry(['key', 'rotate'], env());
    } finally {
      child.kill('SIGCONT');
    }
    expect(rotated.code).toBe(0);
    expect(await exited).toBe(0);
    // Before anything else appends (and signs a new head): the head the pull signed.
    const audit = await ferry(['audit', 'verify'], env());
    expect(audit.stdout).toMatch(/intact/);
    expect(audit.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    expect(manifest.station).toEqual({ fingerprint: began });
    const verify = await ferry(['verify', dir], env());
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`signed by ${began}`);
  });
});
