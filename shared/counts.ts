// One count rule, the same on every screen, in the CLI and in the bundle's own totals:
// - images: distinct image references, one per source repository and digest. A Deckhouse release
//   published to three channels (`release-channel:beta`, `:early-access`, `:v1.70.1`) is ONE image
//   with three targets, not three;
// - blobs: distinct digests, manifests included (the bundle stores every manifest as a blob);
// - files: the files written (archive parts).
// Pure and small on purpose: shared by the engine, the main process and the renderer.

/** What an image is known by wherever it is listed: its source reference and its root digest. */
export interface ImageIdentity {
  /** `registry[:port]/repository[:tag][@digest]`, as the pull or the manifest records it. */
  source: string;
  digest: string;
}

/**
 * The repository part of a reference: the text before `@`, without a `:tag` after its last `/`.
 * Split by hand because shared/ cannot import the engine's grammar; safe because a tag holds no `/`
 * and a registry port always comes before the first `/`.
 */
export function sourceRepository(source: string): string {
  const at = source.indexOf('@');
  const name = at < 0 ? source : source.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** The key two listings of one image share: `<source repository>@<digest>`. */
export function imageKey(image: ImageIdentity): string {
  return `${sourceRepository(image.source)}@${image.digest}`;
}

/** The listings grouped by image, in the order each image first appears. */
export function groupImages<T extends ImageIdentity>(images: Iterable<T>): T[][] {
  const groups = new Map<string, T[]>();
  for (const image of images) {
    const key = imageKey(image);
    const group = groups.get(key);
    if (group) group.push(image);
    else groups.set(key, [image]);
  }
  return [...groups.values()];
}

/** The image count every screen shows. */
export function countImages(images: Iterable<ImageIdentity>): number {
  const keys = new Set<string>();
  for (const image of images) keys.add(imageKey(image));
  return keys.size;
}

/** The blob count: distinct digests (a blob shared by several images or archives counts once). */
export function countBlobs(blobs: Iterable<{ digest: string } | string>): number {
  const digests = new Set<string>();
  for (const b of blobs) digests.add(typeof b === 'string' ? b : b.digest);
  return digests.size;
}

/** The file count: every part written (an archive cut into chunks is one file a chunk). */
export function countFiles(archives: Iterable<{ parts: readonly unknown[] }>): number {
  let files = 0;
  for (const a of archives) files += a.parts.length;
  return files;
}

/** "1 file", "3 files": the count and its noun together, so no screen writes "file(s)". */
export function countText(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "1 image", "3 images". */
export function imagesText(n: number): string {
  return countText(n, 'image');
}
