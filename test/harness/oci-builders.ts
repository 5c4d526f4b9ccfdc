// Builders for generated OCI/Docker content: blobs, configs, manifests, indexes and tar.gz layers.
// Everything is built in memory as exact bytes with its digest, so tests know what the registry
// must serve back. Independent of the engine under test on purpose.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { sha256Digest } from './registry-client.ts';

export const FixtureMediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
} as const;

export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

export interface FixturePlatform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface FixtureDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: FixturePlatform;
  artifactType?: string;
}

/** A blob exactly as it is pushed. */
export interface BlobContent {
  mediaType: string;
  bytes: Buffer;
  digest: string;
  size: number;
  /** Digest of the uncompressed tar, for layers built by tarGzLayer (the config's diff_id). */
  diffId?: string;
}

/** A manifest or index exactly as it is pushed; `json` is the object the bytes were made from. */
export interface ManifestContent extends BlobContent {
  json: Record<string, unknown>;
}

/** An image manifest with the blobs it references (config first, then layers). */
export interface ImageContent {
  manifest: ManifestContent;
  config: BlobContent;
  layers: BlobContent[];
  platform?: FixturePlatform;
}

export type ManifestFormat = 'oci' | 'docker';

export function blobContent(bytes: Buffer, mediaType: string): BlobContent {
  return { mediaType, bytes, digest: sha256Digest(bytes), size: bytes.length };
}

export function jsonBlob(value: unknown, mediaType: string): BlobContent {
  return blobContent(Buffer.from(JSON.stringify(value)), mediaType);
}

/** `size` random bytes: incompressible, unique per call. Labelled a gzip layer but not valid gzip. */
export function randomLayer(size: number, mediaType: string = FixtureMediaTypes.ociLayerGzip): BlobContent {
  return blobContent(randomBytes(size), mediaType);
}

/** The OCI 1.1 empty descriptor's blob: the two bytes `{}`. */
export function emptyConfig(): BlobContent {
  return blobContent(Buffer.from('{}'), FixtureMediaTypes.ociEmpty);
}

export function descriptorOf(
  content: BlobContent,
  extra: Omit<Partial<FixtureDescriptor>, 'digest' | 'size'> = {},
): FixtureDescriptor {
  return { mediaType: content.mediaType, digest: content.digest, size: content.size, ...extra };
}

/** An image config; `labels` make configs of otherwise equal images distinct. */
export function configBlob(options: {
  platform?: FixturePlatform;
  layers?: BlobContent[];
  labels?: Record<string, string>;
  format?: ManifestFormat;
}): BlobContent {
  const platform = options.platform ?? { architecture: 'amd64', os: 'linux' };
  const config = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    config: { Labels: options.labels ?? {} },
    // Random layers are not real tars: their diff_id simply mirrors the layer digest.
    rootfs: { type: 'layers', diff_ids: (options.layers ?? []).map((layer) => layer.diffId ?? layer.digest) },
  };
  const mediaType =
    options.format === 'docker' ? FixtureMediaTypes.dockerConfig : FixtureMediaTypes.ociConfig;
  return jsonBlob(config, mediaType);
}

function manifestContent(json: Record<string, unknown>, mediaType: string): ManifestContent {
  // Pretty-printed, as most tools write them: bytes that a re-serialising client would change.
  const bytes = Buffer.from(JSON.stringify(json, null, 2));
  return { mediaType, bytes, digest: sha256Digest(bytes), size: bytes.length, json };
}

/** An image manifest (OCI or Docker v2 schema 2) over the given config and layers. */
export function imageManifest(options: {
  config: BlobContent;
  layers: BlobContent[];
  format?: ManifestFormat;
  platform?: FixturePlatform;
  annotations?: Record<string, string>;
  layerAnnotations?: Array<Record<string, string> | undefined>;
  artifactType?: string;
  subject?: FixtureDescriptor;
}): ImageContent {
  const docker = options.format === 'docker';
  const mediaType = docker ? FixtureMediaTypes.dockerManifest : FixtureMediaTypes.ociManifest;
  const json: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType,
    ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
    config: descriptorOf(options.config),
    layers: options.layers.map((layer, i) => {
      const annotations = options.layerAnnotations?.[i];
      return descriptorOf(layer, annotations === undefined ? {} : { annotations });
    }),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  };
  const image: ImageContent = {
    manifest: manifestContent(json, mediaType),
    config: options.config,
    layers: options.layers,
  };
  if (options.platform !== undefined) image.platform = options.platform;
  return image;
}

/** A whole image in one call: config built for the platform, layers as given. */
export function simpleImage(options: {
  layers: BlobContent[];
  format?: ManifestFormat;
  platform?: FixturePlatform;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): ImageContent {
  const { format, platform, layers } = options;
  const config = configBlob({ platform, layers, labels: options.labels, format });
  return imageManifest({ config, layers, format, platform, annotations: options.annotations });
}

export interface IndexEntry {
  manifest: ManifestContent;
  platform?: FixturePlatform;
  annotations?: Record<string, string>;
  artifactType?: string;
}

/** An OCI index (or Docker manifest list) listing the given manifests in order. */
export function imageIndex(options: {
  entries: IndexEntry[];
  format?: ManifestFormat;
  annotations?: Record<string, string>;
}): ManifestContent {
  const mediaType =
    options.format === 'docker' ? FixtureMediaTypes.dockerManifestList : FixtureMediaTypes.ociIndex;
  const json: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType,
    manifests: options.entries.map((entry) => {
      const extra: Partial<FixtureDescriptor> = {};
      if (entry.artifactType !== undefined) extra.artifactType = entry.artifactType;
      if (entry.platform !== undefined) extra.platform = entry.platform;
      if (entry.annotations !== undefined) extra.annotations = entry.annotations;
      return descriptorOf(entry.manifest, extra);
    }),
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  };
  return manifestContent(json, mediaType);
}

/** A multi-platform index over images that carry their platform. */
export function platformIndex(images: ImageContent[], format: ManifestFormat = 'oci'): ManifestContent {
  return imageIndex({
    format,
    entries: images.map((image) => ({ manifest: image.manifest, platform: image.platform })),
  });
}

/**
 * A reproducible tar.gz layer holding the given files (mode 0644, mtime 0, '/' separators), so
 * equal contents give equal digests across runs.
 */
export async function tarGzLayer(
  files: Record<string, string | Buffer>,
  mediaType: string = FixtureMediaTypes.ociLayerGzip,
): Promise<BlobContent> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const finished = new Promise<void>((resolve, reject) => {
    archive.once('end', resolve);
    archive.once('error', reject);
  });
  for (const [name, content] of Object.entries(files)) {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    await new Promise<void>((resolve, reject) => {
      archive.entry(
        { name, size: body.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 },
        body,
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }
  archive.finalize();
  await finished;
  const tar = Buffer.concat(chunks);
  return { ...blobContent(gzipSync(tar), mediaType), diffId: sha256Digest(tar) };
}

/** The cosign tag for a digest: `sha256-<hex>` plus a suffix such as '.sig'. */
export function cosignTag(digest: string, suffix: '.sig' | '.att' | '.sbom' | '' = ''): string {
  return `${digest.replace(':', '-')}${suffix}`;
}

/** Signs a simple-signing payload as cosign does, returning the raw signature bytes. */
export type PayloadSigner = (payload: Buffer) => Buffer;

/**
 * A cosign-style signature manifest for `subjectDigest`: the simple-signing payload cosign writes, the
 * signature base64 in the layer annotation. Without `sign` the signature is random bytes (a
 * signature to carry, not to check); with it, a real one (see test/harness/cosign-keys.ts).
 */
export function cosignSignature(
  subjectDigest: string,
  dockerReference: string,
  sign?: PayloadSigner,
): ImageContent {
  const payload = jsonBlob(
    {
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': subjectDigest },
        type: 'cosign container image signature',
      },
      optional: null,
    },
    FixtureMediaTypes.cosignSimpleSigning,
  );
  const config = configBlob({ layers: [payload] });
  return imageManifest({
    config,
    layers: [payload],
    layerAnnotations: [
      { [COSIGN_SIGNATURE_ANNOTATION]: (sign ? sign(payload.bytes) : randomBytes(64)).toString('base64') },
    ],
  });
}
