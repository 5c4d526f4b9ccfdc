// The connected side's job: resolve the requested images, lay the bundle out, copy every blob from
// the registries into the archives (cut into chunks), write the transfer manifest. Killed at any
// moment, the same command resumes from the saved plan and the logs of completed blobs and parts.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEventListener } from '../../../shared/jobs.ts';
import {
  TRANSFER_MANIFEST,
  FORMAT_VERSION,
  INCREMENTAL_FORMAT_VERSION,
  writeTransferManifest,
  type TransferManifest,
} from '../bundle/transfer-manifest.ts';
import type { OmittedBlob } from '../plan/omitted-blob.ts';
import type { SkippedItem } from '../bundle/transfer-manifest.ts';
import { copyPlan } from '../copy/copy.ts';
import type { CopyPlan, ImageGraph, ImageRequest } from '../plan/image-graph.ts';
import { resolveImage } from '../copy/resolve.ts';
import { BundleNotEmptyError, UsageError } from '../errors.ts';
import { BundleSink, type Placement, type SealedBundle } from '../bundle/bundle-sink.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { closeIfOpen, type BlobSink, type PlannedSink } from '../store/store.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';
import { ferryVersion } from '../version.ts';
import { createLimiter } from '../util/limit.ts';
import { blobsInTarget } from '../ledger/receipts.ts';
import { OperationRecorder } from '../ledger/recorder.ts';
import type { Station } from '../ledger/station.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import { signManifest, type SignatureFile } from '../signing/manifest-signature.ts';
import { formatBytes } from '../../../shared/format.ts';
import { blobsToLeaveOut } from './incremental.ts';
import { deserializePlan, serializePlan } from './plan-file.ts';
import { ProgressMeter } from './progress-meter.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';

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
  /** What the plan left out (Deckhouse: where d8 skips and warns); recorded in the manifest. */
  skipped?: SkippedItem[];
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

const STATE_DIR = '.ferry-pull';
const ownFile = /^(.+\.tar(\.\d{4,}\.chunk)?(\.tmp|\.gostsum)?|ferry-manifest(\.sig)?\.json(\.tmp)?)$/;

function fingerprint(options: PullOptions): string {
  const what = {
    images: options.images,
    chunkSize: options.chunkSize ?? null,
    signatures: options.signatures !== false,
    placement: options.placement ? 'custom' : 'default',
    incremental: options.incremental ? (options.incrementalTarget ?? 'any') : false,
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

interface SavedState {
  fingerprint: string;
  transferId: string;
  createdAt: string;
  plan: unknown;
  /** Blobs an incremental pull leaves out, decided once with the plan (a resume keeps them). */
  omitted?: OmittedBlob[];
}

/** Refuses a folder holding anything but Ferry's own resumable work, unless --force. */
async function prepareFolder(dir: string, stateDir: string, force: boolean, resume: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = (await readdir(dir)).filter((n) => n !== STATE_DIR);
  const foreign = entries.filter((n) => !ownFile.test(n));
  const finished = entries.includes(TRANSFER_MANIFEST);
  if (!force && (foreign.length > 0 || finished)) {
    throw new BundleNotEmptyError(
      `${dir} is not empty (${finished ? 'it holds a finished bundle' : `it holds ${foreign[0]}`}): choose an empty folder or pass --force to overwrite`,
    );
  }
  if (force || !resume) {
    await rm(stateDir, { recursive: true, force: true });
    for (const n of entries.filter((e) => ownFile.test(e))) await rm(join(dir, n), { force: true });
  }
}

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
}

/** Pulls into a bundle; with a station, signs the manifest and records the pull in its ledger. */
export async function pull(options: PullOptions): Promise<TransferManifest> {
  checkOptions(options);
  const station = options.station;
  if (!station) {
    if (options.incremental)
      throw new UsageError("--incremental needs the station's ledger and its receipts");
    return pullBundle(options, {});
  }
  const target = options.incrementalTarget ? parseRepositoryPath(options.incrementalTarget) : undefined;
  const inTarget = options.incremental ? blobsInTarget(station, target) : undefined;
  const recorder = OperationRecorder.begin(station, {
    direction: 'pull',
    bundleDir: options.bundleDir,
    sources: [...new Set(options.images.map((i) => i.source.registry))],
    requested: options.images.map((i) => i.sourceText),
    options: {
      chunkSize: options.chunkSize ?? null,
      signatures: options.signatures !== false,
      incremental: inTarget ? { registry: inTarget.registry, receipts: inTarget.receipts } : false,
    },
  });
  let manifest: TransferManifest;
  let signature: SignatureFile;
  try {
    manifest = await pullBundle(options, {
      onTransferId: (id) => (recorder.transferId = id),
      ...(inTarget ? { inTarget: inTarget.blobs } : {}),
    });
    signature = await signManifest(options.bundleDir, station.key);
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
}

async function pullBundle(options: PullOptions, hooks: PullHooks): Promise<TransferManifest> {
  const emit = options.onEvent ?? (() => {});
  const dir = options.bundleDir;
  const stateDir = options.tmpDir ? join(options.tmpDir, STATE_DIR) : join(dir, STATE_DIR);
  const resume = options.resume !== false;
  await prepareFolder(dir, stateDir, options.force === true, resume);
  await mkdir(stateDir, { recursive: true });

  const transport = createTransport(options.transport);
  const stores = new Map<string, RegistryStore>();
  const storeFor = (registry: string) => {
    let s = stores.get(registry);
    if (!s) stores.set(registry, (s = new RegistryStore(registry, transport)));
    return s;
  };
  let writer: (BlobSink & PlannedSink<SealedBundle>) | undefined;
  try {
    const fp = fingerprint(options);
    const statePath = join(stateDir, 'plan.json');
    const saved = await readFile(statePath, 'utf8').then(
      (t) => JSON.parse(t) as SavedState,
      () => undefined,
    );
    let state: SavedState;
    let plan: CopyPlan;
    if (saved && saved.fingerprint === fp) {
      state = saved;
      plan = deserializePlan(saved.plan);
      emit({ type: 'phase', phase: 'plan', message: `resuming transfer ${saved.transferId}` });
    } else {
      if (saved) {
        // Another pull was interrupted here: its partial files do not belong to this one.
        await prepareFolder(dir, stateDir, true, false);
        await mkdir(stateDir, { recursive: true });
      }
      emit({ type: 'phase', phase: 'plan', message: `resolving ${options.images.length} image(s)` });
      const limit = createLimiter(options.concurrency ?? 8);
      const images = await Promise.all(
        options.images.map((req) =>
          limit(() =>
            resolveImage(storeFor(req.source.registry), req, {
              signatures: options.signatures !== false,
              ...(options.signal ? { signal: options.signal } : {}),
            }),
          ),
        ),
      );
      plan = { images };
      const omitted = hooks.inTarget ? blobsToLeaveOut(plan, hooks.inTarget) : [];
      state = {
        fingerprint: fp,
        transferId: randomUUID(),
        createdAt: new Date().toISOString(),
        plan: serializePlan(plan),
        ...(omitted.length ? { omitted } : {}),
      };
      await writeFileAtomic(statePath, JSON.stringify(state));
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
    const byRegistry = new Map<string, ImageGraph[]>();
    for (const img of plan.images)
      byRegistry.set(img.request.source.registry, [
        ...(byRegistry.get(img.request.source.registry) ?? []),
        img,
      ]);
    for (const [registry, images] of byRegistry) {
      await copyPlan(
        storeFor(registry),
        bundle,
        { images },
        {
          concurrency: options.concurrency ?? 8,
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
    const manifest: TransferManifest = {
      format: 'ferry-bundle',
      formatVersion: omitted.length ? INCREMENTAL_FORMAT_VERSION : FORMAT_VERSION,
      transferId: state.transferId,
      createdAt: state.createdAt,
      tool: { name: 'ferry', version: ferryVersion },
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...sealed,
      totals: {
        images: sealed.images.length,
        blobs: new Set(sealed.blobs.map((b) => b.digest)).size,
        blobBytes: sealed.blobs.reduce((n, b) => n + b.size, 0),
        archiveBytes: sealed.archives.reduce((n, a) => n + a.size, 0),
        files: sealed.archives.reduce((n, a) => n + a.parts.length, 0),
      },
      ...(omitted.length ? { omitted } : {}),
      ...(options.skipped?.length ? { skipped: options.skipped } : {}),
    };
    await writeTransferManifest(dir, manifest);
    await bundle.discardState();
    return manifest;
  } finally {
    // Closing the part files on failure too: a full disk must be freeable (and unmountable) at once.
    await closeIfOpen(writer);
    await transport.close();
  }
}
