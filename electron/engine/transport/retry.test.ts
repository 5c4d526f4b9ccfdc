import { describe, expect, it } from 'vitest';
import { maxRetryAfterMs, parseRetryAfter, retryDelayMs } from './retry.ts';

describe('retry timing', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 30_000 };

  it('backs off exponentially with half the step random, capped', () => {
    expect(retryDelayMs(1, undefined, { ...options, random: () => 0 })).toBe(250);
    expect(retryDelayMs(1, undefined, { ...options, random: () => 0.999999 })).toBe(500);
    expect(retryDelayMs(3, undefined, { ...options, random: () => 0 })).toBe(1000);
    expect(retryDelayMs(20, undefined, { ...options, random: () => 1 })).toBe(30_000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(2, undefined, options)));
    expect(spread.size).toBeGreaterThan(5);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(500);
  });

  it('honours Retry-After in seconds or as a date, and declines to wait for hours', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter(['7'], now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(retryDelayMs(1, 3000, options)).toBe(3000);
    expect(retryDelayMs(1, maxRetryAfterMs + 1, options)).toBeUndefined();
  });
});
