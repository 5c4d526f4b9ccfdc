// The platform part of a Deckhouse pull: read every release channel's version.json, pick the versions
// (or the one --deckhouse-tag), and plan per version the deckhouse image, install, install-standalone
// (when published), release-channel, every image the installer's images_digests.json /
// images_tags.json names, and the channel tags pointing at the channel's version.
import type { Range, SemVer } from 'semver';
import { NotFoundError, RegistryError, UsageError } from '../errors.ts';
import {
  isReleaseChannel,
  LTS_CHANNEL,
  RELEASE_CHANNELS,
  type ChannelVersion,
  type ReleaseChannel,
} from './channels.ts';
import { readImageFiles } from './image-files.ts';
import { digestsIn, tagsIn } from './image-lists.ts';
import type { PlanContext } from './plan-context.ts';
import { constrainedPlatformVersions, platformVersions, tagForVersion, versionOfTag } from './versions.ts';

export interface PlatformOptions {
  /** Carry only this build (a channel name means its version), published to every channel. */
  deckhouseTag?: string;
  since?: SemVer;
  /** --include-platform <range>: d8's semver window for the platform. */
  range?: { range: Range; anchors: string[] };
  ignoreSuspend?: boolean;
}

export interface PlatformPlan {
  /** What each channel the source publishes said. */
  channels: ChannelVersion[];
  versions: string[];
  /** Channel → version its tags point at in the bundle. */
  aliases: Partial<Record<ReleaseChannel, string>>;
  /** Images named by the installers' image lists (digests and tags), over all versions. */
  listedImages: number;
}

const IMAGES_DIGESTS = 'deckhouse/candi/images_digests.json';
const IMAGES_TAGS = 'deckhouse/candi/images_tags.json';

/**
 * Every release channel the source publishes, read the way d8 reads them (platform.go
 * fetchReleaseChannels): when `lts` exists a missing standard channel is fine (LTS-only editions such
 * as CSE publish nothing else); otherwise all five are required, except for a --deckhouse-tag pull,
 * which only needs the channels to resolve names and aliases.
 */
async function readChannels(ctx: PlanContext, tagMode: boolean): Promise<ChannelVersion[]> {
  const repo = ctx.repo('release-channel');
  const hasLts = await ctx.exists(repo, LTS_CHANNEL);
  const read = await Promise.all(
    RELEASE_CHANNELS.map((channel) =>
      ctx.limit(async () => {
        if (await ctx.exists(repo, channel)) return ctx.channelVersion(repo, channel);
        if (hasLts || tagMode) return undefined;
        throw new NotFoundError(
          `${ctx.registry}/${repo}:${channel} not found: is --source the edition root (e.g. registry.deckhouse.ru/deckhouse/ee)?`,
        );
      }),
    ),
  );
  const channels = read.filter((c): c is ChannelVersion => c !== undefined);
  if (hasLts) channels.push(await ctx.channelVersion(repo, LTS_CHANNEL));
  return channels;
}

/** As d8: a suspended channel is an error only when the pull resolves to it (every channel in discovery). */
function refuseSuspended(channels: ChannelVersion[], ignoreSuspend: boolean): void {
  const suspended = channels.filter((c) => c.suspended);
  if (suspended.length > 0 && !ignoreSuspend) {
    throw new UsageError(
      `release channel${suspended.length > 1 ? 's' : ''} ${suspended.map((c) => `${c.channel} (${c.version})`).join(', ')} ${suspended.length > 1 ? 'are' : 'is'} suspended: pass --ignore-suspend to pull anyway`,
    );
  }
}

const sameVersion = (a: string, b: string): boolean => {
  const va = versionOfTag(a);
  const vb = versionOfTag(b);
  return va !== undefined && vb !== undefined && va.compare(vb) === 0;
};

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
  const tags = tagsIn(parse(IMAGES_TAGS));
  // d8 reads images_digests.json only when images_tags.json lists nothing (platform.go); Ferry
  // carries both unless --no-extra both-installer-lists.
  const allDigests = digestsIn(parse(IMAGES_DIGESTS));
  const both = tags.length > 0 && allDigests.length > 0;
  const digests = both && !ctx.extras.has('both-installer-lists') ? [] : allDigests;
  if (both)
    ctx.usedExtra(
      'both-installer-lists',
      `${version}: ${allDigests.length} digest reference(s) from ${IMAGES_DIGESTS} beside ${IMAGES_TAGS}`,
    );
  if (!files.has(IMAGES_DIGESTS) && !files.has(IMAGES_TAGS)) {
    ctx.emit({
      type: 'log',
      level: 'warn',
      message: `${ctx.registry}/${install}:${version} has neither ${IMAGES_DIGESTS} nor ${IMAGES_TAGS}: only the platform images themselves are carried for ${version}`,
    });
  }
  for (const digest of digests) ctx.add(ctx.root, digest, '');
  for (const tag of tags) ctx.add(ctx.root, tag, '');
  await Promise.all(tags.map((tag) => ctx.addVex(ctx.root, tag, '')));
  return digests.length + tags.length;
}

/**
 * An LTS release older than rock-solid: d8 drops the release (platform.go) but still ships the
 * source's release-channel:lts. Ferry carries the release (a cluster on LTS can then install it)
 * unless --no-extra lts-version, which does as d8 — or unless the source lacks it, as a registry a
 * d8 push filled does (the double hop), where it is skipped and warned.
 */
async function dropOldLts(
  ctx: PlanContext,
  channels: ChannelVersion[],
  versions: string[],
  aliases: Partial<Record<ReleaseChannel, string>>,
  tags: string[],
  since: SemVer | undefined,
): Promise<void> {
  const lts = channels.find((c) => c.channel === LTS_CHANNEL);
  const rockSolid = channels.find((c) => c.channel === 'rock-solid');
  if (!lts || !rockSolid) return;
  const release = tagForVersion(lts.version, tags);
  const [ltsV, rsV] = [versionOfTag(release), versionOfTag(tagForVersion(rockSolid.version, tags))];
  // Within a --since-version window the release travels on its own account, as for d8's window.
  if (!ltsV || !rsV || ltsV.compare(rsV) >= 0 || (since && ltsV.compare(since) >= 0)) return;
  if (ctx.extras.has('lts-version')) {
    // A registry d8 filled holds release-channel:lts without the release (double hop): skip it.
    if (await ctx.exists(ctx.root, release)) {
      ctx.usedExtra('lts-version', `${release} (lts), older than rock-solid ${rockSolid.version}`);
      return;
    }
    ctx.skip(
      `platform release ${release} (lts)`,
      `${ctx.registry}/${ctx.root}:${release} not found (d8 leaves an LTS release older than rock-solid behind; release-channel:lts travels alone)`,
    );
  }
  delete aliases[LTS_CHANNEL];
  const others = channels.some((c) => c !== lts && sameVersion(c.version, release));
  if (!others && versions.includes(release)) versions.splice(versions.indexOf(release), 1);
  ctx.add(ctx.repo('release-channel'), LTS_CHANNEL, 'release-channel', LTS_CHANNEL);
  ctx.log(
    `release-channel:lts (${lts.version}) travels as the source publishes it; ${release} itself stays behind (--no-extra lts-version)`,
  );
}

export async function planPlatform(ctx: PlanContext, options: PlatformOptions): Promise<PlatformPlan> {
  const releaseRepo = ctx.repo('release-channel');
  const standaloneRepo = ctx.repo('install-standalone');
  let channels: ChannelVersion[] = [];
  let versions: string[];
  const aliases: Partial<Record<ReleaseChannel, string>> = {};
  let releaseImages = true;

  // The release-channel image the channel tags are made from: the channel's own when channels are
  // read, the requested build's (or the requested channel's) with --deckhouse-tag.
  let releaseRef: string | undefined;
  if (options.deckhouseTag !== undefined) {
    const requested = options.deckhouseTag;
    channels = await readChannels(ctx, true);
    let tag = requested;
    if (isReleaseChannel(requested)) {
      // A channel name means the version that channel points at, as d8 resolves it (platform.go
      // matchChannelsToTags): the bundle carries vX.Y.Z, which is what the cluster will ask for.
      const named = channels.find((c) => c.channel === requested);
      if (!named) {
        throw new NotFoundError(
          `${ctx.registry}/${releaseRepo}:${requested} not found: the source publishes ${channels.map((c) => c.channel).join(', ') || 'no release channels'}; give --deckhouse-tag one of those or a version (vX.Y.Z)`,
        );
      }
      tag = tagForVersion(named.version, await ctx.tags(releaseRepo));
    }
    refuseSuspended(
      channels.filter((c) => c.channel === requested || sameVersion(c.version, tag)),
      options.ignoreSuspend === true,
    );
    if (!(await ctx.exists(ctx.root, tag))) {
      throw new NotFoundError(`${ctx.registry}/${ctx.root}:${tag} not found: check --deckhouse-tag`);
    }
    versions = [tag];
    releaseImages = await ctx.exists(releaseRepo, tag);
    releaseRef = releaseImages ? tag : isReleaseChannel(requested) ? requested : undefined;
    // As d8: with a release-channel image for the build, every standard channel points at it.
    if (releaseRef !== undefined) for (const channel of RELEASE_CHANNELS) aliases[channel] = tag;
    else
      ctx.log(
        `${ctx.registry}/${releaseRepo}:${tag} does not exist: no channel tags are published for ${tag}`,
      );
    const lts = channels.find((c) => c.channel === LTS_CHANNEL);
    if (lts && releaseRef !== undefined && (requested === LTS_CHANNEL || sameVersion(lts.version, tag))) {
      aliases[LTS_CHANNEL] = tag;
    } else if (lts) {
      // d8 keeps the source's release-channel:lts in a tag pull (it never re-tags lts); an LTS
      // cluster needs it to know its channel at all, even when it names another version.
      ctx.add(releaseRepo, LTS_CHANNEL, 'release-channel', LTS_CHANNEL);
      ctx.log(
        `release-channel:lts (${lts.version}) travels as the source publishes it; ${lts.version} itself is not in this bundle`,
      );
    }
  } else {
    channels = await readChannels(ctx, false);
    refuseSuspended(channels, options.ignoreSuspend === true);
    const tags = await ctx.tags(releaseRepo);
    const range = options.range;
    if (range) {
      // As d8 (platform.go filterChannelsByConstraint): channels pointing outside the window are dropped.
      const inside = channels.filter((c) => {
        const v = versionOfTag(tagForVersion(c.version, tags));
        return v !== undefined && range.range.test(v);
      });
      for (const c of channels.filter((c) => !inside.includes(c)))
        ctx.log(
          `release channel ${c.channel} (${c.version}) is outside --include-platform: no ${c.channel} tags`,
        );
      channels = inside;
      versions = constrainedPlatformVersions(tags, channels, range);
      if (versions.length === 0)
        throw new NotFoundError(
          `--include-platform matches none of ${ctx.registry}/${releaseRepo}'s versions: widen the range`,
        );
    } else
      versions = platformVersions({ tags, channels, ...(options.since ? { since: options.since } : {}) });
    for (const c of channels) aliases[c.channel] = tagForVersion(c.version, tags);
    await dropOldLts(ctx, channels, versions, aliases, tags, options.since);
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

  const channelTags = ctx.extras.has('channel-tags');
  for (const [channel, version] of Object.entries(aliases) as Array<[ReleaseChannel, string]>) {
    if (channelTags) {
      ctx.add(ctx.root, version, '', channel);
      ctx.add(ctx.repo('install'), version, 'install', channel);
      if (standalone.has(version)) ctx.add(standaloneRepo, version, 'install-standalone', channel);
    }
    ctx.add(releaseRepo, releaseRef ?? channel, 'release-channel', channel);
  }
  const tagged = Object.keys(aliases);
  if (tagged.length)
    ctx.usedExtra(
      'channel-tags',
      `:<channel>, install:<channel>, install-standalone:<channel> for ${tagged.join(', ')}`,
    );
  return { channels, versions, aliases, listedImages: counts.reduce((a, b) => a + b, 0) };
}
