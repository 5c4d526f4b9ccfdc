// Writes a bundle the way `d8 mirror pull` does, independently of Ferry's engine: OCI layouts inside
// GNU tars (mode 0777, mtime 0, '/' separators, `././@LongLink` records for long paths), index.json
// entries annotated with `org.opencontainers.image.ref.name` (full source reference) and
// `io.deckhouse.image.short_tag`, optional byte-offset chunks `<archive>.tar.NNNN.chunk`, and
// `.gostsum` sidecars computed by Debian's gost12sum. Tests use it to prove Ferry imports d8 bundles.
// Whole images are buffered: fine for KB-sized fixtures, never for production code.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegistryClient } from '../harness/registry-client.ts';

export interface D8Image {
  /** Source repository in the registry, and the tag or digest to read. */
  repository: string;
  reference: string;
  /** The destination tag d8 records (a 64-hex digest for digest images). */
  shortTag: string;
  /** The full source reference d8 records; default `<host>/<repository>:<reference>`. */
  refName?: string;
}

export interface D8Archive {
  /** e.g. 'platform.tar', 'module-console.tar'. */
  name: string;
  /** Layout path inside the tar ('' = tar root) → its index.json entries, in order (duplicates kept). */
  layouts: Record<string, D8Image[]>;
  /** Cut the tar into chunks of this many bytes. */
  chunkSize?: number;
}

const BLOCK = 512;

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** One GNU header block (magic 'ustar  '). */
function gnuHeader(name: string, size: number, type: string): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name.slice(0, 100), 0, 100, 'utf8');
  b.write(octal(0o777, 8), 100, 'ascii');
  b.write(octal(0, 8), 108, 'ascii');
  b.write(octal(0, 8), 116, 'ascii');
  b.write(octal(size, 12), 124, 'ascii');
  b.write(octal(0, 12), 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(type, 156, 'ascii');
  b.write('ustar  \0', 257, 'ascii');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return b;
}

const pad = (n: number) => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

function tarEntry(path: string, body: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  if (Buffer.byteLength(path) > 100) {
    const long = Buffer.from(`${path}\0`);
    parts.push(gnuHeader('././@LongLink', long.length, 'L'), long, pad(long.length));
  }
  parts.push(gnuHeader(path, body.length, '0'), body, pad(body.length));
  return parts;
}

interface Blob {
  path: string;
  bytes: Buffer;
}

/** The manifest and everything under it, as layout files (blobs/sha256/<hex>). */
async function collect(
  client: RegistryClient,
  repository: string,
  reference: string,
  into: Map<string, Buffer>,
): Promise<{ digest: string; mediaType: string; size: number }> {
  const m = await client.getManifest(repository, reference);
  into.set(m.digest, m.bytes);
  const json = JSON.parse(m.bytes.toString()) as {
    manifests?: Array<{ digest: string }>;
    config?: { digest: string };
    layers?: Array<{ digest: string }>;
  };
  for (const child of json.manifests ?? []) await collect(client, repository, child.digest, into);
  for (const blob of [...(json.config ? [json.config] : []), ...(json.layers ?? [])]) {
    if (!into.has(blob.digest)) into.set(blob.digest, await client.getBlob(repository, blob.digest));
  }
  return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
}

const join2 = (layout: string, file: string) => (layout ? `${layout}/${file}` : file);

/** Writes the archives into `dir`; with `gost`, a gost12sum sidecar beside every .tar and .chunk. */
export async function writeD8Bundle(
  client: RegistryClient,
  host: string,
  dir: string,
  archives: D8Archive[],
  options: { gost?: boolean } = {},
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const archive of archives) {
    const files: Blob[] = [];
    for (const [layout, images] of Object.entries(archive.layouts)) {
      const blobs = new Map<string, Buffer>();
      const entries = [];
      for (const image of images) {
        const d = await collect(client, image.repository, image.reference, blobs);
        const sep = image.reference.startsWith('sha256:') ? '@' : ':';
        entries.push({
          ...d,
          annotations: {
            'io.deckhouse.image.short_tag': image.shortTag,
            'org.opencontainers.image.ref.name':
              image.refName ?? `${host}/${image.repository}${sep}${image.reference}`,
          },
        });
      }
      files.push({ path: join2(layout, 'oci-layout'), bytes: Buffer.from('{"imageLayoutVersion":"1.0.0"}') });
      // d8 writes a quirky media type here; readers must not insist on the OCI one. A layout d8
      // created but never filled (--no-installer, a missing trivy DB, ...) keeps the index d8's
      // createEmptyImageLayout marshalled: a nil Go slice without omitempty, so `"manifests": null`,
      // with the layout media type and 4-space indent.
      files.push({
        path: join2(layout, 'index.json'),
        bytes: Buffer.from(
          entries.length === 0
            ? JSON.stringify(
                { schemaVersion: 2, mediaType: 'application/vnd.oci.image.layout.v1+json', manifests: null },
                null,
                4,
              )
            : JSON.stringify({
                schemaVersion: 2,
                mediaType: 'application/vnd.oci.image.index.v1+json',
                manifests: entries,
              }),
        ),
      });
      for (const [digest, bytes] of blobs)
        files.push({ path: join2(layout, `blobs/sha256/${digest.slice(7)}`), bytes });
    }
    const tar = Buffer.concat([...files.flatMap((f) => tarEntry(f.path, f.bytes)), Buffer.alloc(2 * BLOCK)]);
    const names: string[] = [];
    if (archive.chunkSize && tar.length > archive.chunkSize) {
      for (let i = 0, start = 0; start < tar.length; i++, start += archive.chunkSize) {
        const name = `${archive.name}.${String(i).padStart(4, '0')}.chunk`;
        writeFileSync(join(dir, name), tar.subarray(start, start + archive.chunkSize));
        names.push(name);
      }
    } else {
      writeFileSync(join(dir, archive.name), tar);
      names.push(archive.name);
    }
    if (options.gost) {
      for (const name of names) {
        const hex = execFileSync('gost12sum', [join(dir, name)], { encoding: 'utf8' }).split(/\s+/)[0]!;
        writeFileSync(join(dir, `${name}.gostsum`), hex);
      }
    }
    written.push(...names);
  }
  return written;
}
