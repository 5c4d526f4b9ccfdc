// What a copy reads from and what it writes to, as small interfaces in the manner of
// go-containerregistry (reads apart from writes) and regclient (optional capabilities found by a
// type guard):
// - BlobSource: manifests, blobs, tags, referrers. The registry (registry-store.ts) and a bundle
//   opened for push (bundle/bundle-source.ts).
// - BlobSink: blobs and manifests stored. The registry, and a bundle being pulled into
//   (bundle/bundle-sink.ts).
// - PlannedSink, BlobOrder, Closer: what some sinks and sources need besides (learn the whole plan
//   first, seal at the end; an order to move blobs in; release files).
// Pull is copy(registry → bundle sink); push is copy(bundle source → registry). Bytes are checked
// once, in the copy, as they leave the source (copy/copy.ts): a sink trusts the stream it is given
// to fail on a digest or size mismatch before it ends.
import type { Readable } from 'node:stream';
import type { Descriptor, RawManifest } from '../oci/types.ts';
import type { CopyPlan } from '../plan/image-graph.ts';

export interface BlobStream {
  stream: Readable;
  /** Total size of the blob (not of the remaining range). */
  size: number;
}

export interface GetBlobOptions {
  /** Start at this byte (HTTP Range); the stream yields bytes from here on. */
  offset?: number;
  signal?: AbortSignal;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** Where images are read from. */
export interface BlobSource {
  /** Human-readable name for messages (registry host, bundle folder). */
  readonly name: string;
  /** Manifest or index by tag or digest, bytes exactly as stored. NotFoundError when absent. */
  getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<RawManifest>;
  /** Digest, media type and size of a manifest, or undefined when absent. */
  headManifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<ManifestHead | undefined>;
  /** The blob's bytes as stored; unchecked (the copy verifies them). */
  getBlob(repository: string, digest: string, options?: GetBlobOptions): Promise<BlobStream>;
  listTags(repository: string, signal?: AbortSignal): Promise<string[]>;
  /** Referrers of a manifest: the OCI 1.1 referrers API, else the tag-schema fallback (`sha256-<hex>`).
   *  `knownTags`, when the caller has listed the repository's tags: a fallback tag not among them is
   *  not asked for (it would be a 404). */
  referrers(
    repository: string,
    digest: string,
    signal?: AbortSignal,
    knownTags?: ReadonlySet<string>,
  ): Promise<Descriptor[]>;
}

/** Where images are written to. */
export interface BlobSink {
  /** Human-readable name for messages (registry host, bundle folder). */
  readonly name: string;
  hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean>;
  /** Stores a blob the sink lacks (callers ask hasBlob first). The stream fails if its bytes do not
   *  match the descriptor; a sink commits nothing from a stream that failed. */
  putBlob(repository: string, descriptor: Descriptor, stream: Readable, signal?: AbortSignal): Promise<void>;
  /** Cross-repository mount; false when the sink could not mount (caller uploads instead). */
  mountBlob(
    repository: string,
    digest: string,
    fromRepository: string,
    signal?: AbortSignal,
  ): Promise<boolean>;
  /** Stores manifest bytes unchanged under a tag or its digest. */
  putManifest(
    repository: string,
    reference: string,
    manifest: RawManifest,
    signal?: AbortSignal,
  ): Promise<void>;
}

/** A sink that must see the whole plan before any blob arrives, and seals what it wrote at the end. */
export interface PlannedSink<Sealed> {
  prepare(plan: CopyPlan): Promise<void>;
  /** Every planned blob arrived: seal, and say what was written. */
  finish(): Promise<Sealed>;
  /** Drops resume state once the caller has recorded the result. */
  discardState(): Promise<void>;
}

/**
 * A store whose blobs lie in an order on disk (a bundle's archives). A copy moves blobs in that
 * order: a bundle being written then fills, hashes and seals one part after another (in the order
 * of the plan, every part stayed open until nearly the end), and one being read is read front to back.
 */
export interface BlobOrder {
  /** Digests in the order their bytes lie (or will lie) on disk. */
  blobOrder(): Iterable<string>;
}

export function hasBlobOrder(value: unknown): value is BlobOrder {
  return typeof (value as Partial<BlobOrder> | undefined)?.blobOrder === 'function';
}

/** A source or sink holding files or connections open. */
export interface Closer {
  /** Safe to call twice. */
  close(): Promise<void>;
}

export function isCloser(value: unknown): value is Closer {
  return typeof (value as Partial<Closer> | undefined)?.close === 'function';
}

/** Closes a source or sink when it holds something open; nothing otherwise. */
export async function closeIfOpen(value: BlobSource | BlobSink | undefined): Promise<void> {
  if (isCloser(value)) await value.close();
}
