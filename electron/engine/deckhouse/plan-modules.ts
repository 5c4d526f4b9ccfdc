// Modules: names are the tags of `<edition><suffix>`; per module the release channel images, the
// versions the filter picks (see module-filter.ts), and per version the module image, its release
// image, every app image its images_digests.json pins (`<m>@sha256:…`) and the extra images its
// extra_images.json names (`<m>/extra/<name>:<tag>`). Packages are the same shape under
// `<edition>/packages`, with `version` where modules have `release` (d8's packages.go mirrors its
// modules.go), so both are one planner over a Catalog.
import { NotFoundError, RegistryError } from '../errors.ts';
import {
  ALL_CHANNELS,
  LTS_CHANNEL,
  RELEASE_CHANNELS,
  type ChannelVersion,
  type ReleaseChannel,
} from './channels.ts';
import { readImageFiles } from './image-files.ts';
import { digestsIn, extraImagesIn } from './image-lists.ts';
import { joinPath } from '../bundle/d8-layout.ts';
import { constraintsFor, planModuleVersions, selectModules, type ModuleFilter } from './module-filter.ts';
import type { PlanContext } from './plan-context.ts';
import { versionOfTag } from './versions.ts';

/** Modules or packages: where their names are listed and how their paths are spelled. */
export interface Catalog {
  noun: 'module' | 'package';
  /** Where the names are listed, relative to the edition root ('/modules', 'packages'). */
  base: string;
  /** The channel repository under each entry: 'release' for modules, 'version' for packages. */
  releaseSegment: string;
  /** The bundle path prefix: 'modules' or 'packages'. */
  bundlePrefix: string;
}

export const moduleCatalog = (suffix: string): Catalog => ({
  noun: 'module',
  base: suffix,
  releaseSegment: 'release',
  bundlePrefix: 'modules',
});

export const PACKAGE_CATALOG: Catalog = {
  noun: 'package',
  base: 'packages',
  releaseSegment: 'version',
  bundlePrefix: 'packages',
};

export interface ModulesOptions {
  filter: ModuleFilter;
  /** Where modules live under the edition root in the source ('/modules'). */
  suffix: string;
  /** Default: modules under `suffix`. */
  catalog?: Catalog;
  /** Carry only the modules' extra images. */
  onlyExtraImages?: boolean;
}

export interface ModulePlan {
  name: string;
  versions: string[];
  /** Channel → version its release tag points at in the bundle. */
  channels: Partial<Record<ReleaseChannel, string>>;
  appImages: number;
  extraImages: number;
}

const IMAGES_DIGESTS = 'images_digests.json';
const EXTRA_IMAGES = 'extra_images.json';

function parseJson(bytes: Buffer | undefined, where: string): unknown {
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new RegistryError(`${where} is not valid JSON`, { cause: err });
  }
}

async function planModule(
  ctx: PlanContext,
  name: string,
  options: ModulesOptions,
): Promise<ModulePlan | undefined> {
  const catalog = options.catalog ?? moduleCatalog(options.suffix);
  const noun = catalog.noun;
  const repo = ctx.repo(joinPath(catalog.base, name));
  const releaseRepo = `${repo}/${catalog.releaseSegment}`;
  const path = `${catalog.bundlePrefix}/${name}`;
  const releasePath = `${path}/${catalog.releaseSegment}`;
  const constraints = constraintsFor(options.filter, name);
  const exists = (r: string, ref: string) => ctx.limit(() => ctx.exists(r, ref));

  let channels: ChannelVersion[] = [];
  if (constraints.some((c) => c.kind !== 'exact')) {
    const present = await Promise.all(
      ALL_CHANNELS.map(async (c) => ((await exists(releaseRepo, c)) ? c : undefined)),
    );
    const names = present.filter((c): c is ReleaseChannel => c !== undefined);
    if (names.length === 0) {
      // d8 pulls module channels with AllowMissingTags (modules.go) and goes on without the module.
      ctx.skip(
        `${noun} ${name}`,
        `${ctx.registry}/${releaseRepo} has no release channel tags (${ALL_CHANNELS.join(', ')})`,
      );
      return undefined;
    }
    channels = await Promise.all(names.map((c) => ctx.limit(() => ctx.channelVersion(releaseRepo, c))));
  }
  const tags = constraints.some((c) => c.kind === 'range') ? await ctx.limit(() => ctx.tags(repo)) : [];
  const retagTo: ReleaseChannel[] = [
    ...RELEASE_CHANNELS,
    ...((await exists(releaseRepo, LTS_CHANNEL)) ? [LTS_CHANNEL] : []),
  ];
  const plan = planModuleVersions(constraints, tags, channels, retagTo);
  for (const c of constraints)
    if (c.kind === 'range' && c.implied)
      for (const anchor of c.anchors) {
        const tag = tags.find((t) => versionOfTag(t)?.version === anchor);
        if (tag) ctx.usedExtra('range-anchors', `${noun} ${name}: ${tag}, the lower bound of ${c.text}`);
      }

  const exact = new Set(constraints.flatMap((c) => (c.kind === 'exact' ? [c.tag] : [])));
  const withRelease = new Set<string>();
  let appImages = 0;
  let extraImages = 0;
  await Promise.all(
    plan.versions.map(async (version) => {
      if (exact.has(version) && !(await exists(repo, version))) {
        throw new NotFoundError(
          `${noun} ${name}: ${ctx.registry}/${repo}:${version} not found (check --include-${noun} ${name}@=${version})`,
        );
      }
      // d8 tolerates a missing module version image and takes release:<v> best effort (modules.go);
      // a version a channel or range names but the registry lacks is skipped, not the whole pull.
      if (!exact.has(version) && !(await exists(repo, version))) {
        ctx.skip(`${noun} ${name} ${version}`, `${ctx.registry}/${repo}:${version} not found`);
        return;
      }
      // An exact tag may be a build without a release (a ModulePullOverride build): its release is optional.
      if (await exists(releaseRepo, version)) withRelease.add(version);
      else if (!exact.has(version))
        ctx.skip(
          `${noun} ${name} ${catalog.releaseSegment} ${version}`,
          `${ctx.registry}/${releaseRepo}:${version} not found`,
        );
      const files = await ctx.limit(() =>
        readImageFiles(ctx.store, repo, version, [IMAGES_DIGESTS, EXTRA_IMAGES], ctx.signal),
      );
      const where = `${ctx.registry}/${repo}:${version}`;
      if (!files.has(IMAGES_DIGESTS)) {
        ctx.emit({
          type: 'log',
          level: 'warn',
          message: `${where} has no ${IMAGES_DIGESTS}: only the module image travels for ${version}`,
        });
      }
      const digests = digestsIn(parseJson(files.get(IMAGES_DIGESTS), `${where} ${IMAGES_DIGESTS}`));
      const extras = extraImagesIn(
        parseJson(files.get(EXTRA_IMAGES), `${where} ${EXTRA_IMAGES}`),
        where,
        (entry, why) => ctx.skip(`${where} ${EXTRA_IMAGES} entry ${entry}`, why),
      );
      if (!options.onlyExtraImages) {
        ctx.add(repo, version, path, version);
        await ctx.addVex(repo, version, path);
        if (withRelease.has(version)) ctx.add(releaseRepo, version, releasePath, version);
        // d8 pulls these best effort (modules.go): a digest the registry lacks is skipped, not fatal.
        const present = await Promise.all(digests.map((digest) => exists(repo, digest)));
        digests.forEach((digest, i) => {
          if (present[i]) {
            ctx.add(repo, digest, path);
            appImages += 1;
          } else
            ctx.skip(
              `${noun} ${name} image ${digest}`,
              `${ctx.registry}/${repo}@${digest} (in ${version}'s ${IMAGES_DIGESTS}) not found`,
            );
        });
      }
      for (const extra of extras) {
        const extraRepo = `${repo}/extra/${extra.name}`;
        // d8 tolerates a missing extra image tag (modules.go): skip it, keep the rest.
        if (!(await exists(extraRepo, extra.tag))) {
          ctx.skip(
            `${noun} ${name} extra image ${extra.name}:${extra.tag}`,
            `${ctx.registry}/${extraRepo}:${extra.tag} not found`,
          );
          continue;
        }
        ctx.add(extraRepo, extra.tag, `${path}/extra/${extra.name}`, extra.tag);
        // Ferry looks in the extra image's own repository; d8 asks the module's (modules.go findVexImage).
        await ctx.addVex(extraRepo, extra.tag, `${path}/extra/${extra.name}`);
        extraImages += 1;
      }
    }),
  );

  const aliases: Partial<Record<ReleaseChannel, string>> = {};
  if (!options.onlyExtraImages) {
    if (plan.sourceChannels) {
      for (const c of channels) {
        ctx.add(releaseRepo, c.channel, releasePath, c.channel);
        aliases[c.channel] = c.version;
      }
    }
    // Exact tags re-tag their release image as the channels asked for, over the source's channel tags.
    for (const { channel, version } of plan.retag) {
      if (!withRelease.has(version)) continue;
      ctx.add(releaseRepo, version, releasePath, channel);
      aliases[channel] = version;
    }
  }
  return { name, versions: plan.versions, channels: aliases, appImages, extraImages };
}

export async function planModules(ctx: PlanContext, options: ModulesOptions): Promise<ModulePlan[]> {
  const catalog = options.catalog ?? moduleCatalog(options.suffix);
  const modulesRepo = ctx.repo(catalog.base);
  const available = (await ctx.tags(modulesRepo)).sort();
  if (available.length === 0 && options.filter.mode !== 'include') {
    ctx.log(`${ctx.registry}/${modulesRepo} lists no ${catalog.noun}s`);
    return [];
  }
  const names = selectModules(options.filter, available, `${ctx.registry}/${modulesRepo}`, catalog.noun);
  const planned = await Promise.all(names.map((name) => planModule(ctx, name, options)));
  return planned.filter((m): m is ModulePlan => m !== undefined);
}
