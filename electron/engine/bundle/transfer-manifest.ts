// The transfer manifest: the small JSON beside the archives that lists every archive and chunk (size,
// SHA-256), every image (source, digest, target) and every blob (where it lies). Verify checks the
// media against it; push maps images to targets from it; the ledger records it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countBlobs, countFiles, countImages } from '../../../shared/counts.ts';
import { ValidationError } from '../../../shared/validate.ts';
import { BundleInvalidError } from '../errors.ts';
import type { OmittedBlob } from '../plan/omitted-blob.ts';
import type { ArtifactKind } from '../plan/image-graph.ts';
import { jsonFileText } from '../util/json-file-text.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';
import { consistencyProblem, transferManifestShape } from './transfer-manifest-schema.ts';

export const TRANSFER_MANIFEST = 'ferry-manifest.json';
export const FORMAT_VERSION = 1;
/** Incremental bundles (with `omitted`) are version 2, so an older Ferry refuses them instead of calling
 *  the left-out blobs missing. */
export const INCREMENTAL_FORMAT_VERSION = 2;
/** Bundles that carry Ferry itself (`carriedFerry`) are version 3: an older Ferry says "upgrade Ferry"
 *  (and the bundle holds the upgrade) rather than calling the manifest invalid. */
export const CARRIED_FORMAT_VERSION = 3;
/** Bundles that carry a Sigstore trusted root (`trustedRoot`) are version 4: an older Ferry, which
 *  cannot check keyless signatures, says "upgrade Ferry" rather than calling the manifest invalid. */
export const TRUST_FORMAT_VERSION = 4;
/** The newest format this Ferry reads. */
export const NEWEST_FORMAT_VERSION = TRUST_FORMAT_VERSION;

export interface ChunkRecord {
  file: string;
  index: number;
  /** Offset of this chunk in the archive. */
  start: number;
  size: number;
  sha256: string;
  streebog256?: string;
}

export interface ArchiveRecord {
  name: string;
  size: number;
  chunked: boolean;
  /** The archive's files: the whole `.tar`, or its chunks in order. */
  parts: ChunkRecord[];
  /** Paths of the OCI layouts inside ('' = archive root). */
  layouts: string[];
}

export interface ArtifactRecord {
  kind: ArtifactKind;
  subject: string;
  tag?: string;
  digest: string;
  mediaType: string;
}

export interface ImageRecord {
  source: string;
  digest: string;
  mediaType: string;
  size: number;
  platforms: string[];
  target: { repository: string; tag?: string };
  archive: string;
  layout: string;
  artifacts: ArtifactRecord[];
  /** Digests of every manifest and blob this image (with its artifacts) needs. */
  contents: string[];
}

export interface BlobRecord {
  digest: string;
  size: number;
  archive: string;
  layout: string;
  /** Offset of the blob's bytes inside the archive. */
  offset: number;
}

/** Ferry itself, carried in the bundle (`ferry pull --carry-ferry`) so the isolated side can run it. */
export interface CarriedFerryRecord {
  /** One distribution folder (`ferry-<version>-<platform>`) per platform carried. */
  platforms: Array<{ platform: string; version: string; folder: string }>;
  /** Every carried file, relative to the bundle folder: the folders' files and the `ferry` (and
   *  `ferry.cmd`) launcher at the top, each with its size and SHA-256. */
  files: Array<{ path: string; size: number; sha256: string }>;
}

/**
 * The manifest's totals, by the one count rule (shared/counts.ts): images are distinct source
 * repository + digest (a release on three channels is one image with three records), blobs distinct
 * digests, files the parts written; the bytes are every blob record's and every archive's.
 */
export function bundleTotals(
  manifest: Pick<TransferManifest, 'images' | 'blobs' | 'archives'>,
): TransferManifest['totals'] {
  return {
    images: countImages(manifest.images),
    blobs: countBlobs(manifest.blobs),
    blobBytes: manifest.blobs.reduce((n, b) => n + b.size, 0),
    archiveBytes: manifest.archives.reduce((n, a) => n + a.size, 0),
    files: countFiles(manifest.archives),
  };
}

export interface TransferManifest {
  format: 'ferry-bundle';
  formatVersion: number;
  transferId: string;
  createdAt: string;
  tool: { name: 'ferry'; version: string };
  chunkSize?: number;
  images: ImageRecord[];
  archives: ArchiveRecord[];
  blobs: BlobRecord[];
  totals: { images: number; blobs: number; blobBytes: number; archiveBytes: number; files: number };
  /** Incremental bundles only: blobs left out because the target already holds them (push mounts them). */
  omitted?: OmittedBlob[];
  carriedFerry?: CarriedFerryRecord;
  /** Deckhouse: what the pull left out where d8 skips and warns, and why (absent when nothing was). */
  skipped?: SkippedItem[];
  /** The key of the station that pulled it (and signs it): the signature must be by this key. */
  station?: { fingerprint: string };
  /** `ferry pull --carry-trust FILE`: the Sigstore trusted root keyless signatures are checked
   *  against on the isolated side, its JSON text verbatim, inside the manifest so that the station's
   *  signature covers it and every stick holds it. */
  trustedRoot?: CarriedTrustedRoot;
}

export interface CarriedTrustedRoot {
  /** SHA-256 (hex) of `json`, recorded in the ledger. */
  sha256: string;
  json: string;
}

export interface SkippedItem {
  item: string;
  reason: string;
  /** `ferry pull --policy`: left out because its signatures fail the policy (the reason says how). */
  refused?: 'signature';
}

export async function writeTransferManifest(dir: string, manifest: TransferManifest): Promise<void> {
  const path = join(dir, TRANSFER_MANIFEST);
  // In pieces: an edition's manifest is tens of MB of text (util/json-file-text.ts).
  await writeFileAtomic(path, jsonFileText(manifest));
}

export async function readTransferManifest(dir: string): Promise<TransferManifest> {
  const path = join(dir, TRANSFER_MANIFEST);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BundleInvalidError(
      code === 'ENOENT'
        ? `${dir} holds no ${TRANSFER_MANIFEST}: point at the folder a 'ferry pull' wrote (or copy the manifest from the media)`
        : `cannot read ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BundleInvalidError(`${path} is not valid JSON (damaged?): copy it from the media again`, {
      cause: err,
    });
  }
  const version = (parsed as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > NEWEST_FORMAT_VERSION) {
    throw new BundleInvalidError(
      `${path} has format version ${version}, newer than this Ferry understands (${NEWEST_FORMAT_VERSION}): upgrade Ferry`,
    );
  }
  let manifest: TransferManifest;
  try {
    manifest = transferManifestShape(parsed, 'manifest');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new BundleInvalidError(
      `${path} is not a valid Ferry transfer manifest (${err.message}): copy it from the media again`,
      { cause: err },
    );
  }
  const problem = consistencyProblem(manifest);
  if (problem)
    throw new BundleInvalidError(
      `${path} is not a valid Ferry transfer manifest (${problem}): copy it from the media again`,
    );
  return manifest;
}
