// A pull lays out the same bundle on every station: the order of blobs in an archive and of images in
// index.json is by code unit (Go's byte order, as d8 sorts), never the machine's locale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const engine = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield path;
  }
}

// Lays a three-image plan out with a BundleSink under the locale given and prints its blob order and
// index.json's references: the real sink, in a process of its own, since ICU reads the locale at start.
const layOut = `
import { BundleSink } from ${JSON.stringify(join(engine, 'bundle/bundle-sink.ts'))};
const dir = process.argv[1];
const blob = (hex) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha256:' + hex.padEnd(64, '0'), size: 3 });
const image = (sourceText, repository, blobs) => {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, repository }));
  const root = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + Buffer.from(repository).toString('hex').padEnd(64, 'f'), bytes };
  return { request: { sourceText, source: { registry: 'reg', repository, reference: '1' }, target: { repository, tag: '1' } },
    root, manifests: [root], blobs, platforms: [], artifacts: [] };
};
const sink = new BundleSink(dir);
await sink.prepare({ images: [
  image('reg/app:1', 'app', [blob('ab'), blob('zz')]),
  image('reg/app/sub:1', 'app/sub', [blob('aa'), blob('b0')]),
  image('reg/App:1', 'App', [blob('a0')]),
] });
const text = await (await import('node:fs/promises')).readFile(dir + '/images.tar.tmp', 'latin1');
const at = text.indexOf('index.json\\0');
const index = JSON.parse(text.slice(at + 512, at + 512 + parseInt(text.slice(at + 124, at + 135), 8)));
console.log(JSON.stringify({ blobs: [...sink.blobOrder()].map((d) => d.slice(7, 9)), refs: index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name']) }));
await sink.close();
`;

function layOutUnder(locale: string): { blobs: string[]; refs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-order-'));
  dirs.push(dir);
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', layOut, dir], {
    env: { ...process.env, LC_ALL: locale, LANG: locale },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { blobs: string[]; refs: string[] };
}

describe('the order a bundle is laid out in', () => {
  it("is byte order (d8's), the same under a Danish locale as under C", () => {
    const expected = {
      // In Danish "aa" is one letter after "z".
      blobs: ['a0', 'aa', 'ab', 'b0', 'zz'],
      // Go's sort: upper case before lower, '/' (0x2f) before ':' (0x3a).
      refs: ['reg/App:1', 'reg/app/sub:1', 'reg/app:1'],
    };
    expect(layOutUnder('C.UTF-8')).toEqual(expected);
    expect(layOutUnder('da_DK.UTF-8')).toEqual(expected);
  });

  it('is never left to the machine: no engine source calls localeCompare', () => {
    const calls = [...sources(engine)]
      .filter((f) => /\.localeCompare\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(engine, f));
    expect(calls).toEqual([]);
  });
});
