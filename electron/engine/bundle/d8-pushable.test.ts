import { describe, expect, it } from 'vitest';
import { d8PushProblems } from './d8-pushable.ts';
import type { ImageRecord, TransferManifest } from './transfer-manifest.ts';

const image = (repository: string, layout: string): ImageRecord => ({
  source: `r.example/${repository}:1`,
  digest: `sha256:${'a'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1,
  platforms: [],
  target: { repository, tag: '1' },
  archive: 'platform.tar',
  layout,
  artifacts: [],
  contents: [],
});

const manifest = (images: ImageRecord[], omitted = 0) =>
  ({
    images,
    ...(omitted
      ? { omitted: Array.from({ length: omitted }, () => ({ digest: `sha256:${'b'.repeat(64)}`, size: 1 })) }
      : {}),
  }) as unknown as TransferManifest;

describe('d8PushProblems', () => {
  it('a d8-shaped bundle has none; an incremental one and images off their target path are named', () => {
    expect(d8PushProblems(manifest([image('install', 'install'), image('', '')]))).toEqual([]);
    const problems = d8PushProblems(manifest([image('app', ''), image('install', 'install')], 3));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/incremental: 3 blob\(s\) were left out/);
    expect(problems[1]).toMatch(
      /^1 image\(s\) do not lie at their target path \(e\.g\. app in layout '' of platform\.tar\)/,
    );
  });
});
