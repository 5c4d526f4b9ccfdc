// Resolving many image requests against their registries: one RegistryStore per registry over one
// transport, a bounded number of requests in flight. Pull needs every image (the first failure
// stops it); the preview shows what resolved and names what did not.
import type { ImageGraph, ImageRequest } from '../plan/image-graph.ts';
import { defaultConcurrency } from '../copy/copy.ts';
import { createTagLists, resolveImage } from '../copy/resolve.ts';
import { toFerryError, type FerryError } from '../errors.ts';
import { RegistryStore } from '../store/registry-store.ts';
import type { Transport } from '../transport/types.ts';
import pLimit from 'p-limit';

export type StoreFor = (registry: string) => RegistryStore;

/** The store of each registry, made on first use, all over `transport`. */
export function registryStores(transport: Transport): StoreFor {
  const stores = new Map<string, RegistryStore>();
  return (registry) => {
    let s = stores.get(registry);
    if (!s) stores.set(registry, (s = new RegistryStore(registry, transport)));
    return s;
  };
}

export interface ResolveRequestsOptions {
  signatures: boolean;
  /** Transfers (and connections) per registry. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each image resolves (or fails to). */
  onResolved?: () => void;
}

function resolver(storeFor: StoreFor, options: ResolveRequestsOptions) {
  // Resolving is a chain of small requests per image (index, children, tag list): several images per
  // connection keep the pool busy, which on a WAN means fewer idle round trips.
  const limit = pLimit((options.concurrency ?? defaultConcurrency) * 4);
  // One tag list per repository for the whole run (cosign and referrers-fallback tags).
  const tagLists = createTagLists();
  return (request: ImageRequest) =>
    limit(() =>
      resolveImage(storeFor(request.source.registry), request, {
        signatures: options.signatures,
        tagLists,
        ...(options.signal ? { signal: options.signal } : {}),
      }).finally(() => options.onResolved?.()),
    );
}

/** Every request resolved, in order; rejects with the first failure. */
export function resolveRequests(
  requests: ImageRequest[],
  storeFor: StoreFor,
  options: ResolveRequestsOptions,
): Promise<ImageGraph[]> {
  return Promise.all(requests.map(resolver(storeFor, options)));
}

export type Resolution =
  { request: ImageRequest; image: ImageGraph } | { request: ImageRequest; error: FerryError };

/** Every request resolved or failed, in order; never rejects for one image. */
export function tryResolveRequests(
  requests: ImageRequest[],
  storeFor: StoreFor,
  options: ResolveRequestsOptions,
): Promise<Resolution[]> {
  const resolve = resolver(storeFor, options);
  return Promise.all(
    requests.map((request) =>
      resolve(request).then(
        (image): Resolution => ({ request, image }),
        (err: unknown): Resolution => ({ request, error: toFerryError(err) }),
      ),
    ),
  );
}
