// The platform part of a Deckhouse pull: read every release channel's version.json, pick the versions
// (or the one --deckhouse-tag), and plan per version the deckhouse image, install, install-standalone
// (when published), release-channel, every image the installer's images_digests.json /
// images_tags.json names, and the channel tags pointing at the channel's version.
import type { SemVer } from 'semver';
import { NotFoundError, RegistryError, UsageError } from '../errors.ts';
import { LTS_CHANNEL, RELEASE_CHANNELS, type ChannelVersion, type ReleaseChannel } from './channels.ts';
import { readImageFiles } from './image-files.ts';
import { digestsIn, tagsIn } from './image-lists.ts';
import type { PlanContext } from './plan-context.ts';
import { platformVersions, tagForVersion } from './versions.ts';

export interface PlatformOptions {
  /** Carry only this build, published to every channel when its release-channel image exists. */
  deckhouseTag?: string;
  since?: SemVer;
  ignoreSuspend?: boolean;
}

export interface PlatformPlan {
  /** What each channel said (empty with --deckhouse-tag: channels are not read then). */
  channels: ChannelVersion[];
  versions: string[];
  /** Channel → version its tags point at in the bundle. */
  aliases: Partial<Record<ReleaseChannel, string>>;
  /** Images named by the installers' image lists (digests and tags), over all versions. */
  listedImages: number;
}

const IMAGES_DIGESTS = 'deckhouse/candi/images_digests.json';
const IMAGES_TAGS = 'deckhouse/candi/images_tags.json';

async function readChannels(ctx: PlanContext, ignoreSuspend: boolean): Promise<ChannelVersion[]> {
  const repo = ctx.repo('release-channel');
  const hasLts = await ctx.exists(repo, LTS_CHANNEL);
  const names: ReleaseChannel[] = [...RELEASE_CHANNELS, ...(hasLts ? [LTS_CHANNEL] : [])];
  const channels = await Promise.all(
    names.map((channel) =>
      ctx.limit(async () => {
        if (!(await ctx.exists(repo, channel))) {
          throw new NotFoundError(
            `${ctx.registry}/${repo}:${channel} not found: is --source the edition root (e.g. registry.deckhouse.ru/deckhouse/ee)?`,
          );
        }
        return ctx.channelVersion(repo, channel);
      }),
    ),
  );
  const suspended = channels.filter((c) => c.suspended);
  if (suspended.length > 0 && !ignoreSuspend) {
    throw new UsageError(
      `release channel${suspended.length > 1 ? 's' : ''} ${suspended.map((c) => `${c.channel} (${c.version})`).join(', ')} ${suspended.length > 1 ? 'are' : 'is'} suspended: pass --ignore-suspend to pull anyway`,
    );
  }
  return channels;
}

/** Plans one version's images; returns how many the installer's lists named. */
async function planVersion(
  ctx: PlanContext,
  version: string,
  standalone: boolean,
  releaseImage: boolean,
): Promise<number> {
  const install = ctx.repo('install');
  ctx.add(ctx.root, version, '', version);
  ctx.add(install, version, 'install', version);
  if (standalone) ctx.add(ctx.repo('install-standalone'), version, 'install-standalone', version);
  if (releaseImage) ctx.add(ctx.repo('release-channel'), version, 'release-channel', version);

  const files = await readImageFiles(ctx.store, install, version, [IMAGES_DIGESTS, IMAGES_TAGS], ctx.signal);
  const parse = (path: string): unknown => {
    const bytes = files.get(path);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (err) {
      throw new RegistryError(`${ctx.registry}/${install}:${version}: ${path} is not valid JSON`, {
        cause: err,
      });
    }
  };
  const digests = digestsIn(parse(IMAGES_DIGESTS));
  const tags = tagsIn(parse(IMAGES_TAGS));
  if (!files.has(IMAGES_DIGESTS) && !files.has(IMAGES_TAGS)) {
    ctx.emit({
      type: 'log',
      level: 'warn',
      message: `${ctx.registry}/${install}:${version} has neither ${IMAGES_DIGESTS} nor ${IMAGES_TAGS}: only the platform images themselves are carried for ${version}`,
    });
  }
  for (const digest of digests) ctx.add(ctx.root, digest, '');
  for (const tag of tags) ctx.add(ctx.root, tag, '');
  return digests.length + tags.length;
}

export async function planPlatform(ctx: PlanContext, options: PlatformOptions): Promise<PlatformPlan> {
  const releaseRepo = ctx.repo('release-channel');
  const standaloneRepo = ctx.repo('install-standalone');
  let channels: ChannelVersion[] = [];
  let versions: string[];
  const aliases: Partial<Record<ReleaseChannel, string>> = {};
  let releaseImages = true;

  if (options.deckhouseTag !== undefined) {
    const tag = options.deckhouseTag;
    if (!(await ctx.exists(ctx.root, tag))) {
      throw new NotFoundError(`${ctx.registry}/${ctx.root}:${tag} not found: check --deckhouse-tag`);
    }
    versions = [tag];
    releaseImages = await ctx.exists(releaseRepo, tag);
    // As d8: with a release-channel image for the tag, every channel in the bundle points at it.
    if (releaseImages) for (const channel of RELEASE_CHANNELS) aliases[channel] = tag;
    else
      ctx.log(
        `${ctx.registry}/${releaseRepo}:${tag} does not exist: no channel tags are published for ${tag}`,
      );
  } else {
    channels = await readChannels(ctx, options.ignoreSuspend === true);
    const tags = await ctx.tags(releaseRepo);
    versions = platformVersions({ tags, channels, ...(options.since ? { since: options.since } : {}) });
    for (const c of channels) aliases[c.channel] = tagForVersion(c.version, tags);
  }

  const standalone = new Set<string>();
  const counts = await Promise.all(
    versions.map((version) =>
      ctx.limit(async () => {
        if (await ctx.exists(standaloneRepo, version)) standalone.add(version);
        return planVersion(ctx, version, standalone.has(version), releaseImages);
      }),
    ),
  );

  for (const [channel, version] of Object.entries(aliases) as Array<[ReleaseChannel, string]>) {
    ctx.add(ctx.root, version, '', channel);
    ctx.add(ctx.repo('install'), version, 'install', channel);
    if (standalone.has(version)) ctx.add(standaloneRepo, version, 'install-standalone', channel);
    // The channel's own image when the channels were read; the tag's release image re-tagged otherwise.
    ctx.add(releaseRepo, options.deckhouseTag ?? channel, 'release-channel', channel);
  }
  return { channels, versions, aliases, listedImages: counts.reduce((a, b) => a + b, 0) };
}
