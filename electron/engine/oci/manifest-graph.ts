// The one walk over a manifest graph: from root descriptors down through image indexes to the blobs
// their manifests reference, each manifest once. Where the bytes come from (a registry, a tar inside
// a chunked archive) and what a missing or broken manifest means (refuse the image, record a
// verify problem, skip it) are the caller's; the order — every child before the index listing it,
// so copies land children first — and the parsing are the walk's.
import {
  blobDescriptors,
  childDescriptors,
  isImageIndex,
  parseManifest,
  type BlobDescriptor,
} from './manifest.ts';
import type { Descriptor, ImageIndex, ImageManifest } from './types.ts';

export interface ManifestGraphVisitor {
  /** The bytes of manifest `d` (listed by `parent`, absent for a root); undefined skips it. */
  read(d: Descriptor, parent: Descriptor | undefined): Promise<Buffer | undefined>;
  /** A manifest's bytes did not parse: its children are not walked. Unset, the error is thrown. */
  invalid?(d: Descriptor, error: unknown): void;
  /** A manifest parsed, after every child it lists was visited. */
  manifest?(d: Descriptor, bytes: Buffer, parsed: ImageManifest | ImageIndex): void;
  /** A blob a manifest references (foreign layers included, marked `foreign`). */
  blob?(b: BlobDescriptor, parent: Descriptor): void;
  /** Where the bytes came from, for parse errors: a registry answer or the bundle. */
  source?: 'registry' | 'bundle';
}

/**
 * Walks every root. The children of one index are read concurrently (one round trip, not one per
 * child), then visited in the order the index lists them, so the walk's order never depends on
 * which answer came first.
 */
export async function walkManifestGraph(roots: Descriptor[], visitor: ManifestGraphVisitor): Promise<void> {
  const seen = new Set<string>();
  const unseen = (d: Descriptor) => !seen.has(d.digest) && seen.add(d.digest);
  const visit = async (d: Descriptor, bytes: Buffer | undefined): Promise<void> => {
    if (bytes === undefined) return;
    let parsed;
    try {
      parsed = parseManifest(bytes, d.mediaType, { source: visitor.source ?? 'bundle', label: d.digest });
    } catch (err) {
      if (!visitor.invalid) throw err;
      visitor.invalid(d, err);
      return;
    }
    if (isImageIndex(parsed)) {
      const children = childDescriptors(parsed).filter(unseen);
      const read = await Promise.all(children.map((c) => visitor.read(c, d)));
      for (const [i, child] of children.entries()) await visit(child, read[i]);
    } else {
      for (const b of blobDescriptors(parsed)) visitor.blob?.(b, d);
    }
    visitor.manifest?.(d, bytes, parsed);
  };
  for (const root of roots.filter(unseen)) await visit(root, await visitor.read(root, undefined));
}
