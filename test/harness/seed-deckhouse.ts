// A small Deckhouse-style distribution (see /work/shared/DESIGN.md "Deckhouse distribution model"
// and D8-COMPAT.md): release channels, platform/install images with images_digests.json naming
// digest-only images, security databases, and a module source with release channels, module
// images, digest-pinned app images and extra images. Everything is KBs and reproducible.
import semver from 'semver';
import {
  FixtureMediaTypes,
  imageManifest,
  jsonBlob,
  simpleImage,
  tarGzLayer,
  type ImageContent,
  type ManifestFormat,
} from './oci-builders.ts';
import { createRegistryClient } from './registry-client.ts';
import type { RunningRegistry } from './registry.ts';
import { SeedRecorder, type PushedImage, type SeedSummary } from './seed-recorder.ts';

export const RELEASE_CHANNELS = ['alpha', 'beta', 'early-access', 'stable', 'rock-solid'] as const;
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

export const SECURITY_DATABASES = ['trivy-db', 'trivy-bdu', 'trivy-java-db', 'trivy-checks'] as const;
export type SecurityDatabase = (typeof SECURITY_DATABASES)[number];

/** Channel → platform version seeded by seedDeckhouse. */
export const PLATFORM_CHANNELS: Record<ReleaseChannel, string> = {
  alpha: 'v1.71.0',
  beta: 'v1.70.1',
  'early-access': 'v1.70.1',
  stable: 'v1.69.2',
  'rock-solid': 'v1.68.3',
};
/** Every platform version seeded (release-channel, root and install tags), ascending. */
export const PLATFORM_VERSIONS = [
  'v1.68.0',
  'v1.68.3',
  'v1.69.0',
  'v1.69.2',
  'v1.70.0',
  'v1.70.1',
  'v1.71.0',
];
/** Versions that also get `<root>/install-standalone:<v>` (it is optional upstream). */
export const INSTALL_STANDALONE_VERSIONS = ['v1.69.0', 'v1.69.2', 'v1.70.0', 'v1.70.1', 'v1.71.0'];

export const MODULE_VERSIONS = ['v1.2.0', 'v1.2.3', 'v1.3.0', 'v1.3.1', 'v1.4.0', 'v2.0.0'];

interface ModuleSpec {
  channels: Record<ReleaseChannel, string>;
  /** extra_images.json for a version, or undefined when the module has none. */
  extraImages?: (version: string) => Record<string, string>;
}

/** The seeded modules: `console` has extra images, `stronghold` does not. */
export const MODULE_SPECS: Record<string, ModuleSpec> = {
  console: {
    channels: {
      alpha: 'v2.0.0',
      beta: 'v1.4.0',
      'early-access': 'v1.4.0',
      stable: 'v1.3.1',
      'rock-solid': 'v1.2.3',
    },
    extraImages: (version) => ({ scanner: semver.lt(version, '1.4.0') ? 'v1' : 'v2', 'report-db': '2024' }),
  },
  stronghold: {
    channels: {
      alpha: 'v1.4.0',
      beta: 'v1.4.0',
      'early-access': 'v1.3.1',
      stable: 'v1.3.1',
      'rock-solid': 'v1.3.1',
    },
  },
};

export interface DeckhouseModuleSeed {
  name: string;
  /** '<root>/modules/<name>'. */
  repository: string;
  channels: Record<ReleaseChannel, string>;
  versions: string[];
  /** `<root>/modules:<name>` (module discovery tag). */
  discovery: PushedImage;
  /** Version → `<repository>/release:<v>`; channel tags point at the same manifest (see `.tags`). */
  release: Record<string, PushedImage>;
  /** Version → `<repository>:<v>` module image. */
  images: Record<string, PushedImage>;
  /** Version → the images_digests.json inside the module image. */
  imagesDigests: Record<string, Record<string, string>>;
  /** Every app image pushed by digest into `<repository>` (distinct digests). */
  appImages: PushedImage[];
  /** Version → extra_images.json ({} for modules without extras). */
  extraImages: Record<string, Record<string, string>>;
  /** Images at `<repository>/extra/<name>:<tag>` (repository and tags on each). */
  extra: PushedImage[];
}

export interface DeckhouseSeed extends SeedSummary {
  root: string;
  /** '<host>/<root>': the source to give `d8 mirror`-style pulls. */
  source: string;
  channels: Record<ReleaseChannel, string>;
  versions: string[];
  /** Version → `<root>/release-channel:<v>`; channel tags point at the same manifest (see `.tags`). */
  releaseChannel: Record<string, PushedImage>;
  /** Version → `<root>:<v>`. */
  platform: Record<string, PushedImage>;
  /** Version → `<root>/install:<v>`. */
  install: Record<string, PushedImage>;
  /** Version → `<root>/install-standalone:<v>` (only INSTALL_STANDALONE_VERSIONS). */
  installStandalone: Record<string, PushedImage>;
  /** Version → deckhouse/candi/images_digests.json inside install:<v> ({module: {image: digest}}). */
  installImagesDigests: Record<string, Record<string, Record<string, string>>>;
  /** Distinct images pushed by digest into `<root>` and named by those files. */
  digestImages: PushedImage[];
  /** `<root>/security/<db>:<tag>`. */
  security: Record<SecurityDatabase, PushedImage>;
  modules: Record<string, DeckhouseModuleSeed>;
}

const SECURITY_SPECS: Record<SecurityDatabase, { tag: string; configType: string; layerType: string }> = {
  'trivy-db': {
    tag: '2',
    configType: 'application/vnd.aquasec.trivy.config.v1+json',
    layerType: 'application/vnd.aquasec.trivy.db.layer.v1.tar+gzip',
  },
  'trivy-bdu': {
    tag: '1',
    configType: 'application/vnd.aquasec.trivy.config.v1+json',
    layerType: 'application/vnd.aquasec.trivy.db.layer.v1.tar+gzip',
  },
  'trivy-java-db': {
    tag: '1',
    configType: 'application/vnd.aquasec.trivy.config.v1+json',
    layerType: 'application/vnd.aquasec.trivy.javadb.layer.v1.tar+gzip',
  },
  'trivy-checks': {
    tag: '0',
    configType: 'application/vnd.cncf.openpolicyagent.config.v1+json',
    layerType: 'application/vnd.cncf.openpolicyagent.layer.v1.tar+gzip',
  },
};

/** An image with one reproducible tar.gz layer holding `files`. */
async function fileImage(
  files: Record<string, string>,
  format: ManifestFormat = 'oci',
  labels: Record<string, string> = {},
): Promise<ImageContent> {
  const layerType = format === 'docker' ? FixtureMediaTypes.dockerLayerGzip : FixtureMediaTypes.ociLayerGzip;
  const layer = await tarGzLayer(files, layerType);
  return simpleImage({ layers: [layer], format, labels });
}

function versionJson(version: string): string {
  return JSON.stringify({ version });
}

/**
 * A platform release-channel image's files as Deckhouse publishes them: version.json with the
 * release's requirements and disruptions (keyed by X.Y), and changelog.yaml, which d8 turns into
 * deckhousereleases.yaml.
 */
export function platformReleaseFiles(version: string): Record<string, string> {
  const minor = version.replace(/^v(\d+\.\d+)\..*$/, '$1');
  return {
    'version.json': JSON.stringify({
      version,
      requirements: { k8s: '1.27', nodesMinimalOSVersionUbuntu: '18.04' },
      disruptions: { [minor]: ['ingressNginx'] },
    }),
    'changelog.yaml': `global:\n  fixes:\n    - summary: Fixed ${version}.\n      pull_request: https://example.invalid/${version}\n`,
  };
}

function channelsOf(channels: Record<ReleaseChannel, string>, version: string): string[] {
  return RELEASE_CHANNELS.filter((channel) => channels[channel] === version);
}

function byVersion(versions: string[], pushed: PushedImage[]): Record<string, PushedImage> {
  const out: Record<string, PushedImage> = {};
  versions.forEach((version, i) => {
    const image = pushed[i];
    if (image) out[version] = image;
  });
  return out;
}

function distinct(images: PushedImage[]): PushedImage[] {
  return [...new Map(images.map((image) => [`${image.repository}@${image.digest}`, image])).values()];
}

export async function seedDeckhouse(reg: RunningRegistry, root = 'deckhouse/ee'): Promise<DeckhouseSeed> {
  const client = createRegistryClient(reg);
  const recorder = new SeedRecorder(client, reg.host);
  try {
    const [platform, security, moduleList] = await Promise.all([
      seedPlatform(recorder, root),
      seedSecurity(recorder, root),
      Promise.all(Object.keys(MODULE_SPECS).map((name) => seedModule(recorder, root, name))),
    ]);
    const modules: Record<string, DeckhouseModuleSeed> = {};
    for (const module of moduleList) modules[module.name] = module;
    return {
      ...recorder.summary(),
      root,
      source: `${reg.host}/${root}`,
      channels: { ...PLATFORM_CHANNELS },
      versions: [...PLATFORM_VERSIONS],
      ...platform,
      security,
      modules,
    };
  } finally {
    await client.close();
  }
}

type PlatformPart = Pick<
  DeckhouseSeed,
  'releaseChannel' | 'platform' | 'install' | 'installStandalone' | 'installImagesDigests' | 'digestImages'
>;

async function seedPlatform(recorder: SeedRecorder, root: string): Promise<PlatformPart> {
  const versions = PLATFORM_VERSIONS;
  const releaseChannel = Promise.all(
    versions.map(async (version) =>
      recorder.pushImage(`${root}/release-channel`, await fileImage(platformReleaseFiles(version)), [
        version,
        ...channelsOf(PLATFORM_CHANNELS, version),
      ]),
    ),
  );
  const platform = Promise.all(
    versions.map(async (version) =>
      recorder.pushImage(root, await fileImage({ 'deckhouse/version': version }, 'docker'), [version]),
    ),
  );

  // One digest image shared by every version, one unique per version: like real candi images.
  const shared = await recorder.pushImage(
    root,
    await fileImage({ 'image.txt': `${root} common/alpine` }, 'docker'),
  );
  const installImagesDigests: PlatformPart['installImagesDigests'] = {};
  const digestImages: PushedImage[] = [shared];
  const install = Promise.all(
    versions.map(async (version) => {
      const unique = await recorder.pushImage(
        root,
        await fileImage({ 'image.txt': `${root} controlPlaneManager/kubeApiserver ${version}` }, 'docker'),
      );
      digestImages.push(unique);
      const digests = {
        common: { alpine: shared.digest },
        controlPlaneManager: { kubeApiserver: unique.digest },
      };
      installImagesDigests[version] = digests;
      const files = {
        'deckhouse/candi/images_digests.json': JSON.stringify(digests),
        'deckhouse/version': version,
      };
      return recorder.pushImage(`${root}/install`, await fileImage(files, 'docker'), [version]);
    }),
  );
  const standalone = Promise.all(
    INSTALL_STANDALONE_VERSIONS.map(async (version) =>
      recorder.pushImage(
        `${root}/install-standalone`,
        await fileImage({ 'deckhouse/version': version, 'standalone.txt': 'bundle' }, 'docker'),
        [version],
      ),
    ),
  );

  return {
    releaseChannel: byVersion(versions, await releaseChannel),
    platform: byVersion(versions, await platform),
    install: byVersion(versions, await install),
    installStandalone: byVersion(INSTALL_STANDALONE_VERSIONS, await standalone),
    installImagesDigests,
    digestImages: distinct(digestImages),
  };
}

async function seedSecurity(
  recorder: SeedRecorder,
  root: string,
): Promise<Record<SecurityDatabase, PushedImage>> {
  const pushed = await Promise.all(
    SECURITY_DATABASES.map(async (db) => {
      const spec = SECURITY_SPECS[db];
      const layer = await tarGzLayer(
        { [`${db}.db`]: `${db} database`, 'metadata.json': '{"Version":2}' },
        spec.layerType,
      );
      const config = jsonBlob({}, spec.configType);
      return recorder.pushImage(`${root}/security/${db}`, imageManifest({ config, layers: [layer] }), [
        spec.tag,
      ]);
    }),
  );
  const out = {} as Record<SecurityDatabase, PushedImage>;
  SECURITY_DATABASES.forEach((db, i) => {
    const image = pushed[i];
    if (image) out[db] = image;
  });
  return out;
}

async function seedModule(recorder: SeedRecorder, root: string, name: string): Promise<DeckhouseModuleSeed> {
  const spec = MODULE_SPECS[name];
  if (spec === undefined) throw new Error(`seedDeckhouse: unknown module ${name}`);
  const repository = `${root}/modules/${name}`;
  const versions = MODULE_VERSIONS;

  const discovery = recorder.pushImage(
    `${root}/modules`,
    simpleImage({ layers: [], labels: { 'ferry.test/module': name } }),
    [name],
  );
  const release = Promise.all(
    versions.map(async (version) =>
      recorder.pushImage(`${repository}/release`, await fileImage({ 'version.json': versionJson(version) }), [
        version,
        ...channelsOf(spec.channels, version),
      ]),
    ),
  );

  const frontend = await recorder.pushImage(
    repository,
    await fileImage({ 'app.txt': `${repository} frontend` }),
  );
  const appImages: PushedImage[] = [frontend];
  const imagesDigests: DeckhouseModuleSeed['imagesDigests'] = {};
  const extraImages: DeckhouseModuleSeed['extraImages'] = {};
  const extraPushes = new Map<string, Promise<PushedImage>>();
  const images = Promise.all(
    versions.map(async (version) => {
      const backend = await recorder.pushImage(
        repository,
        await fileImage({ 'app.txt': `${repository} backend ${version}` }),
      );
      appImages.push(backend);
      const digests = { frontend: frontend.digest, backend: backend.digest };
      imagesDigests[version] = digests;
      const files: Record<string, string> = {
        'images_digests.json': JSON.stringify(digests),
        'module.yaml': `name: ${name}\n`,
      };
      const extras = spec.extraImages?.(version) ?? {};
      extraImages[version] = extras;
      if (spec.extraImages) files['extra_images.json'] = JSON.stringify(extras);
      for (const [extraName, tag] of Object.entries(extras)) {
        const key = `${extraName}:${tag}`;
        if (!extraPushes.has(key)) {
          extraPushes.set(
            key,
            fileImage({ 'extra.txt': `${repository} ${key}` }).then((image) =>
              recorder.pushImage(`${repository}/extra/${extraName}`, image, [tag]),
            ),
          );
        }
      }
      return recorder.pushImage(repository, await fileImage(files), [version]);
    }),
  );

  const pushedImages = await images;
  return {
    name,
    repository,
    channels: { ...spec.channels },
    versions: [...versions],
    discovery: await discovery,
    release: byVersion(versions, await release),
    images: byVersion(versions, pushedImages),
    imagesDigests,
    appImages: distinct(appImages),
    extraImages,
    extra: await Promise.all(extraPushes.values()),
  };
}

/** What seedDeckhouseExtras adds: the installer and a packages catalog, as d8 4c2e288 pulls them. */
export interface DeckhouseExtrasSeed {
  /** `<registry root>/installer` (the source without its edition segment). */
  installerRepository: string;
  /** Tag → `<installer repository>:<tag>` ('latest' and 'v1.2'). */
  installer: Record<string, PushedImage>;
  /** `ingress`: channels and two versions with an extra image; `dev-tools`: a version tag only, no channels. */
  packages: Record<string, { repository: string; versions: string[]; versionTags: string[] }>;
  /** d8's VEX attestations of tag-referenced images: `modules/console:v1.3.1.att`, `.../extra/scanner:v1.att`. */
  vex: PushedImage[];
}

export const PACKAGE_CHANNELS: Record<ReleaseChannel, string> = {
  alpha: 'v0.2.0',
  beta: 'v0.2.0',
  'early-access': 'v0.2.0',
  stable: 'v0.1.0',
  'rock-solid': 'v0.1.0',
};

/**
 * Adds to a seeded edition root (whose last segment is an edition, e.g. `d8full/ee`) what d8 carries
 * beyond the platform, security and modules: `<parent>/installer:{latest,v1.2}` and
 * `<root>/packages` (catalog tags), `packages/<p>:<v>` with images_digests.json and
 * extra_images.json, `packages/<p>/version:<channel|v>` and `packages/<p>/extra/<x>:<tag>`.
 */
export async function seedDeckhouseExtras(reg: RunningRegistry, root: string): Promise<DeckhouseExtrasSeed> {
  const client = createRegistryClient(reg);
  const recorder = new SeedRecorder(client, reg.host);
  const installerRepository = `${root.split('/').slice(0, -1).join('/')}/installer`;
  try {
    const installer: Record<string, PushedImage> = {};
    for (const tag of ['latest', 'v1.2'])
      installer[tag] = await recorder.pushImage(
        installerRepository,
        await fileImage({ 'installer.txt': `installer ${tag}` }, 'docker'),
        [tag],
      );
    const packages: DeckhouseExtrasSeed['packages'] = {};
    const ingress = `${root}/packages/ingress`;
    const app = await recorder.pushImage(ingress, await fileImage({ 'app.txt': 'ingress controller' }));
    await recorder.pushImage(`${ingress}/extra/tool`, await fileImage({ 'tool.txt': 'tool v1' }), ['v1']);
    for (const version of ['v0.1.0', 'v0.2.0']) {
      await recorder.pushImage(
        ingress,
        await fileImage({
          'images_digests.json': JSON.stringify({ controller: app.digest }),
          'extra_images.json': JSON.stringify({ tool: 'v1' }),
        }),
        [version],
      );
      await recorder.pushImage(
        `${ingress}/version`,
        await fileImage({ 'version.json': versionJson(version) }),
        [version, ...channelsOf(PACKAGE_CHANNELS, version)],
      );
    }
    packages.ingress = {
      repository: ingress,
      versions: ['v0.1.0', 'v0.2.0'],
      versionTags: ['v0.1.0', 'v0.2.0', ...RELEASE_CHANNELS],
    };
    const dev = `${root}/packages/dev-tools`;
    await recorder.pushImage(dev, await fileImage({ 'dev.txt': 'dev tools' }), ['v0.0.1']);
    await recorder.pushImage(`${dev}/version`, await fileImage({ 'version.json': versionJson('v0.0.1') }), [
      'v0.0.1',
    ]);
    packages['dev-tools'] = { repository: dev, versions: ['v0.0.1'], versionTags: ['v0.0.1'] };
    for (const name of Object.keys(packages))
      await recorder.pushImage(
        `${root}/packages`,
        simpleImage({ layers: [], labels: { 'ferry.test/package': name } }),
        [name],
      );
    const vex = [
      await recorder.pushImage(
        `${root}/modules/console`,
        await fileImage({ 'vex.json': '{"statements":[]}' }),
        ['v1.3.1.att'],
      ),
      await recorder.pushImage(
        `${root}/modules/console/extra/scanner`,
        await fileImage({ 'vex.json': '{"statements":["scanner"]}' }),
        ['v1.att'],
      ),
    ];
    return { installerRepository, installer, packages, vex };
  } finally {
    await client.close();
  }
}

/**
 * Re-publishes `<root>/install:<version>` holding both installer image lists, as newer Deckhouse
 * releases ship them: its images_digests.json as seeded plus an images_tags.json naming
 * `<root>:<tag>` (pushed too). Returns that tag.
 */
export async function seedInstallerTagList(
  reg: RunningRegistry,
  seed: DeckhouseSeed,
  version: string,
): Promise<string> {
  const client = createRegistryClient(reg);
  const recorder = new SeedRecorder(client, reg.host);
  const tag = `alpine-${version}`;
  try {
    await recorder.pushImage(seed.root, await fileImage({ 'image.txt': `tagged ${version}` }, 'docker'), [
      tag,
    ]);
    await recorder.pushImage(
      `${seed.root}/install`,
      await fileImage(
        {
          'deckhouse/candi/images_digests.json': JSON.stringify(seed.installImagesDigests[version]),
          'deckhouse/candi/images_tags.json': JSON.stringify({ common: { alpine: tag } }),
          'deckhouse/version': version,
        },
        'docker',
      ),
      [version],
    );
    return tag;
  } finally {
    await client.close();
  }
}
