// The progress bar's spoken value: bytes done of the total and the time left in words, rounded as
// an estimate should be, and no time at all when it is not known.
import { describe, expect, it } from 'vitest';
import { progressValueText, timeLeftWords } from './format.ts';

describe('progressValueText', () => {
  it('says bytes of bytes and about how long is left', () => {
    expect(progressValueText(1288490189, 3650722202, 240)).toBe('1.2 GiB of 3.4 GiB, about 4 minutes left');
    expect(progressValueText(0, 1024, 30)).toBe('0 B of 1.0 KiB, less than a minute left');
  });

  it('leaves the time out when it is unknown or not asked for', () => {
    expect(progressValueText(512, 1024, Number.NaN)).toBe('512 B of 1.0 KiB');
    expect(progressValueText(512, 1024)).toBe('512 B of 1.0 KiB');
  });

  it('rounds long waits to hours and minutes', () => {
    expect(timeLeftWords(60)).toBe('about 1 minute');
    expect(timeLeftWords(3600)).toBe('about 1 hour');
    expect(timeLeftWords(2 * 3600 + 5 * 60)).toBe('about 2 hours 5 minutes');
    expect(timeLeftWords(-1)).toBeUndefined();
  });
});
