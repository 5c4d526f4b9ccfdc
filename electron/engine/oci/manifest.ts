// Reading manifests and indexes. The bytes stay the truth (they are stored and pushed unchanged);
// the parsed form is only for finding children and blobs, so it is validated just enough that
// nothing downstream trips over a missing field or a malformed digest.
//
// Errors: a malformed manifest is a RegistryError by default (manifests originate in a registry,
// and a bundle only holds digest-checked copies of what a registry served); pass
// { source: 'bundle' } when reading from a bundle so the failure is a BundleInvalidError instead.
import { BundleInvalidError, RegistryError, type FerryError } from '../errors.ts';
import { digestProblem } from '../ref/grammar.ts';
import {
  MediaTypes,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type RawManifest,
} from './types.ts';

const indexMediaTypes: ReadonlySet<string> = new Set([MediaTypes.ociIndex, MediaTypes.dockerManifestList]);
const manifestMediaTypes: ReadonlySet<string> = new Set([MediaTypes.ociManifest, MediaTypes.dockerManifest]);
const dockerSchema1MediaTypes: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

/** Layers that their publisher says may live outside the registry (Windows base layers and the like). */
const foreignLayerMediaTypes: ReadonlySet<string> = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** For the Accept header of manifest requests: OCI and Docker, manifests and indexes. */
export const acceptedManifestTypes: string[] = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifestList,
  MediaTypes.dockerManifest,
];

/** 'application/vnd.oci.image.index.v1+json; charset=utf-8' → the bare, lowercase type. */
function bareMediaType(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

export function isIndexMediaType(mediaType: string): boolean {
  return indexMediaTypes.has(bareMediaType(mediaType));
}

export function isManifestMediaType(mediaType: string): boolean {
  return manifestMediaTypes.has(bareMediaType(mediaType));
}

function isKnownType(mediaType: string): boolean {
  return isIndexMediaType(mediaType) || isManifestMediaType(mediaType);
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryParseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function mediaTypeOf(json: unknown, headerMediaType: string | undefined): string {
  if (headerMediaType !== undefined) {
    const header = bareMediaType(headerMediaType);
    if (isKnownType(header) || dockerSchema1MediaTypes.has(header)) return header;
  }
  if (isObject(json)) {
    if (typeof json.mediaType === 'string' && json.mediaType !== '') return json.mediaType;
    if (json.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
    return 'manifests' in json ? MediaTypes.ociIndex : MediaTypes.ociManifest;
  }
  return headerMediaType ? bareMediaType(headerMediaType) : 'application/octet-stream';
}

/**
 * The media type of manifest bytes. A manifest or index type (or a Docker schema 1 type, so it can
 * be refused by name) in the Content-Type header wins
 * (registries may send a generic 'application/json', which does not); else the JSON 'mediaType'
 * field; else inferred: an object with 'manifests' is an OCI index, anything else an OCI manifest.
 */
export function detectMediaType(bytes: Buffer, headerMediaType?: string): string {
  return mediaTypeOf(tryParseJson(bytes), headerMediaType);
}

export interface ParseManifestOptions {
  /** Where the bytes came from, which decides the error class (see the file comment). */
  source?: 'registry' | 'bundle';
  /** Names the manifest in messages, e.g. the image reference. Defaults to its digest. */
  label?: string;
}

/** One validation failure, with the JSON path of the offending field; never escapes parseManifest. */
class Problem extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

function checkStringMap(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new Problem(path, 'must be an object of string values');
  }
}

function checkDescriptor(value: unknown, path: string): void {
  if (!isObject(value)) throw new Problem(path, 'must be a descriptor object');
  if (typeof value.mediaType !== 'string' || value.mediaType === '') {
    throw new Problem(`${path}.mediaType`, 'is missing');
  }
  if (typeof value.digest !== 'string') throw new Problem(`${path}.digest`, 'is missing');
  const digestIssue = digestProblem(value.digest);
  if (digestIssue) throw new Problem(`${path}.digest`, `'${value.digest}': ${digestIssue}`);
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new Problem(`${path}.size`, 'must be a non-negative integer');
  }
  if (value.urls !== undefined) {
    if (!Array.isArray(value.urls) || value.urls.some((u) => typeof u !== 'string')) {
      throw new Problem(`${path}.urls`, 'must be an array of strings');
    }
  }
  checkStringMap(value.annotations, `${path}.annotations`);
  if (value.platform !== undefined) {
    const p = value.platform;
    if (!isObject(p) || typeof p.architecture !== 'string' || typeof p.os !== 'string') {
      throw new Problem(`${path}.platform`, "must have string 'architecture' and 'os'");
    }
  }
}

function checkIndex(json: JsonObject): void {
  if (!Array.isArray(json.manifests)) throw new Problem('manifests', 'is missing (expected an array)');
  json.manifests.forEach((d, i) => checkDescriptor(d, `manifests[${i}]`));
}

function checkManifest(json: JsonObject): void {
  checkDescriptor(json.config, 'config');
  if (!Array.isArray(json.layers)) throw new Problem('layers', 'is missing (expected an array)');
  json.layers.forEach((d, i) => checkDescriptor(d, `layers[${i}]`));
}

function checkKindAgreement(json: JsonObject, mediaType: string): void {
  const own = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  if (own === undefined || !isKnownType(own)) return;
  if (isIndexMediaType(own) !== isIndexMediaType(mediaType)) {
    throw new Problem('mediaType', `says '${own}' but the manifest was served as '${mediaType}'`);
  }
}

function validate(json: unknown, mediaType: string): ImageManifest | ImageIndex {
  if (!isObject(json)) throw new Problem('', 'is not a JSON object');
  if (json.schemaVersion === 1 || dockerSchema1MediaTypes.has(mediaType)) {
    throw new Problem(
      'schemaVersion',
      'is 1: Docker schema 1 manifests are deprecated and not supported; republish the image as schema 2 or OCI',
    );
  }
  if (json.schemaVersion !== 2) throw new Problem('schemaVersion', 'must be 2');
  if (json.subject !== undefined) checkDescriptor(json.subject, 'subject');
  checkStringMap(json.annotations, 'annotations');

  if (isIndexMediaType(mediaType)) {
    checkKindAgreement(json, mediaType);
    checkIndex(json);
    return json as unknown as ImageIndex;
  }
  if (isManifestMediaType(mediaType)) {
    checkKindAgreement(json, mediaType);
    checkManifest(json);
    return json as unknown as ImageManifest;
  }
  // An unfamiliar media type (an artifact type, a vendor type): accept it by its shape.
  if (Array.isArray(json.manifests)) {
    checkIndex(json);
    return json as unknown as ImageIndex;
  }
  if ('config' in json || 'layers' in json) {
    checkManifest(json);
    return json as unknown as ImageManifest;
  }
  throw new Problem('mediaType', `'${mediaType}' is not a manifest or index type this tool can read`);
}

function isRawManifest(raw: RawManifest | Buffer): raw is RawManifest {
  return !Buffer.isBuffer(raw);
}

/**
 * Parses and validates manifest or index bytes (schemaVersion 2, required fields, well-formed
 * descriptors). The result is the parsed JSON itself, unknown fields included; use isImageIndex()
 * to tell the two apart. mediaTypeHint (else the RawManifest's mediaType) is the Content-Type.
 */
export function parseManifest(
  raw: RawManifest | Buffer,
  mediaTypeHint?: string,
  options: ParseManifestOptions = {},
): ImageManifest | ImageIndex {
  const bytes = isRawManifest(raw) ? raw.bytes : raw;
  const header = mediaTypeHint ?? (isRawManifest(raw) ? raw.mediaType : undefined);
  const digest = isRawManifest(raw) ? raw.digest : undefined;
  const label = options.label ?? digest;

  const json = tryParseJson(bytes);
  const mediaType = mediaTypeOf(json, header);
  try {
    if (json === undefined) throw new Problem('', `is not valid JSON (${bytes.length} bytes)`);
    return validate(json, mediaType);
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    const where = err.path === '' ? '' : ` ${err.path}`;
    const message = `invalid manifest${label === undefined ? '' : ` ${label}`}:${where} ${err.message}`;
    const details = { label, digest, mediaType, field: err.path };
    const ErrorClass: new (m: string, o: { details: Record<string, unknown> }) => FerryError =
      options.source === 'bundle' ? BundleInvalidError : RegistryError;
    throw new ErrorClass(message, { details });
  }
}

/** True when a parsed manifest is an index (manifest list). */
export function isImageIndex(m: ImageManifest | ImageIndex): m is ImageIndex {
  return Array.isArray((m as Partial<ImageIndex>).manifests);
}

/** The manifests an index points at, in order. */
export function childDescriptors(m: ImageIndex): Descriptor[] {
  return [...m.manifests];
}

export interface BlobDescriptor extends Descriptor {
  /**
   * A non-distributable layer (foreign media type or 'urls' set): the registry may not hold it.
   * Copies still try the registry first; callers decide whether a miss is fatal.
   */
  foreign?: true;
}

export function isForeignLayer(d: Descriptor): boolean {
  return (
    foreignLayerMediaTypes.has(bareMediaType(d.mediaType)) || (d.urls !== undefined && d.urls.length > 0)
  );
}

/** The blobs a manifest needs: its config, then its layers, foreign ones flagged. */
export function blobDescriptors(m: ImageManifest): BlobDescriptor[] {
  const layers = m.layers.map((d): BlobDescriptor => (isForeignLayer(d) ? { ...d, foreign: true } : d));
  return [m.config, ...layers];
}
