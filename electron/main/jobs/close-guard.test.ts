// Closing Ferry mid-transfer, over a real registry with a pull held mid-copy by the gate proxy: the
// question is asked only when something runs; "keep" keeps it; "pause" pauses it, keeps it in the
// journal for the next start, and the ledger records why it stopped; "cancel" does the same with the
// cancel reason and drops it from the journal.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullJobRequest } from '../../../shared/dto.ts';
import type { InterruptedJob } from '../../../shared/jobs.ts';
import { fakeSafeStorage } from '../../../test/e2e/fake-safe-storage.ts';
import { startGateProxy, type GateProxy } from '../../../test/e2e/gate-proxy.ts';
import { startRegistry, type RunningRegistry } from '../../../test/harness/registry.ts';
import { seedGeneric } from '../../../test/harness/seed-generic.ts';
import { history } from '../../engine/api/ledger.ts';
import { Station } from '../../engine/ledger/station.ts';
import { CredentialStore } from '../credentials/credential-store.ts';
import { createHandlers, type Handlers } from '../ipc/handlers.ts';
import { closePrompt, closeReasons, confirmClose, type ClosePrompt } from './close-guard.ts';
import { JobJournal, JOURNAL_FILE } from './job-journal.ts';
import { JobRunner } from './job-runner.ts';

let work: string;
let source: RunningRegistry;
let gate: GateProxy;
let jobs: JobRunner;
let journal: JobJournal;
let station: Station;
let handlers: Handlers;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-close-'));
  source = await startRegistry('http');
  await seedGeneric(source, { layerSize: 256 * 1024 });
  gate = await startGateProxy(source.host);
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  station = new Station({ home, operator: 'tester' });
  journal = new JobJournal(home);
  jobs = new JobRunner({ state: () => {}, event: () => {}, changed: (list) => journal.record(list) });
  handlers = createHandlers({
    station,
    credentials: new CredentialStore(join(home, 'logins.json'), fakeSafeStorage()),
    jobs,
    journal,
    listDrives: async () => ({ supported: true, drives: [] }),
    shell: { choose: async () => null, saveAs: async () => null },
    env: { PATH: process.env.PATH, DOCKER_CONFIG: '/nonexistent-ferry-test' },
    platform: 'linux',
    version: '0.0.0-test',
  });
});
afterAll(async () => {
  await jobs?.cancelAll();
  await gate?.stop();
  await source?.stop();
  rmSync(work, { recursive: true, force: true });
});

const request = (bundleDir: string): PullJobRequest => ({
  source: { registry: gate.host, insecure: true, tlsSkipVerify: false },
  images: ['vendor/app:v1.0', 'vendor/tool:2.0'],
  platforms: [],
  signatures: false,
  bundleDir,
  force: false,
});

async function heldPull(name: string): Promise<string> {
  gate.close();
  const before = gate.held;
  const { jobId } = await handlers['job:pull'](request(join(work, name)));
  await expect.poll(() => gate.held, { timeout: 10_000 }).toBeGreaterThan(before);
  return jobId;
}

const journalled = async () => {
  await journal.flushed();
  return (JSON.parse(readFileSync(join(station.home, JOURNAL_FILE), 'utf8')) as InterruptedJob[]).map(
    (j) => j.jobId,
  );
};
const ledgerError = (bundleDir: string) =>
  history(station.ledger, {}).find((o) => o.bundleDir === join(work, bundleDir))?.error?.message;

describe('closing the window mid-transfer', () => {
  it('asks nothing when no job runs', async () => {
    const asked: ClosePrompt[] = [];
    expect(closePrompt([])).toBeUndefined();
    expect(await confirmClose(jobs, async (p) => (asked.push(p), 0))).toBe(true);
    expect(asked).toEqual([]);
  });

  it('"Keep transferring" keeps the window and the job', async () => {
    const jobId = await heldPull('kept');
    const asked: ClosePrompt[] = [];
    expect(await confirmClose(jobs, async (p) => (asked.push(p), p.answers.indexOf('keep')))).toBe(false);
    expect(asked[0]!.message).toBe('A transfer is still in progress.');
    expect(asked[0]!.detail).toContain(`Pull into ${join(work, 'kept')} (running)`);
    expect(asked[0]!.cancelId).toBe(asked[0]!.answers.indexOf('keep'));
    expect(jobs.status(jobId)).toBe('running');
    jobs.cancel(jobId);
    await jobs.settled(jobId);
  });

  it('"Pause and close" pauses it, keeps it for the next start and records why in the ledger', async () => {
    const jobId = await heldPull('paused');
    expect(await journalled()).toContain(jobId);
    expect(await confirmClose(jobs, async (p) => p.answers.indexOf('pause'))).toBe(true);
    expect(jobs.status(jobId)).toBe('paused');
    expect(await journalled()).toContain(jobId);
    expect(ledgerError('paused')).toContain(closeReasons.pause);
    // The next start finds it.
    expect(new JobJournal(station.home).interrupted().map((j) => j.jobId)).toContain(jobId);
    jobs.cancel(jobId);
  });

  it('"Cancel transfer and close" cancels it, records why and leaves nothing to resume', async () => {
    const jobId = await heldPull('cancelled');
    expect(await confirmClose(jobs, async (p) => p.answers.indexOf('cancel'))).toBe(true);
    expect(jobs.status(jobId)).toBe('cancelled');
    expect(await journalled()).not.toContain(jobId);
    expect(ledgerError('cancelled')).toContain(closeReasons.cancel);
  });
});
