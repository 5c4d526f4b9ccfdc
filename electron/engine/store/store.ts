// ONE storage interface with two implementations: a registry (registry-store.ts) and a bundle
// (bundle-store.ts). Pull is copy(registry → bundle); push is copy(bundle → registry).
import type { Readable } from 'node:stream';
import type { Descriptor, RawManifest } from '../oci/types.ts';

export interface BlobStream {
  stream: Readable;
  /** Total size of the blob (not of the remaining range). */
  size: number;
}

export interface GetBlobOptions {
  /** Resume from this byte (HTTP Range); the stream yields bytes from here on. */
  offset?: number;
  signal?: AbortSignal;
}

export interface Store {
  readonly kind: 'registry' | 'bundle';
  /** Human-readable name for messages (registry host, bundle folder). */
  readonly name: string;

  /** Manifest or index by tag or digest, bytes exactly as stored. NotFoundError when absent. */
  getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<RawManifest>;
  /** Digest, media type and size of a manifest, or undefined when absent. */
  headManifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined>;
  /** Store manifest bytes unchanged under a tag or its digest. */
  putManifest(
    repository: string,
    reference: string,
    manifest: RawManifest,
    signal?: AbortSignal,
  ): Promise<void>;

  /** True when the blob is present. */
  hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean>;
  getBlob(repository: string, digest: string, options?: GetBlobOptions): Promise<BlobStream>;
  /** Store a blob (callers ask hasBlob first); the digest is checked while the bytes stream (DigestMismatchError). */
  putBlob(repository: string, descriptor: Descriptor, stream: Readable, signal?: AbortSignal): Promise<void>;
  /** Cross-repository mount; false when the store could not mount (caller uploads instead). */
  mountBlob(
    repository: string,
    digest: string,
    fromRepository: string,
    signal?: AbortSignal,
  ): Promise<boolean>;

  listTags(repository: string, signal?: AbortSignal): Promise<string[]>;
  /** Referrers of a manifest: the OCI 1.1 referrers API, else the tag-schema fallback (`sha256-<hex>`). */
  referrers(repository: string, digest: string, signal?: AbortSignal): Promise<Descriptor[]>;
}
