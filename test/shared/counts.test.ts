// The one count rule: a release published to several channels is one image; a registry port is not a
// tag; a blob shared across images counts once; every chunk is a file.
// (Here, not beside shared/counts.ts: shared/ imports nothing from outside it, vitest included.)
import { describe, expect, it } from 'vitest';
import {
  countBlobs,
  countFiles,
  countImages,
  groupImages,
  imageKey,
  imagesText,
  sourceRepository,
} from '../../shared/counts.ts';

const d1 = `sha256:${'1'.repeat(64)}`;
const d2 = `sha256:${'2'.repeat(64)}`;

describe('sourceRepository', () => {
  it('drops the tag and the digest, never the registry port', () => {
    expect(sourceRepository('127.0.0.1:5000/deckhouse/ee/release-channel:stable')).toBe(
      '127.0.0.1:5000/deckhouse/ee/release-channel',
    );
    expect(sourceRepository(`127.0.0.1:5000/deckhouse/ee@${d1}`)).toBe('127.0.0.1:5000/deckhouse/ee');
    expect(sourceRepository(`reg.example:443/app:v1@${d1}`)).toBe('reg.example:443/app');
    expect(sourceRepository('localhost:5000/app')).toBe('localhost:5000/app');
    expect(sourceRepository('[::1]:5000/app:1.0')).toBe('[::1]:5000/app');
  });
});

describe('countImages', () => {
  const channels = ['alpha', 'beta', 'early-access', 'v1.70.1'].map((tag) => ({
    source: `127.0.0.1:5000/deckhouse/ee/release-channel:${tag}`,
    digest: d1,
  }));

  it('counts one image for every tag of one repository pointing at one digest', () => {
    expect(countImages(channels)).toBe(1);
    expect(new Set(channels.map(imageKey)).size).toBe(1);
  });

  it('keeps the same digest in two repositories, and two digests in one, apart', () => {
    const other = { source: '127.0.0.1:5000/mirror/copy:alpha', digest: d1 };
    const second = { source: '127.0.0.1:5000/deckhouse/ee/release-channel:stable', digest: d2 };
    expect(countImages([...channels, other, second])).toBe(3);
    const groups = groupImages([...channels, other, second]);
    expect(groups.map((g) => g.length)).toEqual([4, 1, 1]);
    expect(groups[0]![0]).toBe(channels[0]);
  });
});

describe('countBlobs and countFiles', () => {
  it('counts each digest once and every part of every archive', () => {
    expect(countBlobs([{ digest: d1 }, { digest: d2 }, { digest: d1 }])).toBe(2);
    expect(countBlobs([d1, d1])).toBe(1);
    expect(countFiles([{ parts: [1, 2, 3] }, { parts: [1] }])).toBe(4);
  });

  it('writes the noun with the count', () => {
    expect(imagesText(1)).toBe('1 image');
    expect(imagesText(0)).toBe('0 images');
    expect(imagesText(12)).toBe('12 images');
  });
});
