// Reads a few small files (version.json, images_digests.json...) out of an image's layers without
// pulling the image: each layer streams from the registry through node:zlib (gzip, zstd, or none,
// told apart by magic bytes) into tar-stream; only the wanted entries are kept, everything else is
// drained, and the download stops as soon as every wanted file has been found. Layers are searched
// from the top one down, so an upper layer's copy of a file wins, as it would in a container.
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { extract } from 'tar-stream';
import { BundleInvalidError, RegistryError } from '../errors.ts';
import { blobDescriptors, childDescriptors, isImageIndex, parseManifest } from '../oci/manifest.ts';
import type { Descriptor } from '../oci/types.ts';
import type { BlobSource } from '../store/store.ts';

/** Files larger than this are not metadata: refuse rather than hold them in memory. */
const MAX_FILE_BYTES = 32 << 20;

function normalizeEntryPath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '');
}

/** `source` with its first bytes peeked, and the decompressor those bytes call for (if any). */
async function peekCompression(source: Readable): Promise<{ body: Readable; inflate?: Transform }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first = Buffer.alloc(0);
  while (first.length < 4) {
    const next = await iterator.next();
    if (next.done) break;
    first = Buffer.concat([first, next.value]);
  }
  const body = Readable.from(
    (async function* () {
      if (first.length) yield first;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  if (first[0] === 0x1f && first[1] === 0x8b) return { body, inflate: createGunzip() };
  if (first.length >= 4 && first.readUInt32LE(0) === 0xfd2fb528)
    return { body, inflate: createZstdDecompress() };
  return { body };
}

/** Looks for `wanted` paths in one layer; returns what it found. */
async function searchLayer(
  store: BlobSource,
  repository: string,
  layer: Descriptor,
  wanted: Set<string>,
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const { stream } = await store.getBlob(repository, layer.digest, signal ? { signal } : {});
  const tar = extract();
  const feeding = peekCompression(stream).then(({ body, inflate }) =>
    inflate ? pipeline(body, inflate, tar) : pipeline(body, tar),
  );
  // A failure while feeding ends the entry loop below with that error; a stop before the end
  // (everything found) destroys the streams, which is not a failure.
  feeding.catch((err: unknown) => tar.destroy(err as Error));
  try {
    for await (const entry of tar) {
      const path = normalizeEntryPath(entry.header.name);
      if (entry.header.type !== 'file' || !wanted.has(path)) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry) {
        size += (chunk as Buffer).length;
        if (size > MAX_FILE_BYTES) {
          throw new RegistryError(
            `${repository}: ${path} in layer ${layer.digest} is over ${MAX_FILE_BYTES >> 20} MiB: not a metadata file`,
          );
        }
        chunks.push(chunk as Buffer);
      }
      found.set(path, Buffer.concat(chunks));
      if (found.size === wanted.size) break;
    }
    if (found.size < wanted.size) await feeding;
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError(
      `cannot read layer ${layer.digest} of ${repository} as a tar archive: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    stream.destroy();
    tar.destroy();
  }
  return found;
}

/**
 * The files at `paths` (e.g. 'version.json', 'deckhouse/candi/images_digests.json') in the image
 * `repository:reference`; a path no layer holds is simply absent from the result. For an index,
 * the linux/amd64 image is read (metadata files are the same in every platform's image).
 */
export async function readImageFiles(
  store: BlobSource,
  repository: string,
  reference: string,
  paths: string[],
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  let raw = await store.getManifest(repository, reference, signal);
  let parsed = parseManifest(raw);
  if (isImageIndex(parsed)) {
    const children = childDescriptors(parsed);
    const pick =
      children.find((d) => d.platform?.os === 'linux' && d.platform.architecture === 'amd64') ?? children[0];
    if (!pick) throw new BundleInvalidError(`${repository}:${reference} is an empty index: no files to read`);
    raw = await store.getManifest(repository, pick.digest, signal);
    parsed = parseManifest(raw);
    if (isImageIndex(parsed))
      throw new RegistryError(`${repository}:${reference}: nested indexes are not images`);
  }
  const layers = blobDescriptors(parsed).slice(1).reverse();
  const wanted = new Set(paths.map(normalizeEntryPath));
  const out = new Map<string, Buffer>();
  for (const layer of layers) {
    if (wanted.size === 0) break;
    const found = await searchLayer(store, repository, layer, wanted, signal);
    for (const [path, bytes] of found) {
      out.set(path, bytes);
      wanted.delete(path);
    }
  }
  return out;
}

/** A JSON file out of an image, parsed; undefined when no layer holds it. */
export async function readImageJson(
  store: BlobSource,
  repository: string,
  reference: string,
  path: string,
  signal?: AbortSignal,
): Promise<unknown> {
  const files = await readImageFiles(store, repository, reference, [path], signal);
  const bytes = files.get(normalizeEntryPath(path));
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new RegistryError(`${repository}:${reference}: ${path} is not valid JSON`, { cause: err });
  }
}
