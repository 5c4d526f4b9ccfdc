// Bundles written by `d8 mirror pull` carry no ferry-manifest.json: a folder of tars (whole or as
// `<archive>.tar.NNNN.chunk`), each holding OCI layouts. This reads such a folder into the same
// TransferManifest a Ferry pull writes, so push and verify work on it unchanged and without
// unpacking anything:
// - every directory holding an index.json is a layout; its images go to the layout's path under the
//   push root (platform.tar: '', install, release-channel...; module-<m>.tar: modules/<m>/...);
// - a legacy module tar (layout at the tar root, release/ and extra/<x>/ beside it) is moved under
//   modules/<m>, as d8's older push did;
// - index.json files naming the same path (in several tars, or twice in one) are merged; of two
//   entries for one tag the later wins, as in d8's push;
// - each image is pushed under its `io.deckhouse.image.short_tag` (d8 pushes by that alone), else
//   the tag in `org.opencontainers.image.ref.name`, else its digest's 64 hex characters.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { archivesIn, type ArchiveOnDisk } from './archive-parts.ts';
import type { ArchiveReader } from './archive-reader.ts';
import type { BundleFiles } from './bundle-files.ts';
import { parseBlobPath, TARGET_ANNOTATION } from './oci-layout-files.ts';
import type { TarFile } from './tar-index.ts';
import {
  bundleTotals,
  TRANSFER_MANIFEST,
  type ArchiveRecord,
  type BlobRecord,
  type ImageRecord,
  type TransferManifest,
} from './transfer-manifest.ts';
import { BundleInvalidError } from '../errors.ts';
import * as annotations from '../oci/annotations.ts';
import { digestHex } from '../oci/digest.ts';
import { detectMediaType, isIndexMediaType, isManifestMediaType } from '../oci/manifest.ts';
import { walkManifestGraph } from '../oci/manifest-graph.ts';
import { formatPlatform } from '../oci/platform.ts';
import type { Descriptor } from '../oci/types.ts';
import { isValidTag, parseReference } from '../ref/reference.ts';
import { ferryVersion } from '../version.ts';
import { layoutTargetPath } from './d8-layout.ts';

/** Format version of manifests synthesized from a d8 bundle (Ferry's own start at 1). */
export const D8_BUNDLE_FORMAT_VERSION = 0;

const MAX_INDEX_BYTES = 64 << 20;
const MAX_MANIFEST_BYTES = 4 << 20;
/** The tag of a full reference, if it is one and has a tag. */
function tagOfReference(text: string): string | undefined {
  try {
    return parseReference(text).tag;
  } catch {
    return undefined; // not a reference: the digest names the image
  }
}

/** The tag d8's push would use for an index.json entry. */
export function pushTagOf(d: Descriptor): string {
  const a = d.annotations ?? {};
  const short = a[annotations.deckhouseShortTag];
  if (short !== undefined && isValidTag(short)) return short;
  const ref = a[annotations.refName];
  if (ref !== undefined) {
    if (isValidTag(ref)) return ref;
    const tag = tagOfReference(ref);
    if (tag !== undefined) return tag;
  }
  return digestHex(d.digest);
}

interface ArchiveIndex {
  archive: ArchiveOnDisk;
  reader: ArchiveReader;
  /** The archive's blobs by digest, whatever their layout. */
  blobs: Map<string, TarFile>;
}

async function readJson(index: ArchiveIndex, file: TarFile): Promise<unknown> {
  if (file.size > MAX_INDEX_BYTES) {
    throw new BundleInvalidError(
      `${index.archive.name}: ${file.path} is ${file.size} bytes: not an OCI index`,
    );
  }
  const bytes = await index.reader.read(file.offset, file.size);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new BundleInvalidError(
      `${index.archive.name}: ${file.path} is not valid JSON (damaged?): copy the archive from the media again`,
      { cause: err },
    );
  }
}

/** Everything an image needs (manifests and blobs), as far as this archive holds it; its platforms; and
 *  the media type its own bytes declare. */
async function walk(
  index: ArchiveIndex,
  root: Descriptor,
  contents: Set<string>,
  platforms: Set<string>,
): Promise<string | undefined> {
  let detected: string | undefined;
  await walkManifestGraph([root], {
    read: async (d, parent) => {
      contents.add(d.digest);
      if (parent && d.platform) platforms.add(formatPlatform(d.platform));
      const file = index.blobs.get(d.digest);
      if (!file || file.size > MAX_MANIFEST_BYTES) return undefined;
      return index.reader.read(file.offset, file.size);
    },
    invalid: () => {}, // damaged or not a manifest: verify names it, push refuses it
    manifest: (d, bytes) => {
      if (d.digest === root.digest) detected = detectMediaType(bytes);
    },
    blob: (b) => {
      if (!b.foreign) contents.add(b.digest);
    },
  });
  return detected;
}

async function imagesOfLayout(index: ArchiveIndex, file: TarFile): Promise<ImageRecord[]> {
  const layout = file.path === 'index.json' ? '' : file.path.slice(0, -'/index.json'.length);
  const doc = (await readJson(index, file)) as { manifests?: unknown } | null;
  // d8 marshals a layout it created but never filled with `"manifests": null` (a nil Go slice):
  // --no-installer, a missing optional trivy DB, --only-extra-images. That is an empty layout.
  if (doc && typeof doc === 'object' && doc.manifests === null) return [];
  if (!doc || !Array.isArray(doc.manifests)) {
    throw new BundleInvalidError(
      `${index.archive.name}: ${file.path} lists no manifests: not an OCI image index`,
    );
  }
  const layoutPath = layoutTargetPath(index.archive.name, layout);
  const out: ImageRecord[] = [];
  for (const entry of doc.manifests as Descriptor[]) {
    if (!entry || typeof entry.digest !== 'string' || !/^sha(256|512):[a-f0-9]+$/.test(entry.digest)) {
      throw new BundleInvalidError(`${index.archive.name}: ${file.path} has an entry without a valid digest`);
    }
    // A Ferry bundle whose ferry-manifest.json was lost still says where each image goes.
    const repository = entry.annotations?.[TARGET_ANNOTATION] ?? layoutPath;
    const contents = new Set<string>();
    const platforms = new Set<string>();
    const detected = await walk(index, entry, contents, platforms);
    const known = isManifestMediaType(entry.mediaType ?? '') || isIndexMediaType(entry.mediaType ?? '');
    const tag = pushTagOf(entry);
    out.push({
      source: entry.annotations?.[annotations.refName] ?? `${repository}@${entry.digest}`,
      digest: entry.digest,
      mediaType: known ? entry.mediaType : (detected ?? entry.mediaType ?? 'application/octet-stream'),
      size: typeof entry.size === 'number' ? entry.size : 0,
      platforms: [...platforms].sort(),
      target: { repository, tag },
      archive: index.archive.name,
      layout,
      artifacts: [],
      contents: [...contents],
    });
  }
  return out;
}

/** Reads the files `d8 mirror pull` wrote (no ferry-manifest.json) into a transfer manifest. */
export async function describeD8Bundle(media: BundleFiles): Promise<TransferManifest> {
  const onDisk = await archivesIn(media.listing(), media.where);
  if (onDisk.length === 0) {
    throw new BundleInvalidError(
      `${media.where} holds neither ${TRANSFER_MANIFEST} nor any .tar archive: point at the folder 'ferry pull' or 'd8 mirror pull' wrote`,
    );
  }
  const byTarget = new Map<string, ImageRecord>();
  const blobs: BlobRecord[] = [];
  const archives: ArchiveRecord[] = [];
  let newest = 0;
  for (const archive of onDisk) {
    const files = await media.index(archive.name, archive.parts);
    const index: ArchiveIndex = {
      archive,
      reader: media.reader(archive.name, archive.parts),
      blobs: new Map(),
    };
    const layouts = new Set<string>();
    for (const f of files) {
      const blob = parseBlobPath(f.path);
      if (!blob) continue;
      if (!index.blobs.has(blob.digest)) index.blobs.set(blob.digest, f);
      blobs.push({ ...blob, size: f.size, archive: archive.name, offset: f.offset });
    }
    for (const f of files) {
      if (f.path !== 'index.json' && !f.path.endsWith('/index.json')) continue;
      for (const image of await imagesOfLayout(index, f)) {
        layouts.add(image.layout);
        byTarget.set(`${image.target.repository}\n${image.target.tag}`, image);
      }
    }
    archives.push({
      name: archive.name,
      size: archive.size,
      chunked: archive.chunked,
      // d8 records no checksums of its own; the .gostsum sidecars, when present, are checked by verify.
      parts: archive.parts.map((p, i) => ({
        file: p.file,
        index: i,
        start: p.start,
        size: p.size,
        sha256: '',
      })),
      layouts: [...layouts].sort(),
    });
    for (const p of archive.parts) newest = Math.max(newest, (await stat(p.path)).mtimeMs);
  }
  const images = [...byTarget.values()];
  const id = createHash('sha256')
    .update(archives.map((a) => `${a.name}:${a.size}:${a.parts.length}`).join('\n'))
    .digest('hex');
  return {
    format: 'ferry-bundle',
    formatVersion: D8_BUNDLE_FORMAT_VERSION,
    transferId: `d8-${id.slice(0, 16)}`,
    createdAt: new Date(newest).toISOString(),
    tool: { name: 'ferry', version: ferryVersion },
    images,
    archives,
    blobs,
    totals: bundleTotals({ images, blobs, archives }),
  };
}
