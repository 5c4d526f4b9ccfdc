// The one copy both directions use: pull is copy(registry → bundle), push is copy(bundle → registry).
// Blobs first (parallel, each digest once: uploaded to one repository, mounted into the others),
// then each image's manifests, children before the index and the tag. A failed blob fails only the
// images that need it; what failed is reported, never silently dropped.
//
// Every blob is verified here, once, as it leaves the source (go-containerregistry's
// verify.ReadCloser, regclient's BReader): the sink receives a stream that fails — before it ends —
// if the bytes do not match the descriptor's digest and size, so no sink commits a damaged blob.
import type { Readable } from 'node:stream';
import { CancelledError, toFerryError, type FerryError } from '../errors.ts';
import { DigestVerifier } from '../oci/digest.ts';
import type { Descriptor } from '../oci/types.ts';
import { hasBlobOrder, type BlobSink, type BlobSource } from '../store/store.ts';
import { eachAtMost } from '../util/each-at-most.ts';
import { allBlobs, type CopyPlan, type ImageGraph } from '../plan/image-graph.ts';

/**
 * Transfers at once per registry, and connections to it (pull and push open one per transfer).
 * 16, not 8: on a WAN link each request waits a round trip, and 8 connections left a 50 ms,
 * 200 Mbit/s link mostly idle; on loopback 16 costs nothing measurable on two cores.
 */
export const defaultConcurrency = 16;

export interface CopyProgress {
  /** Bytes streamed from the source so far. */
  onBytes?(n: number): void;
  /** A blob is in the destination. One already present or mounted streamed nothing: the listener
   *  counts its size here, once (a resumed pull's meter has counted those before the copy began). */
  onBlobDone?(digest: string, size: number, how: 'copied' | 'present' | 'mounted'): void;
  onImageDone?(image: ImageGraph, error?: FerryError): void;
}

export interface CopyOptions {
  concurrency?: number;
  signal?: AbortSignal;
  progress?: CopyProgress;
  /** Stop at the first failure (pull) instead of copying every image that can be copied (push). */
  failFast?: boolean;
}

export interface CopyResult {
  copied: ImageGraph[];
  failed: Array<{ image: ImageGraph; error: FerryError }>;
}

/** Errors that doom every remaining transfer: no point trying other images. */
function isGlobal(err: FerryError): boolean {
  return [
    'FERRY_ERR_AUTH',
    'FERRY_ERR_TLS',
    'FERRY_ERR_UNREACHABLE',
    'FERRY_ERR_DISK_FULL',
    'FERRY_ERR_CANCELLED',
  ].includes(err.code);
}

/** The entries in a store's order (see BlobOrder), then any it does not list. */
function* inStoreOrder<T>(entries: Map<string, T>, order: Iterable<string>): Generator<T> {
  const left = new Map(entries);
  for (const digest of order) {
    const entry = left.get(digest);
    if (entry === undefined) continue;
    left.delete(digest);
    yield entry;
  }
  yield* left.values();
}

/** The blob's bytes from the source, checked against the descriptor on the way through. */
async function verifiedBlob(
  src: BlobSource,
  repository: string,
  blob: Descriptor,
  onBytes: (n: number) => void,
  signal: AbortSignal | undefined,
): Promise<Readable> {
  const { stream } = await src.getBlob(repository, blob.digest, signal ? { signal } : {});
  const verifier = new DigestVerifier(blob, `blob ${blob.digest} from ${src.name}/${repository}`);
  stream.on('data', (chunk: Buffer) => onBytes(chunk.length));
  stream.once('error', (err) => verifier.destroy(err));
  // The sink meets a failure through its own reads; this only keeps one raised before its first
  // read (or after it stopped reading) from being an unhandled 'error' event.
  verifier.on('error', () => {});
  verifier.once('close', () => {
    if (!stream.destroyed) stream.destroy();
  });
  return stream.pipe(verifier);
}

export async function copyPlan(
  src: BlobSource,
  dst: BlobSink,
  plan: CopyPlan,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const { signal, progress } = options;
  const concurrency = options.concurrency ?? defaultConcurrency;
  const checkCancel = () => {
    if (signal?.aborted) throw new CancelledError();
  };

  // digest → blob, source repository, destination repositories that need it.
  const blobs = new Map<string, { blob: Descriptor; from: string; to: string[] }>();
  for (const image of plan.images) {
    for (const blob of allBlobs(image)) {
      const entry = blobs.get(blob.digest) ?? { blob, from: image.request.source.repository, to: [] };
      if (!entry.to.includes(image.request.target.repository)) entry.to.push(image.request.target.repository);
      blobs.set(blob.digest, entry);
    }
  }

  const blobErrors = new Map<string, FerryError>();
  // Set from inside the parallel tasks; an object so the type checker does not narrow it away.
  const stop: { fatal?: FerryError } = {};
  const throwIfFatal = () => {
    if (stop.fatal) throw stop.fatal;
  };
  const fail = (digest: string, err: unknown) => {
    const e = toFerryError(err);
    blobErrors.set(digest, e);
    if (options.failFast || isGlobal(e)) stop.fatal ??= e;
  };

  // The sink's order first: it is the one that seals parts as they fill.
  const order = hasBlobOrder(dst) ? dst.blobOrder() : hasBlobOrder(src) ? src.blobOrder() : undefined;
  const inOrder = order ? inStoreOrder(blobs, order) : blobs.values();
  await eachAtMost(inOrder, concurrency, async ({ blob, from, to }) => {
    if (stop.fatal) return;
    try {
      checkCancel();
      let how: 'copied' | 'present' | 'mounted' = 'present';
      let holder: string | undefined;
      for (const repo of to) {
        if (await dst.hasBlob(repo, blob.digest, signal)) {
          holder ??= repo;
          continue;
        }
        if (holder && (await dst.mountBlob(repo, blob.digest, holder, signal))) {
          how = how === 'present' ? 'mounted' : how;
          continue;
        }
        const stream = await verifiedBlob(src, from, blob, (n) => progress?.onBytes?.(n), signal);
        try {
          await dst.putBlob(repo, blob, stream, signal);
        } finally {
          if (!stream.destroyed) stream.destroy();
        }
        holder ??= repo;
        how = 'copied';
      }
      progress?.onBlobDone?.(blob.digest, blob.size, how);
    } catch (err) {
      fail(blob.digest, err);
    }
  });
  throwIfFatal();
  checkCancel();

  const result: CopyResult = { copied: [], failed: [] };
  await eachAtMost(plan.images, concurrency, async (image) => {
    const broken = allBlobs(image).find((b) => blobErrors.has(b.digest));
    if (broken) {
      const error = blobErrors.get(broken.digest)!;
      result.failed.push({ image, error });
      progress?.onImageDone?.(image, error);
      return;
    }
    try {
      await putManifests(dst, image, signal);
      result.copied.push(image);
      progress?.onImageDone?.(image);
    } catch (err) {
      const error = toFerryError(err);
      if (options.failFast || isGlobal(error)) stop.fatal ??= error;
      result.failed.push({ image, error });
      progress?.onImageDone?.(image, error);
    }
  });
  throwIfFatal();
  return result;
}

/** Children before parents, then the tag; artifacts after the image they are about. */
async function putManifests(dst: BlobSink, image: ImageGraph, signal?: AbortSignal): Promise<void> {
  const repo = image.request.target.repository;
  for (const m of image.manifests) {
    if (m.digest === image.root.digest) continue;
    await dst.putManifest(repo, m.digest, m, signal);
  }
  await dst.putManifest(repo, image.request.target.tag ?? image.root.digest, image.root, signal);
  for (const a of image.artifacts) {
    for (const m of a.manifests)
      if (m.digest !== a.root.digest) await dst.putManifest(repo, m.digest, m, signal);
    await dst.putManifest(repo, a.tag ?? a.root.digest, a.root, signal);
  }
}
