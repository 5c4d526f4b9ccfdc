// Walks a source store from a reference to everything that must travel with it: child manifests of
// indexes (all platforms by default, whole index unchanged), blobs, cosign tag-scheme artifacts and
// OCI 1.1 referrers (with the tag-schema fallback index carried byte-for-byte).
//
// Whether a cosign tag (`sha256-<hex>.sig/.att/.sbom`) or a referrers fallback tag (`sha256-<hex>`)
// exists is learnt from the repository's tag list, asked once per repository and shared by every
// image of a resolve session: a HEAD per tag per manifest was most of a pull's round trips (300 of
// 460 requests for 20 small images, nearly all of them 404). Where the list cannot be had (a
// registry that forbids listing), each tag is probed with HEAD as before.
import { DigestMismatchError, UsageError } from '../errors.ts';
import { sha256Digest } from '../oci/digest.ts';
import { cosignTag, referrersFallbackTag, type CosignKind } from '../oci/annotations.ts';
import { isImageIndex, parseManifest } from '../oci/manifest.ts';
import { walkManifestGraph } from '../oci/manifest-graph.ts';
import { formatPlatform, platformMatches } from '../oci/platform.ts';
import { MediaTypes, type Descriptor, type ImageIndex, type RawManifest } from '../oci/types.ts';
import type { BlobSource } from '../store/store.ts';
import type { ArtifactGraph, ImageGraph, ImageRequest } from '../plan/image-graph.ts';

export interface ResolveOptions {
  /** Carry signatures, attestations, SBOMs and referrers (default true). */
  signatures?: boolean;
  signal?: AbortSignal;
  /** Tag lists shared by the images of one run (createTagLists()); default: one per image. */
  tagLists?: TagLists;
}

/** Each repository's tags (undefined where they cannot be listed), asked once per source. */
export type TagLists = Map<string, Promise<ReadonlySet<string> | undefined>>;

/** Tag lists for one run. Not kept longer: tags pushed later must be seen by the next pull. */
export function createTagLists(): TagLists {
  return new Map();
}

function tagsOf(
  src: BlobSource,
  repository: string,
  lists: TagLists,
  signal?: AbortSignal,
): Promise<ReadonlySet<string> | undefined> {
  const key = `${src.name}/${repository}`;
  let list = lists.get(key);
  if (!list) {
    list = src.listTags(repository, signal).then(
      (tags) => new Set(tags),
      (err: unknown) => {
        if (signal?.aborted) throw err;
        // Listing refused or broken: fall back to one HEAD per tag.
        return undefined;
      },
    );
    lists.set(key, list);
  }
  return list;
}

interface Walk {
  manifests: Map<string, RawManifest>;
  blobs: Map<string, Descriptor>;
  platforms: Set<string>;
}

async function fetchByDigest(
  src: BlobSource,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<RawManifest> {
  const m = await src.getManifest(repository, digest, signal);
  if (digest.startsWith('sha256:') && sha256Digest(m.bytes) !== digest) {
    throw new DigestMismatchError(`manifest ${repository}@${digest} served with other bytes: refused`);
  }
  return m;
}

/** Adds a manifest and everything under it (children first) to the walk. */
async function walkManifest(
  src: BlobSource,
  repository: string,
  root: RawManifest,
  walk: Walk,
  signal?: AbortSignal,
): Promise<void> {
  const raws = new Map([[root.digest, root]]);
  const rootDescriptor = { mediaType: root.mediaType, digest: root.digest, size: root.bytes.length };
  await walkManifestGraph([rootDescriptor], {
    source: 'registry',
    read: async (d, parent) => {
      if (!parent) return root.bytes;
      if (d.platform) walk.platforms.add(formatPlatform(d.platform));
      const child = await fetchByDigest(src, repository, d.digest, signal);
      raws.set(d.digest, child);
      return child.bytes;
    },
    blob: (b) => {
      if (!b.foreign) walk.blobs.set(b.digest, b);
    },
    manifest: (d) => walk.manifests.set(d.digest, raws.get(d.digest)!),
  });
}

/** With a platform filter: the one matching child, or a new index of the matching children. */
async function filterPlatforms(
  src: BlobSource,
  request: ImageRequest,
  root: RawManifest,
  signal?: AbortSignal,
): Promise<RawManifest> {
  const wanted = request.platforms ?? [];
  const parsed = parseManifest(root);
  if (wanted.length === 0 || !isImageIndex(parsed)) return root;
  const matching = parsed.manifests.filter((d) => platformMatches(d.platform, wanted));
  if (matching.length === 0) {
    const have = parsed.manifests.map((d) => (d.platform ? formatPlatform(d.platform) : '?')).join(', ');
    throw new UsageError(
      `${request.sourceText} has no manifest for ${wanted.map(formatPlatform).join(', ')} (it has ${have})`,
    );
  }
  if (matching.length === 1)
    return fetchByDigest(src, request.source.repository, matching[0]!.digest, signal);
  const index: ImageIndex = { ...parsed, manifests: matching };
  const bytes = Buffer.from(JSON.stringify(index));
  return { bytes, digest: sha256Digest(bytes), mediaType: root.mediaType || MediaTypes.ociIndex };
}

async function resolveArtifact(
  src: BlobSource,
  repository: string,
  root: RawManifest,
  kind: ArtifactGraph['kind'],
  subject: string,
  tag: string | undefined,
  signal?: AbortSignal,
): Promise<ArtifactGraph> {
  const walk: Walk = { manifests: new Map(), blobs: new Map(), platforms: new Set() };
  await walkManifest(src, repository, root, walk, signal);
  return {
    kind,
    subject,
    ...(tag ? { tag } : {}),
    root,
    manifests: [...walk.manifests.values()],
    blobs: [...walk.blobs.values()],
  };
}

/** Cosign tags and referrers of one manifest digest, asked for all at once. */
async function artifactsOf(
  src: BlobSource,
  repository: string,
  digest: string,
  known: ReadonlySet<string> | undefined,
  signal?: AbortSignal,
): Promise<ArtifactGraph[]> {
  const kinds: CosignKind[] = ['sig', 'att', 'sbom'];
  const tags = [
    ...kinds.map((k) => [k, cosignTag(digest, k)] as const),
    ['referrers-index', referrersFallbackTag(digest)] as const,
  ];
  const exists = async (tag: string): Promise<boolean> =>
    known ? known.has(tag) : (await src.headManifest(repository, tag, signal)) !== undefined;
  const [tagged, referrers] = await Promise.all([
    Promise.all(
      tags.map(async ([kind, tag]) => {
        if (!(await exists(tag))) return undefined;
        const root = await src.getManifest(repository, tag, signal);
        return resolveArtifact(src, repository, root, kind, digest, tag, signal);
      }),
    ),
    src.referrers(repository, digest, signal, known),
  ]);
  const out = tagged.filter((a): a is ArtifactGraph => a !== undefined);
  const carried = new Set(out.flatMap((a) => a.manifests.map((m) => m.digest)));
  const extra = await Promise.all(
    referrers
      .filter((d) => !carried.has(d.digest))
      .map(async (d) =>
        resolveArtifact(
          src,
          repository,
          await fetchByDigest(src, repository, d.digest, signal),
          'referrer',
          digest,
          undefined,
          signal,
        ),
      ),
  );
  return [...out, ...extra];
}

/** Resolves one requested image into everything that must travel with it. */
export async function resolveImage(
  src: BlobSource,
  request: ImageRequest,
  options: ResolveOptions = {},
): Promise<ImageGraph> {
  const { signal } = options;
  const repository = request.source.repository;
  const withSignatures = options.signatures !== false;
  // Asked at once with the manifest: the list is there by the time the walk needs it.
  const known = withSignatures
    ? tagsOf(src, repository, options.tagLists ?? createTagLists(), signal)
    : undefined;
  // Not awaited until the walk is done; a failure before then must not go unhandled.
  void known?.catch(() => {});
  const served = await src.getManifest(repository, request.source.reference, signal);
  if (request.source.reference.includes(':') && sha256Digest(served.bytes) !== request.source.reference) {
    throw new DigestMismatchError(`${request.sourceText} served with other bytes than its digest: refused`);
  }
  const root = await filterPlatforms(src, request, served, signal);
  const walk: Walk = { manifests: new Map(), blobs: new Map(), platforms: new Set() };
  await walkManifest(src, repository, root, walk, signal);
  const artifacts: ArtifactGraph[] = [];
  if (withSignatures) {
    const tags = await known;
    const lists = await Promise.all(
      [...walk.manifests.keys()].map((d) => artifactsOf(src, repository, d, tags, signal)),
    );
    const seen = new Set<string>();
    for (const a of lists.flat()) {
      if (seen.has(a.root.digest)) continue;
      seen.add(a.root.digest);
      artifacts.push(a);
    }
  }
  return {
    request,
    root,
    manifests: [...walk.manifests.values()],
    blobs: [...walk.blobs.values()],
    platforms: [...walk.platforms].sort(),
    artifacts,
  };
}
