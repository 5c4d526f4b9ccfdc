// The transfer manifest crosses the air gap and is read before its signature is checked: every
// hostile or damaged field is refused with one line that names it, never used to build a path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleInvalidError } from '../errors.ts';
import { readTransferManifest, TRANSFER_MANIFEST, type TransferManifest } from './transfer-manifest.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = `sha256:${'a'.repeat(64)}`;
const good = (): TransferManifest => ({
  format: 'ferry-bundle',
  formatVersion: 1,
  transferId: '0b9f3c1e-5d7a-4a52-9d1e-3f6c2b8a7e41',
  createdAt: '2026-12-02T06:00:00.000Z',
  tool: { name: 'ferry', version: '0.1.0' },
  images: [
    {
      source: 'registry.example.com/vendor/app:1.0',
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 100,
      platforms: ['linux/amd64'],
      target: { repository: 'vendor/app', tag: '1.0' },
      archive: 'images.tar',
      layout: '',
      artifacts: [],
      contents: [digest],
    },
  ],
  archives: [
    {
      name: 'images.tar',
      size: 3072,
      chunked: true,
      parts: [
        { file: 'images.tar.0000.chunk', index: 0, start: 0, size: 2048, sha256: 'b'.repeat(64) },
        { file: 'images.tar.0001.chunk', index: 1, start: 2048, size: 1024, sha256: 'c'.repeat(64) },
      ],
      layouts: [''],
    },
  ],
  blobs: [{ digest, size: 100, archive: 'images.tar', layout: '', offset: 512 }],
  totals: { images: 1, blobs: 1, blobBytes: 100, archiveBytes: 3072, files: 2 },
});

async function read(manifest: unknown): Promise<TransferManifest> {
  writeFileSync(join(dir, TRANSFER_MANIFEST), JSON.stringify(manifest));
  return readTransferManifest(dir);
}

describe('reading a transfer manifest', () => {
  it('accepts what a pull writes, unchanged', async () => {
    expect(await read(good())).toEqual(good());
  });

  const hostile: Array<[string, (m: TransferManifest) => unknown, RegExp]> = [
    ['a transfer id that is a path', (m) => ({ ...m, transferId: '..' }), /manifest\.transferId/],
    [
      'a carried trusted root without its SHA-256',
      (m) => ({ ...m, trustedRoot: { sha256: 'not-hex', json: '{}' } }),
      /manifest\.trustedRoot\.sha256/,
    ],
    [
      'a chunk file outside the bundle folder',
      (m) => {
        m.archives[0]!.parts[0]!.file = '../../home/keys/station.key';
        return m;
      },
      /manifest\.archives\[0\]\.parts\[0\]\.file/,
    ],
    [
      'an archive named by an absolute path',
      (m) => ({ ...m, archives: [{ ...m.archives[0]!, name: '/etc/x.tar' }] }),
      /archives\[0\]\.name/,
    ],
    [
      'a layout that climbs out',
      (m) => {
        m.images[0]!.layout = '../..';
        return m;
      },
      /images\[0\]\.layout/,
    ],
    [
      'a target repository that climbs out',
      (m) => {
        m.images[0]!.target.repository = 'a/../../b';
        return m;
      },
      /images\[0\]\.target\.repository/,
    ],
    ['a member nobody knows', (m) => ({ ...m, evil: true }), /manifest\.evil is not expected/],
    [
      'a negative size',
      (m) => {
        m.blobs[0]!.size = -1;
        return m;
      },
      /blobs\[0\]\.size/,
    ],
    [
      'a malformed digest',
      (m) => {
        m.images[0]!.digest = 'sha256:../../x';
        return m;
      },
      /images\[0\]\.digest/,
    ],
    [
      'parts that do not tile the archive',
      (m) => {
        m.archives[0]!.parts[1]!.start = 4096;
        return m;
      },
      /part 1 does not follow/,
    ],
    [
      'a blob in an archive the manifest does not list',
      (m) => {
        m.blobs[0]!.archive = 'other.tar';
        return m;
      },
      /lies in other\.tar/,
    ],
    ['not an object at all', () => [1, 2, 3], /manifest must be an object/],
  ];
  it.each(hostile)('refuses %s, naming the field', async (_what, edit, names) => {
    const error = await read(edit(good())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleInvalidError);
    expect((error as Error).message).toMatch(names);
    expect((error as Error).message).toMatch(/copy it from the media again$/);
  });

  it('says to upgrade for a newer format, before judging its fields', async () => {
    await expect(read({ formatVersion: 9, whatever: 1 })).rejects.toThrow(
      /newer than this Ferry understands.*upgrade Ferry/,
    );
  });
});
