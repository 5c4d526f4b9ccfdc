// The transfer ledger, written by real pulls, verifies and pushes against harness registries: a
// connected station pulls and signs, an isolated station verifies, pushes and issues a receipt, the
// connected station imports it and pulls incrementally. Each station has its own FERRY_HOME.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import type { OperationSummary } from '../../electron/engine/ledger/history.ts';
import type { TransferReport } from '../../electron/engine/ledger/report.ts';
import { closeLedgers } from '../../electron/engine/ledger/ledger.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
/** The connected station (pulls) and the isolated one (verifies, pushes). */
let connected: string;
let isolated: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  seed = await seedGeneric(source, { layerSize: 64 * 1024, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-ledger-it-'));
  connected = join(work, 'connected-home');
  isolated = join(work, 'isolated-home');
});
afterAll(async () => {
  closeLedgers();
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const at = (home: string, env: NodeJS.ProcessEnv = {}) => ({ FERRY_HOME: home, ...env });
const readManifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
const pullArgs = (dir: string, refs: string[]) => [
  'pull',
  dir,
  ...refs.flatMap((r) => ['--image', r]),
  '--insecure',
];
const pushTo = (dir: string, prefix: string, home: string, extra: string[] = []) =>
  ferry(['push', dir, `${target.host}/${prefix}`, '-u', target.username!, '-p', target.password!, ...extra], {
    ...at(home),
    SSL_CERT_FILE: target.caFile!,
  });
async function historyJson(home: string, ...filters: string[]): Promise<OperationSummary[]> {
  const run = await ferry(['history', '--json', ...filters], at(home));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as OperationSummary[];
}

describe('the transfer ledger', () => {
  let bundleA: string;
  let manifestA: TransferManifest;
  let connectedKey: string;
  let isolatedKey: string;

  it('records a pull: history --json holds every image and its digest; the manifest is signed', async () => {
    bundleA = join(work, 'bundle-a');
    const refs = [seed.imageRefs[0]!, seed.imageRefs[3]!]; // vendor/app:v1.0 (index, signed), library/base:1
    const run = await ferry([...pullArgs(bundleA, refs), '--operator', 'Alice Engineer'], at(connected));
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    manifestA = readManifest(bundleA);

    const ops = await historyJson(connected);
    expect(ops).toHaveLength(1);
    const op = ops[0]!;
    expect(op).toMatchObject({
      direction: 'pull',
      status: 'succeeded',
      operator: 'Alice Engineer',
      transferId: manifestA.transferId,
      sources: [source.host],
    });
    expect(op.images.map((i) => [i.reference, i.digest])).toEqual([
      [refs[0], seed.appIndex.digest],
      [refs[1], seed.base.digest],
    ]);
    expect(op.images[0]!.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);

    // The station key signed it; the private key is the owner's alone.
    const key = JSON.parse((await ferry(['key', 'show', '--json'], at(connected))).stdout) as {
      fingerprint: string;
      publicKey: string;
      pinnedByLedger: string | null;
    };
    // The ledger's first entry pins that key, and `ferry key show` says so.
    expect(key.pinnedByLedger).toBe(key.fingerprint);
    expect((await ferry(['key', 'show'], at(connected))).stdout).toContain(
      `ledger pins  ${key.fingerprint} (this key)`,
    );
    const sig = JSON.parse(readFileSync(join(bundleA, 'ferry-manifest.sig.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(sig).toMatchObject({
      algorithm: 'ed25519',
      publicKey: key.publicKey,
      fingerprint: key.fingerprint,
    });
    expect(sig.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(op.signature).toEqual({ status: 'signed', fingerprint: key.fingerprint });
    expect(run.stdout).toContain(`signed by ${key.fingerprint}`);
    expect(statSync(join(connected, 'keys', 'station-ed25519.key')).mode & 0o777).toBe(0o600);
    connectedKey = join(work, 'connected.pub');
    expect((await ferry(['key', 'export', '-o', connectedKey], at(connected))).code).toBe(0);
  });

  it('finds transfers by digest (image, layer, chunk), by image and by date', async () => {
    const byLayer = await historyJson(connected, '--digest', seed.sharedLayer.digest);
    expect(byLayer.map((o) => o.transferId)).toEqual([manifestA.transferId]);
    const bare = await historyJson(connected, '--digest', seed.appIndex.digest.slice('sha256:'.length));
    expect(bare).toHaveLength(1);
    const chunk = manifestA.archives[0]!.parts[0]!;
    expect(await historyJson(connected, '--digest', `sha256:${chunk.sha256}`)).toHaveLength(1);
    expect(await historyJson(connected, '--digest', `sha256:${'0'.repeat(64)}`)).toEqual([]);
    expect(await historyJson(connected, '--image', 'vendor/app')).toHaveLength(1);
    expect(await historyJson(connected, '--image', 'vendor/tool')).toEqual([]);
    expect(await historyJson(connected, '--since', '1h')).toHaveLength(1);
    expect(await historyJson(connected, '--since', '2999-01-01')).toEqual([]);
    const text = await ferry(['history'], at(connected));
    expect(text.stdout).toContain(manifestA.transferId);
    expect(text.stdout).toContain(seed.appIndex.digest);
  });

  it('verify and push check the signature, name the signer and record what they did', async () => {
    const verified = await ferry(['verify', bundleA, '--trusted-key', connectedKey], at(isolated));
    expect(verified.code).toBe(0);
    const fingerprint = (await historyJson(connected))[0]!.signature!.fingerprint!;
    expect(verified.stdout).toContain(`signed by ${fingerprint} (the trusted key)`);

    const pushed = await pushTo(bundleA, 'mirror', isolated, ['--trusted-key', connectedKey]);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain(`signed by ${fingerprint}`);

    const ops = await historyJson(isolated);
    expect(ops.map((o) => [o.direction, o.status])).toEqual([
      ['push', 'succeeded'],
      ['verify', 'succeeded'],
    ]);
    for (const op of ops) {
      expect(op.transferId).toBe(manifestA.transferId);
      expect(op.signature).toEqual({ status: 'signed', fingerprint, trusted: true });
      expect(op.images.map((i) => i.digest)).toEqual([seed.appIndex.digest, seed.base.digest]);
    }
    expect(ops[0]!.target).toEqual({ registry: target.host, path: 'mirror' });
    expect(ops[0]!.images.map((i) => [i.status, i.target])).toEqual([
      ['pushed', `${target.host}/mirror/vendor/app:v1.0`],
      ['pushed', `${target.host}/mirror/library/base:1`],
    ]);
    expect(ops[1]!.images.map((i) => i.status)).toEqual(['ok', 'ok']);
    isolatedKey = join(work, 'isolated.pub');
    expect((await ferry(['key', 'export', '-o', isolatedKey], at(isolated))).code).toBe(0);
  });

  it('with --trusted-key, refuses a bundle signed by another key, or unsigned (exit 3); an edited manifest always', async () => {
    const stranger = join(work, 'stranger-home');
    const strangerKey = join(work, 'stranger.pub');
    expect((await ferry(['key', 'export', '-o', strangerKey], at(stranger))).code).toBe(0);
    const strangerPrint = (await ferry(['key', 'show'], at(stranger))).stdout.match(/SHA256:\S+/)![0];

    const wrongKey = await ferry(['verify', bundleA, '--trusted-key', strangerKey], at(isolated));
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toContain(`not by the trusted key ${strangerPrint}: refused`);
    const refusedPush = await pushTo(bundleA, 'stranger', isolated, ['--trusted-key', strangerKey]);
    expect(refusedPush.code).toBe(3);
    const client = createRegistryClient(target);
    try {
      expect((await client.catalog()).filter((r) => r.startsWith('stranger/'))).toEqual([]);
    } finally {
      await client.close();
    }
    const refusals = await historyJson(isolated, '--limit', '2');
    expect(refusals.map((o) => [o.direction, o.status, o.signature?.trusted])).toEqual([
      ['push', 'refused', false],
      ['verify', 'refused', false],
    ]);

    const unsigned = join(work, 'unsigned');
    execFileSync('cp', ['-r', bundleA, unsigned]);
    rmSync(join(unsigned, 'ferry-manifest.sig.json'));
    const demanded = await ferry(['verify', unsigned, '--trusted-key', connectedKey], at(isolated));
    expect(demanded.code).toBe(3);
    expect(demanded.stderr).toMatch(/is not signed, and --trusted-key asks for a signature/);
    expect((await pushTo(unsigned, 'unsigned', isolated, ['--trusted-key', connectedKey])).code).toBe(3);
    const lenient = await ferry(['verify', unsigned], at(isolated));
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/not signed/);

    const edited = join(work, 'edited');
    execFileSync('cp', ['-r', bundleA, edited]);
    const m = readManifest(edited);
    m.images[0]!.target.tag = 'latest';
    writeFileSync(join(edited, 'ferry-manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
    const tampered = await ferry(['verify', edited], at(isolated));
    expect(tampered.code).toBe(3);
    expect(tampered.stderr).toMatch(
      /does not match the signature of SHA256:\S+: it was changed after it was signed/,
    );
  });

  it('a receipt round trip makes the next incremental pull smaller, and that bundle still pushes', async () => {
    const receipt = join(work, 'receipt.json');
    const issued = await ferry(['receipt', manifestA.transferId, '-o', receipt], at(isolated));
    expect(issued.code).toBe(0);
    const signed = JSON.parse(readFileSync(receipt, 'utf8')) as {
      receipt: { transferId: string; pushes: Array<{ registry: string; blobs: Array<{ digest: string }> }> };
      signature: { fingerprint: string };
    };
    expect(signed.receipt.transferId).toBe(manifestA.transferId);
    expect(signed.receipt.pushes[0]!.registry).toBe(target.host);
    expect(signed.receipt.pushes[0]!.blobs.map((b) => b.digest)).toContain(seed.sharedLayer.digest);

    // A receipt signed by someone else is refused; the right one is recorded once.
    const strangerKey = join(work, 'stranger.pub');
    expect(
      (await ferry(['receipt', 'import', receipt, '--trusted-key', strangerKey], at(connected))).code,
    ).toBe(3);
    const imported = await ferry(['receipt', 'import', receipt, '--trusted-key', isolatedKey], at(connected));
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`signed by ${signed.signature.fingerprint}`);
    expect((await ferry(['receipt', 'import', receipt], at(connected))).stdout).toMatch(/imported before/);

    const refs = [seed.imageRefs[0]!, seed.imageRefs[1]!, seed.imageRefs[2]!]; // app:v1.0, app:v1.1, tool:2.0
    const full = join(work, 'bundle-full');
    expect((await ferry(pullArgs(full, refs), at(connected))).code).toBe(0);
    const small = join(work, 'bundle-incremental');
    const run = await ferry([...pullArgs(small, refs), '--incremental'], at(connected));
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const fullM = readManifest(full);
    const smallM = readManifest(small);
    const omitted = smallM.omitted ?? [];
    const saved = omitted.reduce((n, o) => n + o.size, 0);
    expect(omitted.map((o) => o.digest)).toContain(seed.sharedLayer.digest);
    expect(omitted.every((o) => o.registry === target.host)).toBe(true);
    expect(saved).toBeGreaterThan(0);
    expect(smallM.totals.blobBytes + saved).toBe(fullM.totals.blobBytes);
    expect(smallM.totals.archiveBytes).toBeLessThan(fullM.totals.archiveBytes);
    expect(run.stdout).toMatch(
      new RegExp(`incremental: left out ${omitted.length} blob\\(s\\) the target already holds, saved`),
    );
    expect((await historyJson(connected, '--limit', '1'))[0]!.incremental).toMatchObject({
      omittedBlobs: omitted.length,
      omittedBytes: saved,
    });

    const verified = await ferry(['verify', small, '--trusted-key', connectedKey], at(isolated));
    expect(verified.stdout).toMatch(/incremental bundle: \d+ blob\(s\) left out/);
    expect(verified.code).toBe(0);
    const pushed = await pushTo(small, 'mirror', isolated, ['--trusted-key', connectedKey]);
    expect(pushed.stdout + pushed.stderr).not.toMatch(/✗|error/);
    expect(pushed.code).toBe(0);
    const client = createRegistryClient(target);
    try {
      for (const img of [seed.appIndex, seed.app, seed.tool]) {
        const repo = `mirror/${img === seed.tool ? 'vendor/tool' : 'vendor/app'}`;
        const tag = img === seed.appIndex ? 'v1.0' : img === seed.app ? 'v1.1' : '2.0';
        expect((await client.headManifest(repo, tag))?.digest).toBe(img.digest);
      }
      // tool:2.0's base layer was never in the bundle: it was mounted from another repository.
      expect(await client.headBlob('mirror/vendor/tool', seed.sharedLayer.digest)).toEqual({
        size: seed.sharedLayer.size,
      });
    } finally {
      await client.close();
    }
  });

  it('writes reports an auditor can read: HTML, CSV and JSON with digests, chunks, signature and chain', async () => {
    const html = join(work, 'report.html');
    const r = await ferry(['report', manifestA.transferId, '-o', html], at(isolated));
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const fingerprint = (await historyJson(connected, '--limit', '1'))[0]!.signature!.fingerprint!;
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i); // self-contained, nothing fetched
    expect(page).toContain('@media print');
    for (const needle of [
      manifestA.transferId,
      seed.appIndex.digest,
      seed.base.digest,
      seed.signature.digest,
      manifestA.archives[0]!.parts[0]!.file,
      manifestA.archives[0]!.parts[0]!.sha256,
      fingerprint,
      `${target.host}/mirror/vendor/app:v1.0`,
      'Ledger chain: <span class="badge ok">intact</span>',
      'Verification',
    ]) {
      expect(page).toContain(needle);
    }

    const csv = await ferry(['report', manifestA.transferId.slice(0, 8), '--format', 'csv'], at(isolated));
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe('section,operation,direction,time,name,digest,size,status,detail');
    const images = rows.filter((l) => l.startsWith('image,'));
    expect(
      images.some((l) => l.includes(',push,') && l.includes(seed.appIndex.digest) && l.includes(',pushed,')),
    ).toBe(true);
    expect(
      images.some((l) => l.includes(',verify,') && l.includes(seed.base.digest) && l.includes(',verified,')),
    ).toBe(true);
    expect(
      rows.some(
        (l) => l.startsWith('chunk,') && l.includes(`sha256:${manifestA.archives[0]!.parts[0]!.sha256}`),
      ),
    ).toBe(true);
    expect(rows.at(-1)).toMatch(/^chain,.*,intact,$/);

    const json = await ferry(['report', manifestA.transferId, '--format', 'json'], at(isolated));
    const report = JSON.parse(json.stdout) as TransferReport;
    expect(report.transferId).toBe(manifestA.transferId);
    // In order: the good verify and push, then the refusals and re-checks of the signature test.
    expect(report.operations.map((o) => [o.direction, o.status])).toEqual([
      ['verify', 'succeeded'],
      ['push', 'succeeded'],
      ['verify', 'refused'],
      ['push', 'refused'],
      ['verify', 'refused'],
      ['push', 'refused'],
      ['verify', 'succeeded'],
      ['verify', 'refused'],
    ]);
    const verify = report.operations[0]!;
    expect(verify.verification).toMatchObject({ ok: true, files: { ok: manifestA.totals.files } });
    expect(verify.chunks.map((c) => c.sha256)).toEqual(
      manifestA.archives.flatMap((a) => a.parts.map((p) => p.sha256)),
    );
    expect(verify.media?.bundleDir).toBe(bundleA);
    expect(verify.blobList.map((b) => b.digest)).toContain(seed.sharedLayer.digest);
    expect(report.receipts.map((x) => x.action)).toEqual(['issued']);
    expect(report.chain).toMatchObject({ ok: true });
  });

  it('audit verify detects an UPDATE and a DELETE made with sqlite3 after dropping the triggers', async () => {
    for (const home of [connected, isolated]) {
      const ok = await ferry(['audit', 'verify'], at(home));
      expect(ok.stdout).toMatch(/intact: \d+ entries, head #\d+/);
      expect(ok.code).toBe(0);
    }
    const edit = (home: string, change: (db: Database.Database) => void) => {
      const db = new Database(join(home, 'ledger.db'));
      try {
        const triggers = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{
          sql: string;
        }>;
        db.exec('DROP TRIGGER entries_refuse_update; DROP TRIGGER entries_refuse_delete;');
        change(db);
        for (const t of triggers) db.exec(t.sql); // put the guard back: only the chain can tell now
      } finally {
        db.close();
      }
    };
    const seqOf = (home: string, digest: string) => {
      const db = new Database(join(home, 'ledger.db'), { readonly: true });
      try {
        return (
          db
            .prepare("SELECT seq FROM entries WHERE kind = 'image' AND digest = ? ORDER BY seq")
            .get(digest) as {
            seq: number;
          }
        ).seq;
      } finally {
        db.close();
      }
    };

    // UPDATE: the connected side claims it carried another digest.
    const updated = seqOf(connected, seed.base.digest);
    edit(connected, (db) =>
      db
        .prepare('UPDATE entries SET digest = ?, body = replace(body, ?, ?) WHERE seq = ?')
        .run(seed.tool.digest, seed.base.digest, seed.tool.digest, updated),
    );
    const afterUpdate = await ferry(['audit', 'verify'], at(connected));
    expect(afterUpdate.code).toBe(3);
    expect(afterUpdate.stdout).toContain(`entry #${updated} (image of transfer ${manifestA.transferId}`);
    expect(afterUpdate.stdout).toMatch(/was changed after it was recorded/);
    expect(afterUpdate.stdout).toContain(`the first broken entry is #${updated}`);

    // DELETE: the isolated side hides that it pushed library/base:1.
    const deleted = seqOf(isolated, seed.base.digest);
    edit(isolated, (db) => db.prepare('DELETE FROM entries WHERE seq = ?').run(deleted));
    const afterDelete = await ferry(['audit', 'verify', '--json'], at(isolated));
    expect(afterDelete.code).toBe(3);
    const audit = JSON.parse(afterDelete.stdout) as {
      ok: boolean;
      firstBroken: number;
      problems: Array<{ message: string }>;
    };
    expect(audit.ok).toBe(false);
    expect(audit.firstBroken).toBe(deleted);
    expect(audit.problems[0]!.message).toContain(`entry #${deleted} is missing: it was deleted`);
    // Reports carry the broken state too.
    const report = JSON.parse(
      (await ferry(['report', manifestA.transferId, '--format', 'json'], at(isolated))).stdout,
    ) as TransferReport;
    expect(report.chain).toMatchObject({ ok: false, firstBroken: deleted });
  });

  it('keeps no password anywhere in the data folders', async () => {
    // One more pull, from the password-protected registry, so the connected side has used a password too.
    const fromAuth = await ferry(
      [
        'pull',
        join(work, 'bundle-auth'),
        '--image',
        `${target.host}/mirror/library/base:1`,
        '--source-login',
        target.username!,
        '--source-password',
        target.password!,
      ],
      { ...at(connected), SSL_CERT_FILE: target.caFile! },
    );
    expect(fromAuth.code).toBe(0);
    closeLedgers(); // checkpoint the WAL so the main files hold everything too
    const secrets = [
      target.password!,
      Buffer.from(target.password!).toString('base64'),
      Buffer.from(`${target.username}:${target.password}`).toString('base64'),
    ];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(connected);
    walk(isolated);
    expect(files.some((f) => f.endsWith('ledger.db'))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const s of secrets) expect(bytes.includes(Buffer.from(s)), `${f} holds a secret`).toBe(false);
    }
    // …while the ledger did record that pull, with the registry host only.
    const last = (await historyJson(connected, '--limit', '1'))[0]!;
    expect(last.sources).toEqual([target.host]);
  });

  it('a damaged ledger stops the next job with a clear error instead of being reset', async () => {
    const broken = join(work, 'broken-home');
    execFileSync('mkdir', ['-p', broken]);
    writeFileSync(join(broken, 'ledger.db'), 'not a database at all'.repeat(300));
    const run = await ferry(pullArgs(join(work, 'never'), [seed.imageRefs[3]!]), at(broken));
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/ledger\.db is not a SQLite database .*Ferry does not reset it/);
    expect(readdirSync(work)).not.toContain('never');
    expect(readFileSync(join(broken, 'ledger.db'), 'utf8')).toBe('not a database at all'.repeat(300));
  });
});
