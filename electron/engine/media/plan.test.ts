// Chunk sizes that fit the media, and which chunks go on which stick.
import { describe, expect, it } from 'vitest';
import { estimateMedia, fitChunkSize } from './chunk-fit.ts';
import { FAT32_MAX_FILE } from './filesystems.ts';
import { planOntoSticks, planSticks, STICK_RESERVE } from './stick-plan.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('chunk sizes', () => {
  it('refuses a stick smaller than its reserve in words, for any chunk size (it once never returned)', () => {
    for (const chunk of [0, MiB]) {
      expect(() =>
        estimateMedia({ totalBytes: 20 * MiB, chunkSize: chunk, stickBytes: 3 * MiB, maxFileBytes: null }),
      ).toThrow(/a stick of 3\.0 MiB is too small/);
    }
  });

  it('keeps a chunk size that fits', () => {
    expect(fitChunkSize(700 * MiB, 10 * GiB, FAT32_MAX_FILE, 32e9)).toEqual({
      chunkSize: 700 * MiB,
      warnings: [],
    });
  });

  it('lowers chunks that FAT32 cannot hold, to whole MiB under 4 GiB', () => {
    const fit = fitChunkSize(5 * GiB, 20 * GiB, FAT32_MAX_FILE, 64e9);
    expect(fit.chunkSize).toBe(4095 * MiB);
    expect(fit.chunkSize).toBeLessThanOrEqual(FAT32_MAX_FILE);
    expect(fit.warnings.join(' ')).toMatch(
      /exceed the filesystem's 4\.0 GiB file limit: lowered to 4\.0 GiB/,
    );
  });

  it('cuts an archive that would not fit in one file even when no chunk size was asked for', () => {
    const fit = fitChunkSize(0, 6 * GiB, FAT32_MAX_FILE, 64e9);
    expect(fit.chunkSize).toBe(4095 * MiB);
    expect(fitChunkSize(0, 2 * GiB, FAT32_MAX_FILE, 64e9).chunkSize).toBe(0);
  });

  it('never makes a chunk larger than one stick', () => {
    const fit = fitChunkSize(4000 * MiB, 20 * GiB, null, 2 * GiB);
    expect(fit.chunkSize).toBeLessThanOrEqual(2 * GiB - STICK_RESERVE);
    expect(fit.warnings.join(' ')).toMatch(/the room on one stick/);
  });

  it('estimates how many chunks and sticks a transfer needs', () => {
    expect(
      estimateMedia({
        totalBytes: 10 * GiB,
        chunkSize: 1024 * MiB,
        stickBytes: 4 * GiB,
        maxFileBytes: FAT32_MAX_FILE,
      }),
    ).toMatchObject({
      chunkSize: 1024 * MiB,
      chunks: 11,
      sticks: 4,
      warnings: ['Needs 4 sticks: pull into a folder on this computer, then copy stick by stick.'],
    });
    // The layout the stick map draws: 3 chunks of 1 GiB on each 4 GB stick, the rest on the last.
    const layout = estimateMedia({
      totalBytes: 10 * GiB,
      chunkSize: 1024 * MiB,
      stickBytes: 4 * GiB,
      maxFileBytes: FAT32_MAX_FILE,
    }).layout;
    expect(layout.map((s) => s.files)).toEqual([3, 3, 3, 2]);
    expect(layout.reduce((n, s) => n + s.bytes, 0)).toBeGreaterThan(10 * GiB);
    expect(
      estimateMedia({ totalBytes: 100 * MiB, chunkSize: 0, stickBytes: 32e9, maxFileBytes: null }),
    ).toMatchObject({
      chunks: 1,
      sticks: 1,
      warnings: [],
    });
  });
});

describe('stick plan', () => {
  const chunk = (i: number, size: number) => ({
    file: `images.tar.${String(i).padStart(4, '0')}.chunk`,
    size,
  });

  it('fills sticks in chunk order, keeping room for the manifest on each', () => {
    const files = [chunk(0, 3 * GiB), chunk(1, 3 * GiB), chunk(2, 3 * GiB), chunk(3, GiB)];
    const plan = planSticks(files, 8 * GiB);
    expect(plan.sticks.map((s) => s.files.map((f) => f.file.slice(11, 15)))).toEqual([
      ['0000', '0001'],
      ['0002', '0003'],
    ]);
    expect(plan.sticks.map((s) => s.bytes)).toEqual([6 * GiB, 4 * GiB]);
    expect(plan.totalBytes).toBe(10 * GiB);
    // Exactly full minus the reserve still fits; one byte more opens the next stick.
    expect(planSticks([chunk(0, GiB - STICK_RESERVE)], GiB).sticks).toHaveLength(1);
    expect(planSticks([chunk(0, 100), chunk(1, GiB - STICK_RESERVE - 99)], GiB).sticks).toHaveLength(2);
  });

  it('refuses a file larger than a stick, asking for a smaller chunk size', () => {
    expect(() => planSticks([chunk(0, 9 * GiB)], 8 * GiB)).toThrow(
      /does not fit on a stick .*choose a chunk size below/,
    );
  });

  it('fills the sticks plugged in, each with its own free space, and says when they are too few', () => {
    const files = [chunk(0, 3 * GiB), chunk(1, 3 * GiB), chunk(2, GiB)];
    const sticks = planOntoSticks(files, [4 * GiB, 8 * GiB]);
    expect(sticks.map((s) => s.files.length)).toEqual([1, 2]);
    expect(() => planOntoSticks(files, [4 * GiB, 4 * GiB])).toThrow(
      /needs more than the 2 stick\(s\) given: 1 file\(s\), 1\.0 GiB still have no stick/,
    );
  });
});
