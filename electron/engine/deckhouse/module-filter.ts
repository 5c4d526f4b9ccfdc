// `--include-module` / `--exclude-module` as d8 reads them: `name`, `name@1.3.0` (>=1.3.0 <2.0.0),
// `name@^1.3.0`, `name@~1.3.0`, `name@">=1.1.0 <1.3.0"`, `name@=v1.3.0` (that tag only, published to
// every channel) and `name@=v1.3.0+stable` (one channel). Ranges use node-semver after translating
// Masterminds' spellings (commas mean AND), so `^0.4.0` is `>=0.4.0 <0.5.0` in both.
import semver, { type Range } from 'semver';
import { UsageError } from '../errors.ts';
import { isValidTag } from '../ref/reference.ts';
import { ALL_CHANNELS, isReleaseChannel, type ChannelVersion, type ReleaseChannel } from './channels.ts';
import { latestPatchPerMinor, sortVersionTags, tagForVersion, versionOfTag } from './versions.ts';

export type ModuleConstraint =
  | { kind: 'channels' }
  | {
      kind: 'range';
      text: string;
      range: Range;
      anchors: string[];
      /** The anchors are only a ^/~ lower bound, which d8 does not carry (Ferry's `range-anchors` extra). */
      implied?: boolean;
    }
  | { kind: 'exact'; tag: string; channel?: ReleaseChannel };

export interface ModuleFilter {
  /** 'all': every module; 'include': only those named; 'exclude': all but those named. */
  mode: 'all' | 'include' | 'exclude';
  /** Included module → its constraints (repeated flags for one module are OR-combined). */
  include: Map<string, ModuleConstraint[]>;
  exclude: Set<string>;
}

const moduleName = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

function splitFlag(flag: string, text: string): { name: string; constraint: string | undefined } {
  const at = text.indexOf('@');
  const name = (at < 0 ? text : text.slice(0, at)).trim();
  const constraint = at < 0 ? undefined : text.slice(at + 1).trim();
  if (!moduleName.test(name)) {
    throw new UsageError(
      `${flag} '${text}': '${name}' is not a ${flag.includes('package') ? 'package' : 'module'} name (lowercase letters, digits, '-')`,
    );
  }
  return { name, constraint: constraint === '' ? undefined : constraint };
}

/**
 * A bare version (`1.3.0`, `v1.3`, `1`) means `>=X.Y.Z <(X+1).0.0` with no anchor, as d8's
 * NewImplicitVersionConstraint (deckhouse-cli issue #413): unlike caret, 0.x spans the whole 0.x
 * line, so the intermediate minors a sequential upgrade needs travel too.
 */
const bareVersion = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

/**
 * `impliedAnchors`: whether the lower bound of `^`/`~` (a range that names no `>=`, `<=` or `=`)
 * travels too — Ferry's extra over d8 (ferry-extras.ts `range-anchors`).
 */
export function parseModuleConstraint(
  text: string | undefined,
  flag = '--include-module',
  impliedAnchors = true,
): ModuleConstraint {
  if (text === undefined) return { kind: 'channels' };
  if (text.startsWith('=')) {
    const body = text.slice(1);
    const plus = body.lastIndexOf('+');
    const tag = plus < 0 ? body : body.slice(0, plus);
    const channel = plus < 0 ? undefined : body.slice(plus + 1);
    if (!isValidTag(tag)) throw new UsageError(`${flag} '=${body}': '${tag}' is not a valid tag`);
    if (channel === undefined) return { kind: 'exact', tag };
    if (!isReleaseChannel(channel)) {
      throw new UsageError(
        `${flag} '=${body}': '${channel}' is not a release channel (${ALL_CHANNELS.join(', ')})`,
      );
    }
    return { kind: 'exact', tag, channel };
  }
  const bare = bareVersion.exec(text);
  if (bare) {
    const [, major, minor = '0', patch = '0'] = bare;
    const range = new semver.Range(`>=${major}.${minor}.${patch} <${Number(major) + 1}.0.0`);
    return { kind: 'range', text, range, anchors: [] };
  }
  const translated = text.replace(/\s*,\s*/g, ' ');
  const valid = semver.validRange(translated);
  if (valid === null) {
    throw new UsageError(
      `${flag} '${text}' is not a version constraint: use e.g. 1.3.0, ^1.3.0, ~1.3.0, ">=1.1.0 <1.3.0" or =v1.3.0`,
    );
  }
  const range = new semver.Range(translated);
  const explicit = /(>=|<=|=>|=<|(^|[\s,|])=)/.test(text);
  if (explicit) return { kind: 'range', text, range, anchors: anchors(range) };
  return { kind: 'range', text, range, anchors: impliedAnchors ? anchors(range) : [], implied: true };
}

/** Packages take the same filter syntax as modules (d8 reuses its module filter), under their own flags. */
export function parseModuleFilter(
  include: string[] = [],
  exclude: string[] = [],
  noun: 'module' | 'package' = 'module',
  impliedAnchors = true,
): ModuleFilter {
  const [includeFlag, excludeFlag] = [`--include-${noun}`, `--exclude-${noun}`];
  if (include.length > 0 && exclude.length > 0) {
    throw new UsageError(`${includeFlag} and ${excludeFlag} cannot be combined: use one or the other`);
  }
  const filter: ModuleFilter = {
    mode: include.length > 0 ? 'include' : exclude.length > 0 ? 'exclude' : 'all',
    include: new Map(),
    exclude: new Set(),
  };
  for (const text of include) {
    const { name, constraint } = splitFlag(includeFlag, text);
    const list = filter.include.get(name) ?? [];
    list.push(parseModuleConstraint(constraint, includeFlag, impliedAnchors));
    filter.include.set(name, list);
  }
  // d8 accepts a version on an exclusion and ignores it: the whole module stays behind.
  for (const text of exclude) filter.exclude.add(splitFlag(excludeFlag, text).name);
  return filter;
}

/** The modules a filter keeps, in the source's order; an included module the source lacks is an error. */
export function selectModules(
  filter: ModuleFilter,
  available: string[],
  where: string,
  noun: 'module' | 'package' = 'module',
): string[] {
  if (filter.mode === 'include') {
    const missing = [...filter.include.keys()].filter((m) => !available.includes(m));
    if (missing.length > 0) {
      throw new UsageError(
        `${noun}${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in ${where} (it has: ${available.join(', ') || 'none'})`,
      );
    }
    return available.filter((m) => filter.include.has(m));
  }
  return available.filter((m) => !filter.exclude.has(m));
}

export function constraintsFor(filter: ModuleFilter, module: string): ModuleConstraint[] {
  return filter.mode === 'include' ? (filter.include.get(module) ?? []) : [{ kind: 'channels' }];
}

/**
 * Versions a range names as its edges (`>=1.3.0`, `<=1.4.0`, `=1.3.0`, and the lower bound of `^`
 * and `~`, which d8 does not count): carried when published.
 */
function anchors(range: Range): string[] {
  return range.set.flatMap((comparators) =>
    comparators.filter((c) => ['>=', '<=', '', '='].includes(c.operator)).map((c) => c.semver.version),
  );
}

export interface ModuleVersionPlan {
  /** Versions to carry (module image, release image, images_digests.json images, extras). */
  versions: string[];
  /** Whether the source's own `release:<channel>` tags travel (every constraint but an exact tag). */
  sourceChannels: boolean;
  /** Channel tags published to point at `release:<version>` (exact-tag filters). */
  retag: Array<{ channel: ReleaseChannel; version: string }>;
}

/**
 * Applies a module's constraints (OR-combined). `tags` are the module repository's tags (only needed
 * for ranges); `channels` what the source's channels point at (ignored by exact tags).
 */
export function planModuleVersions(
  constraints: ModuleConstraint[],
  tags: string[],
  channels: ChannelVersion[],
  channelsForRetag: readonly ReleaseChannel[],
): ModuleVersionPlan {
  const versions = new Set<string>();
  const retag = new Map<ReleaseChannel, string>();
  let sourceChannels = false;
  // As d8's mergeConstraints: a bare name next to versioned includes of the module adds nothing.
  const versioned = constraints.filter((c) => c.kind !== 'channels');
  const effective = versioned.length > 0 ? versioned : constraints;
  // As d8's applyChannelAliases: channel tags only when every constraint is an exact pin; one pin
  // without a channel goes to every channel, several pins only to the channels they name (they
  // would overwrite one another otherwise); pins mixed with a range keep the source's channels.
  const exacts = effective.filter((c) => c.kind === 'exact');
  const onlyExact = exacts.length === effective.length;
  const toEveryChannel = onlyExact && exacts.length === 1 && exacts[0]!.channel === undefined;
  for (const c of effective) {
    if (c.kind === 'exact') {
      versions.add(c.tag);
      if (!onlyExact) continue;
      const channels = c.channel ? [c.channel] : toEveryChannel ? channelsForRetag : [];
      for (const channel of channels) retag.set(channel, c.tag);
      continue;
    }
    sourceChannels = true;
    for (const ch of channels) versions.add(tagForVersion(ch.version, tags));
    if (c.kind === 'range') {
      const inRange = tags.filter((t) => {
        const v = versionOfTag(t);
        return v !== undefined && c.range.test(v);
      });
      for (const t of latestPatchPerMinor(inRange)) versions.add(t);
      for (const anchor of c.anchors) {
        const tag = tags.find((t) => versionOfTag(t)?.version === anchor);
        if (tag) versions.add(tag);
      }
    }
  }
  return {
    versions: sortVersionTags(versions),
    sourceChannels,
    retag: [...retag].map(([channel, version]) => ({ channel, version })),
  };
}
