// Pushing an incremental bundle: the blobs an incremental pull left out are not in the bundle, but
// receipts said the target registry holds them. This decorates the target sink so that "is the blob
// there?" also mounts such a blob from the repository the receipt names into the one being pushed —
// a cross-repository mount, no bytes sent. If the registry no longer holds it, the images needing it
// fail with a message that says so, instead of "not in the bundle".
import type { Readable } from 'node:stream';
import { NotFoundError } from '../errors.ts';
import type { OmittedBlob } from '../plan/omitted-blob.ts';
import type { Descriptor, RawManifest } from '../oci/types.ts';
import type { BlobSink } from './store.ts';

export class OmittedBlobMounter implements BlobSink {
  readonly name: string;
  readonly #inner: BlobSink;
  readonly #omitted: Map<string, OmittedBlob>;

  constructor(inner: BlobSink, omitted: OmittedBlob[]) {
    this.#inner = inner;
    this.name = inner.name;
    this.#omitted = new Map(omitted.map((o) => [o.digest, o]));
  }

  async hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    if (await this.#inner.hasBlob(repository, digest, signal)) return true;
    const omitted = this.#omitted.get(digest);
    if (!omitted) return false;
    for (const from of omitted.repositories) {
      if (from !== repository && (await this.#inner.mountBlob(repository, digest, from, signal))) return true;
    }
    throw new NotFoundError(
      `blob ${digest} was left out of this incremental bundle because receipt ${omitted.receipt} says ${omitted.registry} holds it (in ${omitted.repositories.join(', ')}), but ${this.name} has it in none of them: pull again without --incremental`,
      { details: { digest, receipt: omitted.receipt } },
    );
  }

  putManifest(
    repository: string,
    reference: string,
    manifest: RawManifest,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.#inner.putManifest(repository, reference, manifest, signal);
  }

  putBlob(repository: string, descriptor: Descriptor, stream: Readable, signal?: AbortSignal): Promise<void> {
    return this.#inner.putBlob(repository, descriptor, stream, signal);
  }

  mountBlob(
    repository: string,
    digest: string,
    fromRepository: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    return this.#inner.mountBlob(repository, digest, fromRepository, signal);
  }
}
