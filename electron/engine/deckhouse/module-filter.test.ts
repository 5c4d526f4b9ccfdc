import { describe, expect, it } from 'vitest';
import type { ChannelVersion } from './channels.ts';
import { RELEASE_CHANNELS } from './channels.ts';
import {
  parseModuleConstraint,
  parseModuleFilter,
  planModuleVersions,
  selectModules,
} from './module-filter.ts';

// The example of d8's documentation.
const TAGS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.3.3', 'v1.4.1', 'build-7'];
const NO_CHANNELS: ChannelVersion[] = [];
const CHANNELS: ChannelVersion[] = [
  { channel: 'alpha', version: 'v1.4.1', suspended: false },
  { channel: 'stable', version: 'v1.1.0', suspended: false },
];

const versions = (text: string | undefined, channels = NO_CHANNELS) =>
  planModuleVersions([parseModuleConstraint(text)], TAGS, channels, RELEASE_CHANNELS).versions;

describe('module constraints', () => {
  it("follows d8's documented examples", () => {
    expect(versions('^1.3.0')).toEqual(['v1.3.0', 'v1.3.3', 'v1.4.1']);
    // A bare version is >=1.3.0 <2.0.0 with no anchor (d8's help: v1.3.3, v1.4.1).
    expect(versions('1.3.0')).toEqual(['v1.3.3', 'v1.4.1']);
    expect(versions('~1.3.0')).toEqual(['v1.3.0', 'v1.3.3']);
    expect(versions('>=1.1.0 <1.3.0')).toEqual(['v1.1.0', 'v1.2.0']);
  });

  it('adds every channel version to ranges, and channel versions alone for a bare name', () => {
    expect(versions('~1.3.0', CHANNELS)).toEqual(['v1.1.0', 'v1.3.0', 'v1.3.3', 'v1.4.1']);
    expect(versions(undefined, CHANNELS)).toEqual(['v1.1.0', 'v1.4.1']);
  });

  it('reads Masterminds spellings: commas are AND, ^0.x stays within the minor', () => {
    expect(versions('>=1.1.0, <1.3.0')).toEqual(['v1.1.0', 'v1.2.0']);
    const zero = planModuleVersions(
      [parseModuleConstraint('^0.4.0')],
      ['v0.4.0', 'v0.4.2', 'v0.5.0'],
      [],
      RELEASE_CHANNELS,
    );
    expect(zero.versions).toEqual(['v0.4.0', 'v0.4.2']);
  });

  it('a bare 0.x version spans the whole 0.x line, latest patch per minor (d8 issue #413)', () => {
    const tags = ['v0.3.9', 'v0.4.0', 'v0.4.2', 'v0.5.1', 'v0.6.0', 'v0.6.3', 'v1.0.0'];
    const bare = planModuleVersions([parseModuleConstraint('0.4.0')], tags, [], RELEASE_CHANNELS);
    expect(bare.versions).toEqual(['v0.4.2', 'v0.5.1', 'v0.6.3']);
  });

  it('aliases exact pins as d8 does: several pins only to their named channel, none when mixed with a range', () => {
    const two = planModuleVersions(
      [parseModuleConstraint('=v1.3.0'), parseModuleConstraint('=v1.4.1+stable')],
      TAGS,
      CHANNELS,
      RELEASE_CHANNELS,
    );
    expect(two.versions).toEqual(['v1.3.0', 'v1.4.1']);
    expect(two.retag).toEqual([{ channel: 'stable', version: 'v1.4.1' }]);
    const mixed = planModuleVersions(
      [parseModuleConstraint('=v1.3.0+alpha'), parseModuleConstraint('~1.3.0')],
      TAGS,
      CHANNELS,
      RELEASE_CHANNELS,
    );
    expect(mixed.retag).toEqual([]);
    expect(mixed.sourceChannels).toBe(true);
    // A bare name beside a pin adds nothing (d8's mergeConstraints): the pin alone, on every channel.
    const withName = planModuleVersions(
      [parseModuleConstraint(undefined), parseModuleConstraint('=v1.3.0')],
      TAGS,
      CHANNELS,
      RELEASE_CHANNELS,
    );
    expect(withName.versions).toEqual(['v1.3.0']);
    expect(withName.retag.map((r) => r.channel)).toEqual([...RELEASE_CHANNELS]);
  });

  it('=tag carries that tag alone, re-tagged to every channel or to the one named', () => {
    const all = planModuleVersions([parseModuleConstraint('=v1.3.0')], TAGS, CHANNELS, RELEASE_CHANNELS);
    expect(all.versions).toEqual(['v1.3.0']);
    expect(all.sourceChannels).toBe(false);
    expect(all.retag.map((r) => r.channel)).toEqual([...RELEASE_CHANNELS]);
    const one = planModuleVersions(
      [parseModuleConstraint('=bobV1+stable')],
      TAGS,
      CHANNELS,
      RELEASE_CHANNELS,
    );
    expect(one.versions).toEqual(['bobV1']);
    expect(one.retag).toEqual([{ channel: 'stable', version: 'bobV1' }]);
  });

  it('refuses what is not a constraint, a tag or a channel', () => {
    expect(() => parseModuleConstraint('>=banana')).toThrow(/not a version constraint/);
    expect(() => parseModuleConstraint('=v1.3.0+weekly')).toThrow(/'weekly' is not a release channel/);
    expect(() => parseModuleConstraint('=bad tag')).toThrow(/not a valid tag/);
  });
});

describe('module filter', () => {
  it('include and exclude are exclusive; names are checked; repeated includes are OR-combined', () => {
    expect(() => parseModuleFilter(['a'], ['b'])).toThrow(/cannot be combined/);
    expect(() => parseModuleFilter(['Bad_Name'])).toThrow(/not a module name/);
    const f = parseModuleFilter(['console@=v1.3.0', 'console@~1.4.0']);
    expect(f.include.get('console')).toHaveLength(2);
    const plan = planModuleVersions(
      f.include.get('console')!,
      ['v1.3.0', 'v1.4.0', 'v1.4.2'],
      CHANNELS,
      RELEASE_CHANNELS,
    );
    expect(plan.versions).toEqual(['v1.1.0', 'v1.3.0', 'v1.4.0', 'v1.4.1', 'v1.4.2']);
  });

  it('exclude drops whole modules, ignoring a version; include names must exist', () => {
    expect(selectModules(parseModuleFilter([], ['console@1.3.0']), ['console', 'stronghold'], 'src')).toEqual(
      ['stronghold'],
    );
    expect(selectModules(parseModuleFilter(['stronghold']), ['console', 'stronghold'], 'src')).toEqual([
      'stronghold',
    ]);
    expect(() => selectModules(parseModuleFilter(['nosuch']), ['console'], 'src/modules')).toThrow(
      /nosuch not found in src\/modules \(it has: console\)/,
    );
  });
});
