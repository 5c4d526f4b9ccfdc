// A generic image set: a multi-arch OCI index, a single OCI image, a Docker v2 image, a base image,
// all sharing one base layer, plus a cosign-style signature and an OCI 1.1 artifact with its
// referrers tag-schema fallback index. Sizes are options so benchmarks can build bigger sets.
import {
  cosignSignature,
  cosignTag,
  emptyConfig,
  FixtureMediaTypes,
  imageIndex,
  imageManifest,
  jsonBlob,
  platformIndex,
  randomLayer,
  simpleImage,
  type BlobContent,
  type FixturePlatform,
  type ImageContent,
  type ManifestFormat,
} from './oci-builders.ts';
import { createRegistryClient } from './registry-client.ts';
import type { RunningRegistry } from './registry.ts';
import {
  SeedRecorder,
  type PushedBlob,
  type PushedImage,
  type PushedIndex,
  type SeedSummary,
} from './seed-recorder.ts';

export const SBOM_ARTIFACT_TYPE = 'application/vnd.example.sbom.v1+json';

export interface GenericSeedOptions {
  /** Top-level tagged images, at least 4 (the named set); extra ones are `bench/img-NN:1`. Default 4. */
  images?: number;
  /** Size of every random layer, including the shared base layer. Default 8 KiB. */
  layerSize?: number;
  /** Unique random layers per image manifest, on top of the shared base layer. Default 2. */
  layersPerImage?: number;
  /** Prefix for every repository ('ns' → 'ns/vendor/app'). Default none. */
  namespace?: string;
}

export interface GenericSeed extends SeedSummary {
  /** `vendor/app:v1.0`: OCI index of linux/amd64 and linux/arm64 images. */
  appIndex: PushedIndex;
  /** `vendor/app:v1.1`: single OCI image manifest; subject of `artifact`. */
  app: PushedImage;
  /** `vendor/tool:2.0`: Docker v2 schema 2 image. */
  tool: PushedImage;
  /** `library/base:1`: OCI image. */
  base: PushedImage;
  /** `bench/img-NN:1` images beyond the named four. */
  extra: PushedImage[];
  /** All top-level tagged images above, in this order: appIndex, app, tool, base, ...extra. */
  images: Array<PushedImage | PushedIndex>;
  /** '<host>/<repo>:<tag>' for each of `images`: a plain image list. */
  imageRefs: string[];
  /** The one base layer every image manifest starts with. */
  sharedLayer: PushedBlob;
  /** Cosign signature of `appIndex`, at `vendor/app:sha256-<index hex>.sig`. */
  signature: PushedImage;
  /** OCI 1.1 SBOM artifact (pushed by digest to vendor/app) whose subject is `app`. */
  artifact: PushedImage;
  /** Referrers tag-schema fallback: OCI index at `vendor/app:sha256-<app hex>` listing `artifact`. */
  referrersIndex: PushedIndex;
}

interface Named {
  repository: string;
  tag: string;
}

export async function seedGeneric(
  reg: RunningRegistry,
  options: GenericSeedOptions = {},
): Promise<GenericSeed> {
  const layerSize = options.layerSize ?? 8 * 1024;
  const layersPerImage = options.layersPerImage ?? 2;
  const imageCount = Math.max(4, options.images ?? 4);
  const ns = options.namespace === undefined || options.namespace === '' ? '' : `${options.namespace}/`;
  const at = (repository: string, tag: string): Named => ({ repository: `${ns}${repository}`, tag });

  const client = createRegistryClient(reg);
  const recorder = new SeedRecorder(client, reg.host);
  try {
    const shared = randomLayer(layerSize);
    const build = (
      name: string,
      format: ManifestFormat = 'oci',
      platform?: FixturePlatform,
    ): ImageContent => {
      const layerType =
        format === 'docker' ? FixtureMediaTypes.dockerLayerGzip : FixtureMediaTypes.ociLayerGzip;
      const own = Array.from({ length: layersPerImage }, () => randomLayer(layerSize, layerType));
      const base: BlobContent = { ...shared, mediaType: layerType };
      return simpleImage({ layers: [base, ...own], format, platform, labels: { 'ferry.test/image': name } });
    };

    const appRef = at('vendor/app', 'v1.0');
    const amd64 = build('app-v1.0-amd64', 'oci', { architecture: 'amd64', os: 'linux' });
    const arm64 = build('app-v1.0-arm64', 'oci', { architecture: 'arm64', os: 'linux', variant: 'v8' });
    const appSingleRef = at('vendor/app', 'v1.1');
    const toolRef = at('vendor/tool', '2.0');
    const baseRef = at('library/base', '1');
    const extraRefs = Array.from({ length: imageCount - 4 }, (_, i) =>
      at(`bench/img-${String(i + 1).padStart(2, '0')}`, '1'),
    );

    const pushingExtra = Promise.all(
      extraRefs.map((ref) => recorder.pushImage(ref.repository, build(ref.repository), [ref.tag])),
    );
    const [appIndex, app, tool, base, extra] = await Promise.all([
      recorder.pushIndex(appRef.repository, platformIndex([amd64, arm64]), [amd64, arm64], [appRef.tag]),
      recorder.pushImage(appSingleRef.repository, build('app-v1.1'), [appSingleRef.tag]),
      recorder.pushImage(toolRef.repository, build('tool-2.0', 'docker'), [toolRef.tag]),
      recorder.pushImage(baseRef.repository, build('base-1'), [baseRef.tag]),
      pushingExtra,
    ]);
    const images: Array<PushedImage | PushedIndex> = [appIndex, app, tool, base, ...extra];
    const named = [appRef, appSingleRef, toolRef, baseRef, ...extraRefs];

    const signature = await recorder.pushImage(
      appRef.repository,
      cosignSignature(appIndex.digest, `${reg.host}/${appRef.repository}`),
      [cosignTag(appIndex.digest, '.sig')],
    );

    const sbom = jsonBlob(
      { spdxVersion: 'SPDX-2.3', name: `${appSingleRef.repository}:${appSingleRef.tag}`, packages: [] },
      SBOM_ARTIFACT_TYPE,
    );
    const artifactContent = imageManifest({
      artifactType: SBOM_ARTIFACT_TYPE,
      config: emptyConfig(),
      layers: [sbom],
      subject: { mediaType: app.mediaType, digest: app.digest, size: app.size },
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    });
    const artifact = await recorder.pushImage(appSingleRef.repository, artifactContent);
    const fallback = imageIndex({
      entries: [
        {
          manifest: artifactContent.manifest,
          artifactType: SBOM_ARTIFACT_TYPE,
          annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
        },
      ],
    });
    const referrersIndex = await recorder.pushIndexOver(
      appSingleRef.repository,
      fallback,
      [artifact],
      [cosignTag(app.digest)],
    );

    return {
      ...recorder.summary(),
      appIndex,
      app,
      tool,
      base,
      extra,
      images,
      imageRefs: named.map((ref) => `${reg.host}/${ref.repository}:${ref.tag}`),
      sharedLayer: { digest: shared.digest, size: shared.size, mediaType: shared.mediaType },
      signature,
      artifact,
      referrersIndex,
    };
  } finally {
    await client.close();
  }
}
