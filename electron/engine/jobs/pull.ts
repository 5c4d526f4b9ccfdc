// The connected side's job: resolve the requested images, lay the bundle out, copy every blob from
// the registries into the archives (cut into chunks), write the transfer manifest. Killed at any
// moment, the same command resumes from the saved plan and the logs of completed blobs and parts.
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEventListener } from '../../../shared/jobs.ts';
import {
  FORMAT_VERSION,
  INCREMENTAL_FORMAT_VERSION,
  CARRIED_FORMAT_VERSION,
  TRUST_FORMAT_VERSION,
  type CarriedTrustedRoot,
  bundleTotals,
  writeTransferManifest,
  type TransferManifest,
} from '../bundle/transfer-manifest.ts';
import type { OmittedBlob } from '../plan/omitted-blob.ts';
import type { SkippedItem } from '../bundle/transfer-manifest.ts';
import { copyPlan, defaultConcurrency } from '../copy/copy.ts';
import type { CopyPlan, ImageGraph, ImageRequest } from '../plan/image-graph.ts';
import { SignatureError, UsageError } from '../errors.ts';
import { policyRecord, type SignaturePolicy } from '../verify/signature-policy.ts';
import { BundleSink, type Placement, type SealedBundle } from '../bundle/bundle-sink.ts';
import { closeIfOpen, type BlobSink, type BlobSource, type PlannedSink } from '../store/store.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';
import { ferryVersion } from '../version.ts';
import { blobsInTarget } from '../ledger/receipts.ts';
import { OperationRecorder } from '../ledger/recorder.ts';
import type { Station } from '../ledger/station.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import { signManifest, type SignatureFile } from '../signing/manifest-signature.ts';
import { formatBytes } from '../../../shared/format.ts';
import { blobsToLeaveOut } from './incremental.ts';
import { deserializePlan, planFileText } from './plan-file.ts';
import { ProgressMeter, resolveCounter } from './progress-meter.ts';
import { registryStores, resolveRequests } from './resolve-requests.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';
import { carryFerry, type CarryPlan } from '../distribution/carry.ts';
import { platformLabel } from '../distribution/dist-manifest.ts';
import { lockFolder } from './folder-lock.ts';
import { makeFolder } from '../util/make-folder.ts';
import { uniqueRequests } from './image-list.ts';
import { finishedManifest, prepareFolder, STATE_DIR } from './pull-folder.ts';

export const MIN_CHUNK_SIZE = 1 << 20;

export interface PullOptions {
  bundleDir: string;
  images: ImageRequest[];
  chunkSize?: number;
  signatures?: boolean;
  transport: TransportOptions;
  concurrency?: number;
  /** Continue an interrupted pull of the same images (default true). */
  resume?: boolean;
  /** Write into a folder that holds other files (Ferry's own earlier output is replaced). */
  force?: boolean;
  /** Where resume state lives (default `<bundle>/.ferry-pull`). */
  tmpDir?: string;
  placement?: (image: ImageGraph) => Placement;
  /** Write a `.gostsum` (Streebog-256) beside every .tar and .chunk and record it in the manifest. */
  gostDigest?: boolean;
  /** The station whose ledger records the pull and whose key signs the manifest. */
  station?: Station;
  /** Leave out blobs that imported receipts prove the target registry holds (needs `station`). */
  incremental?: boolean;
  /** `registry[/path]`: use only receipts of pushes there. */
  incrementalTarget?: string;
  /** Ferry itself, to carry in the bundle (distribution/carry.ts planCarriedFerry). */
  carryFerry?: CarryPlan;
  /** What the plan left out (Deckhouse: where d8 skips and warns); recorded in the manifest. */
  skipped?: SkippedItem[];
  /** `--carry-trust`: the Sigstore trusted root to carry in the manifest (verify/carried-trust.ts). */
  trustedRoot?: CarriedTrustedRoot;
  /** `--policy`: carry only the images whose signatures the policy accepts (pull-signatures.ts). */
  signaturePolicy?: SignaturePolicy;
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

/** `--policy`: the images it accepts and those it refuses. Loaded only when asked: it brings the
 *  Sigstore libraries, which every other pull would load for nothing. */
async function screenedBy(
  policy: SignaturePolicy,
  images: ImageGraph[],
  storeFor: (registry: string) => BlobSource,
  trustedRoot: CarriedTrustedRoot | undefined,
) {
  const { screenSignatures } = await import('./pull-signatures.ts');
  return screenSignatures(images, storeFor, policy, trustedRoot);
}

function fingerprint(options: PullOptions): string {
  const what = {
    images: options.images,
    chunkSize: options.chunkSize ?? null,
    signatures: options.signatures !== false,
    placement: options.placement ? 'custom' : 'default',
    incremental: options.incremental ? (options.incrementalTarget ?? 'any') : false,
    // Only when given, so that states saved without them still resume.
    ...(options.signaturePolicy ? { policy: policyRecord(options.signaturePolicy) } : {}),
    ...(options.trustedRoot ? { trustedRoot: options.trustedRoot.sha256 } : {}),
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

interface SavedState {
  fingerprint: string;
  transferId: string;
  createdAt: string;
  /** In the file; not kept in memory once revived (for 10,000 images it is tens of MB). */
  plan?: unknown;
  /** Blobs an incremental pull leaves out, decided once with the plan (a resume keeps them). */
  omitted?: OmittedBlob[];
  /** `--policy`: images refused for their signatures, decided once with the plan. */
  refused?: SkippedItem[];
}

const stateDirOf = (options: PullOptions) =>
  options.tmpDir ? join(options.tmpDir, STATE_DIR) : join(options.bundleDir, STATE_DIR);

function checkOptions(options: PullOptions): void {
  if (options.images.length === 0)
    throw new UsageError('nothing to pull: pass --image <ref> or --images-file <file>');
  if (options.chunkSize !== undefined && options.chunkSize < MIN_CHUNK_SIZE) {
    throw new UsageError(
      `chunk size ${options.chunkSize} bytes is under the 1 MiB minimum: use e.g. --chunk-size 700MiB`,
    );
  }
}

interface PullHooks {
  onTransferId?(id: string): void;
  /** Incremental: blobs the target registry holds, per imported receipts. */
  inTarget?: Map<string, OmittedBlob>;
  /** The key that signs the manifest, named in it. */
  stationFingerprint?: string;
}

/** Pulls into a bundle; with a station, signs the manifest and records the pull in its ledger. */
export async function pull(given: PullOptions): Promise<TransferManifest> {
  const options = { ...given, images: uniqueRequests(given.images) };
  checkOptions(options);
  const station = options.station;
  if (!station) {
    if (options.incremental)
      throw new UsageError("--incremental needs the station's ledger and its receipts");
    return locked(options, () => pullBundle(options, {}));
  }
  const target = options.incrementalTarget ? parseRepositoryPath(options.incrementalTarget) : undefined;
  const inTarget = options.incremental ? blobsInTarget(station, target) : undefined;
  // The ledger first: a damaged one stops the job before the bundle folder is even made.
  const recorder = OperationRecorder.begin(station, {
    direction: 'pull',
    bundleDir: options.bundleDir,
    sources: [...new Set(options.images.map((i) => i.source.registry))],
    requested: options.images.map((i) => i.sourceText),
    options: {
      chunkSize: options.chunkSize ?? null,
      signatures: options.signatures !== false,
      incremental: inTarget ? { registry: inTarget.registry, receipts: inTarget.receipts } : false,
      ...(options.signaturePolicy ? policyRecord(options.signaturePolicy) : {}),
      ...(options.trustedRoot ? { trustedRoot: `sha256:${options.trustedRoot.sha256}` } : {}),
    },
  });
  // The key in force as the pull starts names and signs its manifest, even if it is rotated meanwhile.
  const key = station.key;
  return locked(options, async () => {
    let manifest: TransferManifest;
    let signature: SignatureFile;
    try {
      manifest = await pullBundle(options, {
        stationFingerprint: key.fingerprint,
        onTransferId: (id) => recorder.workingOn(id),
        ...(inTarget ? { inTarget: inTarget.blobs } : {}),
      });
      if (manifest.station && manifest.station.fingerprint !== key.fingerprint)
        throw new UsageError(
          `${options.bundleDir} was pulled under the station key ${manifest.station.fingerprint}, which was rotated since: pull it again with --force`,
        );
      signature = await signManifest(options.bundleDir, key);
    } catch (err) {
      recorder.recordFailure(err);
      throw err;
    }
    recorder.pulled(manifest, {
      status: 'signed',
      fingerprint: signature.fingerprint,
      publicKey: signature.publicKey,
      signedAt: signature.signedAt,
    });
    return manifest;
  }).catch((err: unknown) => {
    // A folder in use by another pull is an outcome too (recording twice is a no-op).
    recorder.recordFailure(err);
    throw err;
  });
}

/** Runs the job holding the folder's lock; its resume state goes only once the job is done. */
async function locked(options: PullOptions, job: () => Promise<TransferManifest>): Promise<TransferManifest> {
  await makeFolder(options.bundleDir, 'bundle folder');
  const lock = await lockFolder(options.bundleDir);
  try {
    const manifest = await job();
    // Last: until the pull is signed and recorded, a rerun finds the state and finishes the job.
    await rm(stateDirOf(options), { recursive: true, force: true });
    return manifest;
  } finally {
    await lock.release();
  }
}

async function pullBundle(options: PullOptions, hooks: PullHooks): Promise<TransferManifest> {
  const emit = options.onEvent ?? (() => {});
  const dir = options.bundleDir;
  const stateDir = stateDirOf(options);
  const resume = options.resume !== false;
  const force = options.force === true;
  const fp = fingerprint(options);
  const statePath = join(stateDir, 'plan.json');
  const saved = await readFile(statePath, 'utf8').then(
    (t) => JSON.parse(t) as SavedState,
    () => undefined,
  );
  // Stopped after the transfer manifest was written: the bundle is whole, only signing and
  // recording are left, and the state kept until then says it is this pull's bundle.
  const written = resume && !force && saved?.fingerprint === fp ? await finishedManifest(dir) : undefined;
  if (written && written.transferId === saved?.transferId) {
    await prepareFolder(dir, stateDir, { force, resume, finishing: true });
    hooks.onTransferId?.(written.transferId);
    emit({
      type: 'phase',
      phase: 'seal',
      message: `finishing transfer ${written.transferId}: the bundle is complete`,
    });
    return written;
  }
  await prepareFolder(dir, stateDir, { force, resume, finishing: false });

  const concurrency = options.concurrency ?? defaultConcurrency;
  // As many connections as transfers run at once (undici's pool would queue the rest).
  const transport = createTransport({ maxConnectionsPerHost: concurrency, ...options.transport });
  const storeFor = registryStores(transport);
  let writer: (BlobSink & PlannedSink<SealedBundle>) | undefined;
  try {
    let state: SavedState;
    let plan: CopyPlan;
    if (saved && saved.fingerprint === fp && !force && resume) {
      plan = deserializePlan(saved.plan);
      delete saved.plan;
      state = saved;
      emit({ type: 'phase', phase: 'plan', message: `resuming transfer ${saved.transferId}` });
    } else {
      if (saved) {
        // Another pull was interrupted here: its partial files do not belong to this one.
        await prepareFolder(dir, stateDir, { force: true, resume: false, finishing: false });
      }
      emit({ type: 'phase', phase: 'plan', message: `resolving ${options.images.length} image(s)` });
      const images = await resolveRequests(options.images, storeFor, {
        signatures: options.signatures !== false,
        concurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        onResolved: resolveCounter(options.images.length, emit),
      });
      const screened = options.signaturePolicy
        ? await screenedBy(options.signaturePolicy, images, storeFor, options.trustedRoot)
        : { accepted: images, refused: [] };
      for (const r of screened.refused)
        emit({ type: 'log', level: 'warn', message: `refused ${r.item}: ${r.reason}` });
      if (screened.accepted.length === 0) {
        throw new SignatureError(
          `every image was refused by ${options.signaturePolicy?.source ?? 'the policy'}: nothing to carry`,
          { details: { refused: screened.refused } },
        );
      }
      plan = { images: screened.accepted };
      const omitted = hooks.inTarget ? blobsToLeaveOut(plan, hooks.inTarget) : [];
      state = {
        fingerprint: fp,
        transferId: randomUUID(),
        createdAt: new Date().toISOString(),
        ...(omitted.length ? { omitted } : {}),
        ...(screened.refused.length ? { refused: screened.refused } : {}),
      };
      await writeFileAtomic(statePath, planFileText(state, plan));
    }

    hooks.onTransferId?.(state.transferId);
    const omitted = state.omitted ?? [];
    const omittedBytes = omitted.reduce((n, o) => n + o.size, 0);
    if (hooks.inTarget) {
      emit({
        type: 'log',
        level: 'info',
        message: `incremental: leaving out ${omitted.length} blob(s), ${formatBytes(omittedBytes)} that ${omitted[0]?.registry ?? 'the target'} already holds (per imported receipts)`,
      });
    }
    const bundle: BlobSink & PlannedSink<SealedBundle> = new BundleSink(dir, {
      stateDir,
      ...(omitted.length ? { leaveOut: new Set(omitted.map((o) => o.digest)) } : {}),
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...(options.placement ? { placement: options.placement } : {}),
      ...(options.gostDigest ? { gostDigest: true } : {}),
    });
    writer = bundle;
    await bundle.prepare(plan);

    const meter = new ProgressMeter(plan, emit);
    emit({
      type: 'phase',
      phase: 'copy',
      message: `copying ${meter.blobCount - omitted.length} blob(s), ${formatBytes(meter.bytesTotal - omittedBytes)}`,
    });
    // A resumed pull's progress starts from what the interrupted run finished, not from 0.
    await meter.startFrom((digest) => bundle.hasBlob('', digest));
    const byRegistry = new Map<string, ImageGraph[]>();
    for (const img of plan.images) {
      const registry = img.request.source.registry;
      byRegistry.set(registry, byRegistry.get(registry) ?? []);
      byRegistry.get(registry)!.push(img);
    }
    for (const [registry, images] of byRegistry) {
      await copyPlan(
        storeFor(registry),
        bundle,
        { images },
        {
          concurrency,
          failFast: true,
          ...(options.signal ? { signal: options.signal } : {}),
          progress: meter.copyProgress(),
        },
      );
    }

    const { copied, copiedBytes } = meter.blobs;
    const present = meter.blobs.present - omitted.length;
    emit({
      type: 'log',
      level: 'info',
      message: `downloaded ${copied} blob(s), ${formatBytes(copiedBytes)}${present ? `; ${present} already in the bundle from an interrupted run` : ''}`,
    });
    emit({ type: 'phase', phase: 'seal', message: 'sealing archives' });
    const sealed = await bundle.finish();
    if (options.carryFerry) {
      const platforms = options.carryFerry.sources.map((s) => platformLabel(s.platform)).join(', ');
      emit({ type: 'log', level: 'info', message: `carrying Ferry for ${platforms}` });
    }
    const carried = options.carryFerry ? await carryFerry(dir, options.carryFerry) : undefined;
    const skipped = [...(options.skipped ?? []), ...(state.refused ?? [])];
    const manifest: TransferManifest = {
      format: 'ferry-bundle',
      formatVersion: options.trustedRoot
        ? TRUST_FORMAT_VERSION
        : carried
          ? CARRIED_FORMAT_VERSION
          : omitted.length
            ? INCREMENTAL_FORMAT_VERSION
            : FORMAT_VERSION,
      transferId: state.transferId,
      createdAt: state.createdAt,
      tool: { name: 'ferry', version: ferryVersion },
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...sealed,
      totals: bundleTotals(sealed),
      ...(omitted.length ? { omitted } : {}),
      ...(carried ? { carriedFerry: carried } : {}),
      ...(skipped.length ? { skipped } : {}),
      // Signed with the manifest: names the key a signature of this bundle must be by.
      ...(hooks.stationFingerprint ? { station: { fingerprint: hooks.stationFingerprint } } : {}),
      ...(options.trustedRoot ? { trustedRoot: options.trustedRoot } : {}),
    };
    await writeTransferManifest(dir, manifest);
    return manifest;
  } finally {
    // Closing the part files on failure too: a full disk must be freeable (and unmountable) at once.
    await closeIfOpen(writer);
    await transport.close();
  }
}
