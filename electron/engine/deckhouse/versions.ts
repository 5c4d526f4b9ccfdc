// Version arithmetic on registry tags: which tags are versions, the latest patch of each minor, and the
// platform's version set (the rock-solid..alpha range, widened down by --since-version, plus every
// channel's version). Tags keep their published spelling ('v1.69.2'); semver only orders them.
import semver, { type Range, type SemVer } from 'semver';
import { UsageError } from '../errors.ts';
import { LTS_CHANNEL, type ChannelVersion } from './channels.ts';

/** A release tag ('v1.69.2' or '1.69.2') as semver; undefined for channel names, builds, prereleases. */
export function versionOfTag(tag: string): SemVer | undefined {
  if (!/^v?\d+\.\d+\.\d+$/.test(tag)) return undefined;
  return semver.parse(tag.replace(/^v/, '')) ?? undefined;
}

/** Ascending by version; tags that are not versions keep their relative order at the end. */
export function sortVersionTags(tags: Iterable<string>): string[] {
  const list = [...new Set(tags)];
  const versions = list.filter((t) => versionOfTag(t) !== undefined);
  const others = list.filter((t) => versionOfTag(t) === undefined);
  versions.sort((a, b) => semver.compare(versionOfTag(a)!, versionOfTag(b)!));
  return [...versions, ...others];
}

/** For each major.minor among `tags`, the tag with the highest patch. */
export function latestPatchPerMinor(tags: Iterable<string>): string[] {
  const best = new Map<string, { tag: string; version: SemVer }>();
  for (const tag of tags) {
    const version = versionOfTag(tag);
    if (!version) continue;
    const key = `${version.major}.${version.minor}`;
    const prior = best.get(key);
    if (!prior || semver.gt(version, prior.version)) best.set(key, { tag, version });
  }
  return sortVersionTags([...best.values()].map((b) => b.tag));
}

/** `--since-version` as given: X.Y or X.Y.Z, with or without a leading 'v'. */
export function parseSinceVersion(text: string): SemVer {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `--since-version '${text}' is not a version: use X.Y or X.Y.Z, e.g. 1.68 or v1.68.2`,
    );
  }
  return new semver.SemVer(`${m[1]}.${m[2]}.${m[3] ?? '0'}`);
}

/** The published tag for a version a channel names: 'v1.69.2' even when version.json says '1.69.2'. */
export function tagForVersion(version: string, tags: string[]): string {
  const wanted = versionOfTag(version) ?? semver.parse(version.replace(/^v/, ''));
  if (!wanted) return version;
  return tags.find((t) => versionOfTag(t)?.compare(wanted) === 0) ?? version;
}

export interface PlatformVersionsInput {
  /** Tags of `<edition>/release-channel`. */
  tags: string[];
  /** Every channel read (LTS included when the source has it). */
  channels: ChannelVersion[];
  /** Lower bound from --since-version; ignored when above the oldest channel (as d8 documents). */
  since?: SemVer;
}

/**
 * The platform versions a pull carries: of the tags between the oldest and the newest standard
 * channel (the lower bound moved down to --since-version when that is older), the latest patch of
 * each minor; plus every channel's own version (LTS's too, without widening the range).
 */
export function platformVersions(input: PlatformVersionsInput): string[] {
  const channelTags = input.channels.map((c) => tagForVersion(c.version, input.tags));
  const bounds = input.channels
    .filter((c) => c.channel !== LTS_CHANNEL)
    .map((c) => versionOfTag(tagForVersion(c.version, input.tags)))
    .filter((v): v is SemVer => v !== undefined)
    .sort(semver.compare);
  const selected = new Set(channelTags);
  if (bounds.length > 0) {
    let low = bounds[0]!;
    const high = bounds[bounds.length - 1]!;
    if (input.since && semver.lt(input.since, low)) low = input.since;
    const inRange = input.tags.filter((t) => {
      const v = versionOfTag(t);
      return v !== undefined && semver.gte(v, low) && semver.lte(v, high);
    });
    for (const t of latestPatchPerMinor(inRange)) selected.add(t);
  }
  return sortVersionTags(selected);
}

/**
 * `--include-platform <range>` as d8 takes it (platform.go expandVersionRange): the constraint owns
 * both bounds — of the release-channel tags in the range the latest patch of each minor, plus the
 * versions the range names as its edges when published, plus the versions of the channels that
 * point into the range (channels pointing outside it are dropped).
 */
export function constrainedPlatformVersions(
  tags: string[],
  channels: Array<{ version: string }>,
  range: { range: Range; anchors: string[] },
): string[] {
  const selected = new Set(channels.map((c) => tagForVersion(c.version, tags)));
  const inRange = tags.filter((t) => {
    const v = versionOfTag(t);
    return v !== undefined && range.range.test(v);
  });
  for (const t of latestPatchPerMinor(inRange)) selected.add(t);
  for (const anchor of range.anchors) {
    const tag = tags.find((t) => versionOfTag(t)?.version === anchor);
    if (tag) selected.add(tag);
  }
  return sortVersionTags(selected);
}
