import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { UsageError } from '../errors.ts';
import {
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  parsePlatformList,
  platformMatches,
} from './platform.ts';
import type { Platform } from './types.ts';

describe('parsePlatform', () => {
  it.each<[string, Platform]>([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm64', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64' }],
    ['Linux/X86_64', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['linux/arm/7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/i386', { os: 'linux', architecture: '386' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
    ['macos/arm64', { os: 'darwin', architecture: 'arm64' }],
    [' linux/s390x ', { os: 'linux', architecture: 's390x' }],
  ])('%s', (input, expected) => {
    expect(parsePlatform(input)).toStrictEqual(expected);
  });

  it.each([
    ['', /expected os\/arch/],
    ['linux', /expected os\/arch/],
    ['linux/arm64/v8/extra', /expected os\/arch/],
    ['linux/', /'' is not a valid/],
    ['/amd64', /'' is not a valid/],
    ['linux/amd 64', /'amd 64' is not a valid/],
    ['linux/amd64,linux/arm64', /'amd64,linux' is not a valid/],
  ])('rejects %j', (input, message) => {
    expect(() => parsePlatform(input)).toThrow(UsageError);
    expect(() => parsePlatform(input)).toThrow(message);
    expect(() => parsePlatform(input)).toThrow(`invalid platform '${input}'`);
    try {
      parsePlatform(input);
    } catch (err) {
      expect((err as UsageError).code).toBe(ErrorCodes.USAGE);
    }
  });

  it('parses a comma-separated list', () => {
    expect(parsePlatformList('linux/amd64, linux/arm64/v8,')).toStrictEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    expect(parsePlatformList('')).toStrictEqual([]);
    expect(() => parsePlatformList('linux/amd64,bogus')).toThrow(UsageError);
  });
});

describe('formatPlatform and normalizePlatform', () => {
  it('formats with and without variant', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(formatPlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
  });

  it('round-trips through parsePlatform', () => {
    for (const s of ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v6', 'windows/amd64']) {
      expect(formatPlatform(parsePlatform(s))).toBe(s);
    }
  });

  it('fills default variants: arm64 → v8, arm → v7, amd64 none', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'arm64' })).toStrictEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'arm' }).variant).toBe('v7');
    expect(normalizePlatform({ os: 'linux', architecture: 'amd64', variant: 'v1' })).toStrictEqual({
      os: 'linux',
      architecture: 'amd64',
    });
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8.0' }).variant).toBe('v8');
  });

  it('keeps os.version and os.features', () => {
    const win: Platform = {
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.17763.1',
      'os.features': ['x'],
    };
    expect(normalizePlatform(win)).toStrictEqual(win);
  });
});

describe('platformMatches', () => {
  const p = (s: string): Platform => parsePlatform(s);
  const linuxArm64V8: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
  const linuxArm64Bare: Platform = { os: 'linux', architecture: 'arm64' };
  const linuxAmd64: Platform = { os: 'linux', architecture: 'amd64' };
  const linuxArmV6: Platform = { os: 'linux', architecture: 'arm', variant: 'v6' };
  const unknown: Platform = { os: 'unknown', architecture: 'unknown' };

  it.each<[string, Platform | undefined, Platform[], boolean]>([
    ['empty filter wants everything', linuxAmd64, [], true],
    ['empty filter wants entries without platform', undefined, [], true],
    ['no platform never matches a filter', undefined, [p('linux/amd64')], false],
    ['exact', linuxAmd64, [p('linux/amd64')], true],
    ['wanted without variant matches any variant', linuxArm64V8, [p('linux/arm64')], true],
    ['wanted v8 matches an entry without variant', linuxArm64Bare, [p('linux/arm64/v8')], true],
    ['wanted v8 matches v8', linuxArm64V8, [p('linux/arm64/v8')], true],
    ['wanted v9 does not match v8', linuxArm64V8, [p('linux/arm64/v9')], false],
    ['alias aarch64', linuxArm64V8, [p('linux/aarch64')], true],
    ['other arch', linuxAmd64, [p('linux/arm64')], false],
    ['other os', linuxAmd64, [p('windows/amd64')], false],
    ['one of several', linuxAmd64, [p('linux/arm64'), p('linux/amd64')], true],
    ['arm/v7 wanted, arm/v6 offered', linuxArmV6, [p('linux/arm/v7')], false],
    ['arm wanted, arm/v6 offered', linuxArmV6, [p('linux/arm')], true],
    ['attestation entries (unknown/unknown) do not match', unknown, [p('linux/amd64')], false],
    ['amd64/v1 is plain amd64', linuxAmd64, [p('linux/amd64/v1')], true],
    ['an index entry spelled x86_64', { os: 'linux', architecture: 'x86_64' }, [p('linux/amd64')], true],
  ])('%s', (_name, have, wanted, expected) => {
    expect(platformMatches(have, wanted)).toBe(expected);
  });
});
