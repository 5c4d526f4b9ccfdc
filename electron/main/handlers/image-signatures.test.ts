// The app's verify and push with image-signature requirements, over the IPC handlers (the functions
// Electron registers and the test bridge serves) and a real registry: the request's key or policy
// reaches the engine, each image's verdict comes back in the DTO the Verify step's Signature column
// shows, push refuses what fails, and a bad request is one line.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStateMessage, PushResult, VerifyResult } from '../../../shared/dto.ts';
import type { Channel, RequestOf, ResponseOf } from '../../../shared/ipc.ts';
import { fakeSafeStorage } from '../../../test/e2e/fake-safe-storage.ts';
import {
  cosignKeyPair,
  pushCosignSignature,
  type FixtureCosignKey,
} from '../../../test/harness/cosign-keys.ts';
import { createRegistryClient } from '../../../test/harness/registry-client.ts';
import { startRegistry, type RunningRegistry } from '../../../test/harness/registry.ts';
import { SeedRecorder } from '../../../test/harness/seed-recorder.ts';
import { seedGeneric, type GenericSeed } from '../../../test/harness/seed-generic.ts';
import { pull } from '../../engine/api/pull.ts';
import { imageRequest } from '../../engine/api/input.ts';
import { Station } from '../../engine/ledger/station.ts';
import { closeLedgers } from '../../engine/ledger/ledger.ts';
import { CredentialStore } from '../credentials/credential-store.ts';
import { createDispatcher } from '../ipc/dispatcher.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { JobRunner } from '../jobs/job-runner.ts';

let work: string;
let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let vendor: FixtureCosignKey;
let bundle: string;
const states: JobStateMessage[] = [];
let jobs: JobRunner;
let call: <C extends Channel>(channel: C, request: RequestOf<C>) => Promise<ResponseOf<C>>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-handler-sigs-'));
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('http')]);
  seed = await seedGeneric(source, { layerSize: 4 * 1024, layersPerImage: 1 });
  vendor = cosignKeyPair(work, 'vendor');
  const client = createRegistryClient(source);
  try {
    await pushCosignSignature(
      new SeedRecorder(client, source.host),
      seed.app.repository,
      seed.app.digest,
      vendor.sign,
    );
  } finally {
    await client.close();
  }
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  const station = new Station({ home, operator: 'tester' });
  bundle = join(work, 'bundle');
  await pull({
    bundleDir: bundle,
    images: seed.imageRefs.map((r) => imageRequest(r, [])),
    transport: { insecure: true },
    station,
  });
  jobs = new JobRunner({ state: (m) => states.push(m), event: () => {} });
  const dispatch = createDispatcher(
    createHandlers({
      station,
      credentials: new CredentialStore(join(home, 'logins.json'), fakeSafeStorage()),
      jobs,
      listDrives: async () => ({ supported: true, drives: [] }),
      shell: { choose: async () => null, saveAs: async () => null, printToPdf: async () => Buffer.alloc(0) },
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
  closeLedgers();
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const settled = async (jobId: string) => {
  await jobs.settled(jobId);
  return states.filter((s) => s.jobId === jobId).at(-1)!;
};
const refOf = (img: { repository: string; tags: string[] }) =>
  `${source.host}/${img.repository}:${img.tags[0]}`;

describe('image signatures in the app', () => {
  it('verify answers each image with its signature verdict', async () => {
    const { jobId } = await call('job:verify', {
      folders: [bundle],
      imageSignatures: { keyFiles: [vendor.publicKeyFile] },
    });
    const end = await settled(jobId);
    expect(end.status).toBe('succeeded');
    const result = (end.outcome as { value: VerifyResult }).value;
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([]);
    const of = (img: { repository: string; tags: string[] }) =>
      result.images.find((i) => i.source === refOf(img))?.signature;
    expect(of(seed.app)).toMatchObject({ status: 'signed', via: vendor.publicKeyFile, keyless: false });
    expect(of(seed.tool)).toMatchObject({ status: 'unsigned' });
    expect(of(seed.appIndex)).toMatchObject({ status: 'invalid' });
  });

  it('push refuses the images whose signature fails and says why', async () => {
    const { jobId } = await call('job:push', {
      folders: [bundle],
      target: { registry: `${target.host}/mirror`, insecure: true, tlsSkipVerify: false },
      dryRun: false,
      imageSignatures: { keyFiles: [vendor.publicKeyFile] },
    });
    const end = await settled(jobId);
    const result = (end.outcome as { value: PushResult } | undefined)?.value;
    expect(result?.images.find((i) => i.source === refOf(seed.app))).toMatchObject({
      status: 'pushed',
      signature: { status: 'signed' },
    });
    expect(result?.images.find((i) => i.source === refOf(seed.tool))).toMatchObject({
      status: 'refused',
      signature: { status: 'unsigned' },
    });
  });

  it('refuses a request with both keys and a policy, in one line', async () => {
    const { jobId } = await call('job:verify', {
      folders: [bundle],
      imageSignatures: { keyFiles: [vendor.publicKeyFile], policyFile: join(work, 'p.yaml') },
    });
    const end = await settled(jobId);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'FERRY_ERR_USAGE' } });
    expect(end.error?.message).toMatch(/^give --key or --policy, not both/);
  });
});
