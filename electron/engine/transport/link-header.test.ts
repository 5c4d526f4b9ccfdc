import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { parseDuration, timeoutFromEnv } from './duration.ts';
import { nextLink } from './link-header.ts';

describe('nextLink', () => {
  it('finds rel="next" among links, in one header or several', () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"')).toBe('/v2/a/tags/list?n=2&last=b');
    expect(nextLink('<https://r/x?p=1>; rel="prev", <https://r/x?p=3>; rel=next')).toBe('https://r/x?p=3');
    expect(nextLink(['<a>; rel="prev"', '<b>; type="x"; rel="last next"'])).toBe('b');
    expect(nextLink('<a>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it('reads Go durations and bare seconds', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90')).toBe(90_000);
    expect(timeoutFromEnv({ D8_MIRROR_TIMEOUT: '2m' })).toBe(120_000);
    expect(timeoutFromEnv({})).toBeUndefined();
  });

  it('rejects anything else with a UsageError naming the setting', () => {
    expect(() => parseDuration('5 minutes', 'D8_MIRROR_TIMEOUT')).toThrow(UsageError);
    expect(() => parseDuration('5x', 'D8_MIRROR_TIMEOUT')).toThrow(/D8_MIRROR_TIMEOUT '5x'/);
    expect(() => parseDuration('')).toThrow(UsageError);
  });
});
