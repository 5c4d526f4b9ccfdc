// The IPC handlers over real registries (the same functions Electron registers and the test bridge
// serves): Test connection's answers, a pull paused mid-copy and resumed, cancel, the stick plan and
// copying stick by stick, opening a bundle spread over several sticks, report export to PDF, and the
// ModuleSource a Deckhouse push answers with.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JobStateMessage, PullJobRequest, PushResult } from '../../../shared/dto.ts';
import type { JobEvent } from '../../../shared/jobs.ts';
import type { Channel, RequestOf, ResponseOf } from '../../../shared/ipc.ts';
import { fakeSafeStorage } from '../../../test/e2e/fake-safe-storage.ts';
import { startGateProxy, type GateProxy } from '../../../test/e2e/gate-proxy.ts';
import { startRegistry, type RunningRegistry } from '../../../test/harness/registry.ts';
import { seedDeckhouse } from '../../../test/harness/seed-deckhouse.ts';
import { seedGeneric, type GenericSeed } from '../../../test/harness/seed-generic.ts';
import type { TransferManifest } from '../../engine/bundle/transfer-manifest.ts';
import { Station } from '../../engine/ledger/station.ts';
import { CredentialStore } from '../credentials/credential-store.ts';
import { createDispatcher } from '../ipc/dispatcher.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { STICK_RESERVE } from '../../engine/media/stick-plan.ts';

let work: string;
let source: RunningRegistry;
let secure: RunningRegistry;
let seed: GenericSeed;
let gate: GateProxy;
const states: JobStateMessage[] = [];
const events: Array<{ jobId: string; event: JobEvent }> = [];
const printed: string[] = [];
let call: <C extends Channel>(channel: C, request: RequestOf<C>) => Promise<ResponseOf<C>>;
let jobs: JobRunner;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-handlers-'));
  [source, secure] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  seed = await seedGeneric(source, { layerSize: 256 * 1024 });
  gate = await startGateProxy(source.host);
  jobs = new JobRunner({
    state: (m) => states.push(m),
    event: (jobId, event) => events.push({ jobId, event }),
  });
  const home = join(work, 'home');
  mkdirSync(join(work, 'saved'), { recursive: true });
  const dispatch = createDispatcher(
    createHandlers({
      station: new Station({ home, operator: 'tester' }),
      credentials: new CredentialStore(join(home, 'logins.json'), fakeSafeStorage()),
      jobs,
      listDrives: async () => ({ supported: true, drives: [] }),
      shell: {
        choose: async () => null,
        saveAs: async (_title, name) => join(work, 'saved', name),
        printToPdf: async (html) => {
          printed.push(html);
          return Buffer.from('%PDF-1.7 stand-in');
        },
      },
      env: { PATH: process.env.PATH, DOCKER_CONFIG: '/nonexistent-ferry-test' },
      platform: 'linux',
      version: '0.0.0-test',
    }),
  );
  call = async (channel, request) => {
    const result = await dispatch(channel, request);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as never;
  };
});
afterAll(async () => {
  await jobs?.cancelAll();
  await gate?.stop();
  await Promise.all([source?.stop(), secure?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const settled = async (jobId: string) => {
  await jobs.settled(jobId);
  return states.filter((s) => s.jobId === jobId).at(-1)!;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('Test connection', () => {
  const conn = (registry: string, more: object = {}) => ({
    registry,
    insecure: false,
    tlsSkipVerify: false,
    ...more,
  });

  it('reaches an open registry without a login', async () => {
    const check = await call('registry:test', conn(source.host, { insecure: true }));
    expect(check).toMatchObject({
      registry: source.host,
      endpoint: `http://${source.host}`,
      authenticated: false,
    });
  });

  it('names what is wrong: no login, a wrong password, an untrusted certificate, nothing listening', async () => {
    const withCa = conn(secure.host, { caFile: secure.caFile });
    expect(await failure(call('registry:test', withCa))).toMatchObject({
      code: 'FERRY_ERR_AUTH',
      message: expect.stringContaining(
        'requires credentials (401): check the login on the Source step',
      ) as unknown,
    });
    await call('registry:login', {
      registry: secure.host,
      username: secure.username!,
      password: 'wrong-password',
      remember: false,
    });
    expect(await failure(call('registry:test', withCa))).toMatchObject({
      code: 'FERRY_ERR_AUTH',
      message: expect.stringContaining('refused the credentials') as unknown,
    });
    expect(await failure(call('registry:test', conn(secure.host)))).toMatchObject({ code: 'FERRY_ERR_TLS' });
    expect(await failure(call('registry:test', conn('127.0.0.1:9', { insecure: true })))).toMatchObject({
      code: 'FERRY_ERR_UNREACHABLE',
    });
    expect(await failure(call('registry:test', conn(secure.host, { caFile: 'ca.pem' })))).toMatchObject({
      code: 'FERRY_ERR_USAGE',
      message: expect.stringContaining('is not a full path') as unknown,
    });
  });

  it('logs in with the login the app holds', async () => {
    await call('registry:login', {
      registry: `${secure.host}/mirror`,
      username: secure.username!,
      password: secure.password!,
      remember: true,
    });
    const check = await call('registry:test', conn(`${secure.host}/mirror`, { caFile: secure.caFile }));
    expect(check).toMatchObject({
      authenticated: true,
      username: secure.username,
      endpoint: `https://${secure.host}`,
    });
    expect(await call('registry:logins', {})).toEqual([
      { registry: secure.host, username: secure.username, kept: 'encrypted' },
    ]);
  });

  it('keeps a typed login only once the registry accepts it, and names the side that refused it', async () => {
    await call('registry:forget', { registry: secure.host });
    const withCa = conn(secure.host, { caFile: secure.caFile, side: 'target' });
    const wrong = { username: secure.username!, password: 'not-the-password', remember: false };
    expect(await failure(call('registry:test', { ...withCa, login: wrong }))).toMatchObject({
      code: 'FERRY_ERR_AUTH',
      message: expect.stringContaining('on the Target step') as unknown,
    });
    expect(await call('registry:logins', {})).toEqual([]);
    const right = { username: secure.username!, password: secure.password!, remember: false };
    expect(await call('registry:test', { ...withCa, login: right })).toMatchObject({
      authenticated: true,
      username: secure.username,
    });
    expect(await call('registry:logins', {})).toEqual([
      { registry: secure.host, username: secure.username, kept: 'session' },
    ]);
  });
});

describe('pull jobs', () => {
  const request = (bundleDir: string): PullJobRequest => ({
    source: { registry: gate.host, insecure: true, tlsSkipVerify: false },
    images: ['vendor/app:v1.0', 'vendor/tool:2.0', 'library/base:1'],
    platforms: [],
    signatures: true,
    bundleDir,
    chunkSize: 1 << 20,
    force: false,
  });

  it('pauses mid-copy and resumes the same transfer where it stopped', async () => {
    const bundleDir = join(work, 'paused');
    gate.close();
    const { jobId } = await call('job:pull', request(bundleDir));
    await expect.poll(() => gate.held, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(
      events.some((e) => e.jobId === jobId && e.event.type === 'phase' && e.event.phase === 'copy'),
    ).toBe(true);
    expect(await call('job:pause', { jobId })).toEqual({ jobId, changed: true });
    expect(await settled(jobId)).toEqual({ jobId, kind: 'pull', status: 'paused' });
    const saved = JSON.parse(readFileSync(join(bundleDir, '.ferry-pull', 'plan.json'), 'utf8')) as {
      transferId: string;
    };

    gate.open();
    expect(await call('job:resume', { jobId })).toEqual({ jobId, changed: true });
    const end = await settled(jobId);
    expect(end.status).toBe('succeeded');
    expect(end.outcome?.kind === 'pull' && end.outcome.value.transferId).toBe(saved.transferId);
    const logged = events
      .filter((e) => e.jobId === jobId && e.event.type === 'phase')
      .map((e) => (e.event as { message: string }).message);
    expect(logged).toContain(`resuming transfer ${saved.transferId}`);
    // Each image's own share of finished blobs arrives as it grows, ending at its whole size.
    const shares = events.flatMap((e) =>
      e.jobId === jobId && e.event.type === 'image-bytes' ? [e.event] : [],
    );
    const named = request(bundleDir).images.map((i) => `${gate.host}/${i}`);
    expect(new Set(shares.map((e) => e.image))).toEqual(new Set(named));
    for (const image of named) {
      const last = shares.filter((e) => e.image === image).at(-1)!;
      expect(last.bytesDone).toBe(last.bytesTotal);
      expect(last.bytesTotal).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(
      readFileSync(join(bundleDir, 'ferry-manifest.json'), 'utf8'),
    ) as TransferManifest;
    expect(manifest.images.map((i) => i.digest).sort()).toEqual(
      [seed.appIndex.digest, seed.tool.digest, seed.base.digest].sort(),
    );
  });

  it('cancels a pull; nothing is reported as finished', async () => {
    gate.close();
    const { jobId } = await call('job:pull', request(join(work, 'cancelled')));
    await expect.poll(() => gate.held, { timeout: 10_000 }).toBeGreaterThan(1);
    expect((await call('job:cancel', { jobId })).changed).toBe(true);
    expect(await settled(jobId)).toMatchObject({
      status: 'cancelled',
      error: { code: 'FERRY_ERR_CANCELLED' },
    });
    expect(existsSync(join(work, 'cancelled', 'ferry-manifest.json'))).toBe(false);
    gate.open();
  });
});

describe('sticks', () => {
  let bundleDir: string;
  let manifest: TransferManifest;

  beforeAll(async () => {
    bundleDir = join(work, 'paused');
    manifest = JSON.parse(readFileSync(join(bundleDir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
  });

  it('plans two chunks a stick and copies each stick with the manifest and signature', async () => {
    const files = manifest.archives.flatMap((a) => a.parts);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const plan = await call('media:plan', { bundleDir, stickBytes: STICK_RESERVE + 2 * (1 << 20) });
    expect(plan.sticks.map((s) => s.files.length)).toEqual(
      Array.from({ length: Math.ceil(files.length / 2) }, (_, i) => Math.min(2, files.length - 2 * i)),
    );
    for (const stick of plan.sticks) {
      const destination = join(work, `stick-${stick.index}`);
      mkdirSync(destination);
      const { jobId } = await call('job:copy', {
        bundleDir,
        destination,
        stick: stick.index,
        files: stick.files.map((f) => f.file),
      });
      const end = await settled(jobId);
      expect(end).toMatchObject({
        status: 'succeeded',
        outcome: { kind: 'copy', value: { stick: stick.index } },
      });
      const folder = join(destination, `ferry-${manifest.transferId}`);
      expect(readdirSync(folder).sort()).toEqual(
        ['ferry-manifest.json', 'ferry-manifest.sig.json', ...stick.files.map((f) => f.file)].sort(),
      );
      for (const f of stick.files)
        expect(sha256(join(folder, f.file))).toBe(files.find((p) => p.file === f.file)!.sha256);
    }
  });

  it('refuses to copy a file the manifest does not list', async () => {
    const destination = join(work, 'stick-evil');
    mkdirSync(destination);
    const { jobId } = await call('job:copy', {
      bundleDir,
      destination,
      stick: 1,
      files: ['../../home/logins.json'],
    });
    expect(await settled(jobId)).toMatchObject({ status: 'failed', error: { code: 'FERRY_ERR_USAGE' } });
    expect(readdirSync(destination)).toEqual([]);
  });

  it('opens a bundle spread over sticks, names missing files, and verifies across them', async () => {
    const sticks = readdirSync(work)
      .filter((n) => /^stick-\d+$/.test(n))
      .sort()
      .map((n) => join(work, n));
    const partial = await call('bundle:open', { folders: [sticks[0]!] });
    expect(partial.missing.length).toBeGreaterThan(0);
    expect(partial.folders).toEqual([join(sticks[0]!, `ferry-${manifest.transferId}`)]);

    const whole = await call('bundle:open', { folders: sticks });
    expect(whole.missing).toEqual([]);
    expect(whole.transferId).toBe(manifest.transferId);
    expect(whole.signature).toMatchObject({ status: 'signed' });
    expect(new Set(whole.files.map((f) => f.stick)).size).toBe(sticks.length);
    const { jobId } = await call('job:verify', { folders: whole.folders });
    const end = await settled(jobId);
    expect(end).toMatchObject({ status: 'succeeded', outcome: { kind: 'verify', value: { ok: true } } });
    // The engine read each file off its own stick, and says which.
    const verified = (end.outcome as { value: { files: Array<{ file: string; stick?: string }> } }).value;
    expect(verified.files.map((f) => f.stick)).toEqual(
      verified.files.map((f) => whole.files.find((w) => w.file === f.file)!.stick),
    );

    expect(
      await failure(call('bundle:open', { folders: [sticks[0]!, join(work, 'nothing-here')] })),
    ).toMatchObject({
      code: 'FERRY_ERR_IO',
    });
  });

  it('opening sticks whose manifest names a hostile transfer id touches nothing outside them', async () => {
    const sticks = readdirSync(work)
      .filter((n) => /^stick-\d+$/.test(n))
      .sort()
      .map((n) => join(work, n, `ferry-${manifest.transferId}`));
    const hostile = sticks.map((s, i) => {
      const copy = join(work, `hostile-${i}`);
      cpSync(s, copy, { recursive: true });
      const m = JSON.parse(readFileSync(join(copy, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
      writeFileSync(join(copy, 'ferry-manifest.json'), JSON.stringify({ ...m, transferId: '..' }));
      return copy;
    });
    const home = join(work, 'home');
    const before = readdirSync(home).sort();
    expect(await failure(call('bundle:open', { folders: hostile }))).toMatchObject({
      code: 'FERRY_ERR_BUNDLE_INVALID',
      message: expect.stringMatching(/manifest\.transferId/) as unknown,
    });
    expect(readdirSync(home).sort()).toEqual(before);
    expect(existsSync(join(home, 'staging'))).toBe(false);
  });
});

describe('reports', () => {
  it('exports the transfer report to PDF through the shell, and as JSON', async () => {
    const rows = await call('history:list', {});
    // The cancelled pull, and the paused one: its first run recorded as cancelled, then resumed.
    expect(rows.map((r) => r.operations.map((o) => `${o.kind} ${o.outcome}`))).toEqual([
      ['pull cancelled'],
      ['pull cancelled', 'pull succeeded', 'verify succeeded'],
    ]);
    const row = rows[1];
    const pdf = await call('history:export', { transferId: row!.transferId, format: 'pdf' });
    expect(readFileSync(pdf.path!, 'utf8')).toBe('%PDF-1.7 stand-in');
    expect(printed[0]).toContain(row!.transferId);
    const json = await call('history:export', { transferId: row!.transferId, format: 'json' });
    expect(JSON.parse(readFileSync(json.path!, 'utf8'))).toMatchObject({ transferId: row!.transferId });
  });
});

describe('Deckhouse push', () => {
  let bundleDir: string;
  const pushed = async (target: { registry: string; insecure: boolean; caFile?: string }, dryRun = false) => {
    const { jobId } = await call('job:push', {
      folders: [bundleDir],
      target: { tlsSkipVerify: false, ...target },
      dryRun,
    });
    const end = await settled(jobId);
    expect(end).toMatchObject({ status: 'succeeded', outcome: { kind: 'push' } });
    return (end.outcome as { value: PushResult }).value;
  };
  const resource = (yaml: string | undefined) =>
    parse(yaml ?? '') as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { registry: { repo: string; dockerCfg: string; scheme: string; ca?: string } };
    };
  const dockerCfg = (r: ReturnType<typeof resource>) =>
    JSON.parse(Buffer.from(r.spec.registry.dockerCfg, 'base64').toString('utf8')) as unknown;

  beforeAll(async () => {
    await seedDeckhouse(source, 'deckhouse/ee');
    bundleDir = join(work, 'deckhouse');
    const { jobId } = await call('job:pull', {
      source: { registry: source.host, insecure: true, tlsSkipVerify: false },
      deckhouse: {
        edition: 'deckhouse/ee',
        includeModules: ['console@=v1.3.1+stable'],
        excludeModules: [],
        platform: false,
        securityDatabases: false,
        modules: true,
      },
      images: [],
      platforms: [],
      signatures: false,
      bundleDir,
      force: false,
    });
    expect(await settled(jobId)).toMatchObject({ status: 'succeeded' });
  });

  it('answers with the ModuleSource for the pushed modules: HTTPS, the CA file, the held login', async () => {
    await call('registry:login', {
      registry: secure.host,
      username: secure.username!,
      password: secure.password!,
      remember: false,
    });
    const result = await pushed({ registry: `${secure.host}/dh`, insecure: false, caFile: secure.caFile! });
    expect(result.ok).toBe(true);
    const found = resource(result.moduleSourceYaml);
    expect(found).toMatchObject({
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'ModuleSource',
      metadata: { name: 'deckhouse' },
      spec: {
        registry: {
          repo: `${secure.host}/dh/modules`,
          scheme: 'HTTPS',
          ca: readFileSync(secure.caFile!, 'utf8'),
        },
      },
    });
    const auth = Buffer.from(`${secure.username!}:${secure.password!}`).toString('base64');
    expect(dockerCfg(found)).toEqual({
      auths: { [secure.host]: { username: secure.username, password: secure.password, auth } },
    });
    // The Secret keeps its own box; the ModuleSource text is the one resource.
    expect(result.pullSecretYaml).toContain('kubernetes.io/dockerconfigjson');
    expect(result.moduleSourceYaml).not.toContain('kind: Secret');
  });

  it('plain HTTP without a login: scheme HTTP, an anonymous dockerCfg, no ca; none on a dry run', async () => {
    const target = { registry: `${source.host}/mirror-dh`, insecure: true };
    expect((await pushed(target, true)).moduleSourceYaml).toBeUndefined();
    const result = await pushed(target);
    const found = resource(result.moduleSourceYaml);
    expect(found.spec.registry).toMatchObject({ repo: `${source.host}/mirror-dh/modules`, scheme: 'HTTP' });
    expect(found.spec.registry.ca).toBeUndefined();
    expect(dockerCfg(found)).toEqual({ auths: { [source.host]: {} } });
    expect(result.pullSecretYaml).toBeUndefined();
  });
});

describe('retry in place', () => {
  it('a push that failed on an unreachable target runs again as the same job with the corrected target', async () => {
    const bundleDir = join(work, 'paused'); // the bundle the pause test finished
    const { createServer } = await import('node:net');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const target = (registry: string) => ({ registry, insecure: true, tlsSkipVerify: false });
    const { jobId } = await call('job:push', {
      folders: [bundleDir],
      target: target(`127.0.0.1:${port}/mirror`),
      dryRun: false,
    });
    expect(await settled(jobId)).toMatchObject({
      status: 'failed',
      error: { code: 'FERRY_ERR_UNREACHABLE' },
    });
    expect(await call('job:retry', { jobId, target: target(`${source.host}/retried`) })).toEqual({
      jobId,
      changed: true,
    });
    const end = await settled(jobId);
    expect(end.status).toBe('succeeded');
    expect(end.outcome?.kind === 'push' && end.outcome.value.registry).toBe(source.host);
    const summary = (await call('job:list', {})).find((j) => j.jobId === jobId)!;
    expect(summary.title).toBe(`Push to ${source.host}/retried`);
    expect(summary.started.kind === 'push' && summary.started.request.target.registry).toBe(
      `${source.host}/retried`,
    );
    // A finished job is not retried again; an unknown one changes nothing.
    expect((await call('job:retry', { jobId })).changed).toBe(false);
    expect((await call('job:retry', { jobId: 'no-such-job' })).changed).toBe(false);
  });
});
