import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleInvalidError } from '../errors.ts';
import { FileHashWorkers } from '../hash/file-hash-workers.ts';
import { archivesIn } from './archive-parts.ts';
import { BundleFiles } from './bundle-files.ts';

const findArchives = async (dir: string) => archivesIn((await BundleFiles.list([dir])).listing(), dir);
import { layoutArchive } from './archive-layout.ts';
import { ArchiveReader } from './archive-reader.ts';
import { ArchiveWriter } from './archive-writer.ts';
import { encodeFileHeader, fileHeaderSize } from './tar-header.ts';
import { indexTar } from './tar-index.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ferry-archive-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function writeArchive(dir: string, files: Array<{ path: string; bytes: Buffer }>, chunkSize?: number) {
  const layout = layoutArchive(
    'images.tar',
    files.map((f) => ({
      path: f.path,
      size: f.bytes.length,
      content: { kind: 'bytes' as const, bytes: f.bytes },
    })),
  );
  const w = await ArchiveWriter.open(dir, 'images.tar', layout.size, chunkSize, new Map());
  for (const e of layout.entries) {
    await w.writeAt(e.headerOffset, encodeFileHeader(e.path, e.size));
    if (e.content.kind === 'bytes') await w.writeAt(e.dataOffset, e.content.bytes);
  }
  const parts = [];
  for (const p of w.parts) parts.push(await w.completePart(p));
  await w.close();
  return { layout, parts };
}

describe('planned tar archives', () => {
  const longDir = `modules/${'very-long-module-name-'.repeat(4)}/extra/x`;
  const files = [
    { path: 'oci-layout', bytes: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { path: 'blobs/sha256/aa', bytes: randomBytes(700_000) },
    { path: `${longDir}/blobs/sha256/${'b'.repeat(64)}`, bytes: randomBytes(1234) },
    { path: `${'p'.repeat(120)}/${'q'.repeat(120)}`, bytes: Buffer.from('pax path') },
    { path: 'empty', bytes: Buffer.alloc(0) },
  ];

  it('cuts an archive into chunks no larger than the chunk size that GNU tar reads back', async () => {
    const dir = tmp();
    const { parts } = await writeArchive(dir, files, 300_000);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((p) => p.file)).toEqual(
      parts.map((_, i) => `images.tar.${String(i).padStart(4, '0')}.chunk`),
    );
    for (const p of parts) expect(statSync(join(dir, p.file)).size).toBeLessThanOrEqual(300_000);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const whole = Buffer.concat(parts.map((p) => readFileSync(join(dir, p.file))));
    writeFileSync(join(dir, 'joined.tar'), whole);
    const listed = execFileSync('tar', ['-tf', join(dir, 'joined.tar')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(listed).toEqual(files.map((f) => f.path));
    const out = join(dir, 'x');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', join(dir, 'joined.tar'), '-C', out]);
    for (const f of files) expect(readFileSync(join(out, f.path)).equals(f.bytes)).toBe(true);
  });

  it('indexes the chunked archive by headers and reads files across chunk boundaries', async () => {
    const dir = tmp();
    await writeArchive(dir, files, 100_000);
    const [archive] = await findArchives(dir);
    expect(archive!.chunked).toBe(true);
    const reader = new ArchiveReader(archive!.parts);
    const index = await indexTar(reader, archive!.name);
    expect(index.map((e) => e.path)).toEqual(files.map((f) => f.path));
    for (const [i, e] of index.entries()) {
      const chunks: Buffer[] = [];
      for await (const c of reader.stream(e.offset, e.size)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(files[i]!.bytes)).toBe(true);
    }
    await reader.close();
  });

  it('names a missing chunk instead of treating the gap as the end', async () => {
    const dir = tmp();
    await writeArchive(dir, files, 100_000);
    rmSync(join(dir, 'images.tar.0003.chunk'));
    await expect(findArchives(dir)).rejects.toThrow(BundleInvalidError);
    await expect(findArchives(dir)).rejects.toThrow(/images\.tar\.0003\.chunk is missing/);
  });

  it('keeps an archive that fits in one chunk as a single .tar', async () => {
    const dir = tmp();
    const { parts } = await writeArchive(dir, files.slice(0, 1), 1 << 20);
    expect(parts.map((p) => p.file)).toEqual(['images.tar']);
    expect(execFileSync('tar', ['-tf', join(dir, 'images.tar')], { encoding: 'utf8' }).trim()).toBe(
      'oci-layout',
    );
  });
});

describe('hashing a part as it fills', () => {
  it('hashes up to the first blob not in place each time that one lands, and seals with the whole hash', async () => {
    const dir = tmp();
    // a and b together pass the 4 MiB step in which a part's hash is taken forward.
    const blobs = [3 << 20, 3 << 20, 1 << 20].map((size, i) => ({
      path: `blobs/sha256/${'abc'[i]}`,
      bytes: randomBytes(size),
    }));
    const layout = layoutArchive('images.tar', [
      { path: 'oci-layout', size: 2, content: { kind: 'bytes', bytes: Buffer.from('{}') } },
      ...blobs.map((b) => ({
        path: b.path,
        size: b.bytes.length,
        content: { kind: 'blob' as const, digest: b.path },
      })),
    ]);
    const workers = new FileHashWorkers(1);
    const advances: number[] = [];
    const hasher = {
      begin: (file: string, gost?: boolean) => {
        const session = workers.begin(file, gost);
        return {
          advance: (to: number) => {
            advances.push(to);
            session.advance(to);
          },
          digest: () => session.digest(),
        };
      },
    };
    const w = await ArchiveWriter.open(dir, 'images.tar', layout.size, undefined, new Map(), { hasher });
    const [header, a, b, c] = layout.entries;
    await w.writeAt(header!.headerOffset, encodeFileHeader(header!.path, header!.size));
    await w.writeAt(header!.dataOffset, Buffer.from('{}'));
    for (const e of [a!, b!, c!]) {
      await w.writeAt(e.headerOffset, encodeFileHeader(e.path, e.size));
      w.expect(e.dataOffset, e.size, e.path);
    }
    const land = async (e: typeof a, bytes: Buffer) => {
      await w.writeAt(e!.dataOffset, bytes);
      return w.landed(e!.dataOffset, e!.size, e!.path);
    };
    // b before a: nothing past a's start is in place, so nothing is hashed yet.
    expect(await land(b, blobs[1]!.bytes)).toEqual([]);
    expect(advances).toEqual([]);
    // a lands: a and b are in place, the part is hashed up to c.
    expect(await land(a, blobs[0]!.bytes)).toEqual([]);
    expect(advances).toEqual([c!.dataOffset]);
    const [part] = await land(c, blobs[2]!.bytes);
    expect(part?.file).toBe('images.tar');
    const done = await w.completePart(part!);
    await w.close();
    await workers.close();
    const sha256 = createHash('sha256')
      .update(readFileSync(join(dir, 'images.tar')))
      .digest('hex');
    expect(done.sha256).toBe(sha256);
    expect(
      execFileSync('tar', ['-tf', join(dir, 'images.tar')], { encoding: 'utf8' })
        .trim()
        .split('\n'),
    ).toEqual(['oci-layout', ...blobs.map((x) => x.path)]);
  });
});

describe('tar header sizes', () => {
  it("knows a header's length without encoding it: ustar, ustar with a prefix, and PAX", () => {
    const paths = [
      'blobs/sha256/' + 'a'.repeat(64),
      `${'d'.repeat(120)}/${'n'.repeat(90)}`,
      `${'x'.repeat(300)}/${'y'.repeat(120)}`,
      `modules/${'é'.repeat(80)}/blobs/sha256/${'b'.repeat(64)}`,
    ];
    const sizes = paths.map((p) => [fileHeaderSize(p), encodeFileHeader(p, 7).length]);
    for (const [computed, encoded] of sizes) expect(computed).toBe(encoded);
    expect(sizes.map(([s]) => s)).toEqual([512, 512, 1536, 1536]);
  });
});

describe('reading a damaged archive', () => {
  it('reports a chunk cut short as an invalid bundle naming the archive, not as a bug', async () => {
    const dir = tmp();
    const file = join(dir, 'images.tar.0000.chunk');
    writeFileSync(file, randomBytes(40));
    // The part says 100 bytes (as the transfer manifest does); the file on the stick holds 40.
    const reader = new ArchiveReader([{ file: 'images.tar.0000.chunk', path: file, start: 0, size: 100 }]);
    const chunks: Buffer[] = [];
    const err = await (async () => {
      for await (const c of reader.stream(0, 100)) chunks.push(c as Buffer);
    })().catch((e: unknown) => e);
    await reader.close();
    expect(err).toBeInstanceOf(BundleInvalidError);
    expect((err as Error).message).toContain('images.tar.0000.chunk');
    expect(Buffer.concat(chunks)).toHaveLength(40);
  });
});
