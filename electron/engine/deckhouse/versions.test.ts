import { describe, expect, it } from 'vitest';
import type { ChannelVersion } from './channels.ts';
import {
  latestPatchPerMinor,
  parseSinceVersion,
  platformVersions,
  sortVersionTags,
  versionOfTag,
} from './versions.ts';

const channels = (pairs: Array<[ChannelVersion['channel'], string]>): ChannelVersion[] =>
  pairs.map(([channel, version]) => ({ channel, version, suspended: false }));

describe('version tags', () => {
  it('reads release tags only', () => {
    expect(versionOfTag('v1.69.2')?.version).toBe('1.69.2');
    expect(versionOfTag('1.69.2')?.version).toBe('1.69.2');
    for (const t of ['stable', 'v1.69', 'v1.69.2-rc.1', 'pr1234', 'v1.69.2+build'])
      expect(versionOfTag(t)).toBeUndefined();
  });

  it('sorts by version and keeps the latest patch of each minor', () => {
    expect(sortVersionTags(['v1.10.0', 'v1.9.3', 'alpha', 'v1.9.10'])).toEqual([
      'v1.9.3',
      'v1.9.10',
      'v1.10.0',
      'alpha',
    ]);
    expect(
      latestPatchPerMinor(['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.3.3', 'v1.4.1', 'v2.0.0']),
    ).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.3', 'v1.4.1', 'v2.0.0']);
  });

  it('parses --since-version as X.Y or X.Y.Z and refuses anything else', () => {
    expect(parseSinceVersion('1.67').version).toBe('1.67.0');
    expect(parseSinceVersion('v1.67.3').version).toBe('1.67.3');
    expect(() => parseSinceVersion('1')).toThrow(/not a version/);
    expect(() => parseSinceVersion('latest')).toThrow(/not a version/);
  });
});

describe('platformVersions', () => {
  const tags = [
    'v1.66.1',
    'v1.67.0',
    'v1.67.2',
    'v1.68.0',
    'v1.68.3',
    'v1.69.0',
    'v1.69.2',
    'v1.70.0',
    'v1.70.1',
    'v1.71.0',
    'v1.72.0',
    'alpha',
  ];
  const five = channels([
    ['alpha', 'v1.71.0'],
    ['beta', 'v1.70.1'],
    ['early-access', 'v1.70.1'],
    ['stable', 'v1.69.2'],
    ['rock-solid', 'v1.68.3'],
  ]);

  it('takes the latest patch per minor between rock-solid and alpha, plus the channel versions', () => {
    expect(platformVersions({ tags, channels: five })).toEqual(['v1.68.3', 'v1.69.2', 'v1.70.1', 'v1.71.0']);
  });

  it('--since-version lowers the bound; above rock-solid it is ignored', () => {
    expect(platformVersions({ tags, channels: five, since: parseSinceVersion('1.67') })).toEqual([
      'v1.67.2',
      'v1.68.3',
      'v1.69.2',
      'v1.70.1',
      'v1.71.0',
    ]);
    expect(platformVersions({ tags, channels: five, since: parseSinceVersion('1.70') })).toEqual(
      platformVersions({ tags, channels: five }),
    );
  });

  it('adds LTS without widening the range, and keeps a channel version that is not the latest patch', () => {
    const withLts = [...five, ...channels([['lts', 'v1.66.1']])];
    expect(platformVersions({ tags, channels: withLts })).toEqual([
      'v1.66.1',
      'v1.68.3',
      'v1.69.2',
      'v1.70.1',
      'v1.71.0',
    ]);
    const older = channels([
      ['alpha', 'v1.70.0'],
      ['beta', 'v1.70.0'],
      ['early-access', 'v1.70.0'],
      ['stable', 'v1.70.0'],
      ['rock-solid', 'v1.69.0'],
    ]);
    expect(platformVersions({ tags, channels: older })).toEqual(['v1.69.0', 'v1.69.2', 'v1.70.0']);
  });

  it('maps a version.json without the v prefix to the published tag', () => {
    const bare = channels([
      ['alpha', '1.71.0'],
      ['beta', '1.71.0'],
      ['early-access', '1.71.0'],
      ['stable', '1.71.0'],
      ['rock-solid', '1.71.0'],
    ]);
    expect(platformVersions({ tags, channels: bare })).toEqual(['v1.71.0']);
  });
});
