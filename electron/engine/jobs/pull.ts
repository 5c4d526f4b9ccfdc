// The connected side's job: resolve the requested images, lay the bundle out, copy every blob from
// the registries into the archives (cut into chunks), write the transfer manifest. Killed at any
// moment, the same command resumes from the saved plan and the logs of completed blobs and parts.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEventListener } from '../../../shared/jobs.ts';
import {
  TRANSFER_MANIFEST,
  FORMAT_VERSION,
  writeTransferManifest,
  type TransferManifest,
} from '../bundle/transfer-manifest.ts';
import { copyPlan } from '../copy/copy.ts';
import type { CopyPlan, ImageGraph, ImageRequest } from '../copy/image-graph.ts';
import { resolveImage } from '../copy/resolve.ts';
import { BundleNotEmptyError, UsageError } from '../errors.ts';
import { BundleWriterStore, type Placement } from '../store/bundle-writer-store.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';
import { ferryVersion } from '../version.ts';
import { createLimiter } from '../util/limit.ts';
import { deserializePlan, serializePlan } from './plan-file.ts';
import { ProgressMeter } from './progress-meter.ts';

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
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

const STATE_DIR = '.ferry-pull';
const ownFile = /^(.+\.tar(\.\d{4,}\.chunk)?(\.tmp|\.gostsum)?|ferry-manifest\.json(\.tmp)?)$/;

function fingerprint(options: PullOptions): string {
  const what = {
    images: options.images,
    chunkSize: options.chunkSize ?? null,
    signatures: options.signatures !== false,
    placement: options.placement ? 'custom' : 'default',
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

interface SavedState {
  fingerprint: string;
  transferId: string;
  createdAt: string;
  plan: unknown;
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

export async function pull(options: PullOptions): Promise<TransferManifest> {
  if (options.images.length === 0)
    throw new UsageError('nothing to pull: pass --image <ref> or --images-file <file>');
  if (options.chunkSize !== undefined && options.chunkSize < MIN_CHUNK_SIZE) {
    throw new UsageError(
      `chunk size ${options.chunkSize} bytes is under the 1 MiB minimum: use e.g. --chunk-size 700MiB`,
    );
  }
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
  let writer: BundleWriterStore | undefined;
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
      state = {
        fingerprint: fp,
        transferId: randomUUID(),
        createdAt: new Date().toISOString(),
        plan: serializePlan(plan),
      };
      await writeFile(`${statePath}.tmp`, JSON.stringify(state));
      await rename(`${statePath}.tmp`, statePath);
    }

    const bundle = new BundleWriterStore(dir, {
      stateDir,
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...(options.placement ? { placement: options.placement } : {}),
    });
    writer = bundle;
    await bundle.prepare(plan);

    const meter = new ProgressMeter(plan, emit);
    emit({
      type: 'phase',
      phase: 'copy',
      message: `copying ${meter.blobCount} blob(s), ${meter.bytesTotal} bytes`,
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

    const { copied, present, copiedBytes } = meter.blobs;
    emit({
      type: 'log',
      level: 'info',
      message: `downloaded ${copied} blob(s), ${copiedBytes} bytes${present ? `; ${present} already in the bundle from an interrupted run` : ''}`,
    });
    emit({ type: 'phase', phase: 'seal', message: 'sealing archives' });
    const sealed = await bundle.finish();
    const manifest: TransferManifest = {
      format: 'ferry-bundle',
      formatVersion: FORMAT_VERSION,
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
    };
    await writeTransferManifest(dir, manifest);
    await bundle.discardState();
    return manifest;
  } finally {
    // Closing the part files on failure too: a full disk must be freeable (and unmountable) at once.
    await writer?.close();
    await transport.close();
  }
}
