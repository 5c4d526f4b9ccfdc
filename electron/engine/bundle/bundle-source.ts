// The bundle as a copy source (push). Repositories are the images' target paths relative to the
// push root; manifests and blobs are read straight out of the archive parts by offset (each tar is
// indexed by its headers). The copy checks each blob's digest as it reads it, so a damaged byte
// fails that blob — and the images that need it — instead of landing in the registry.
import type { ArchiveReader } from './archive-reader.ts';
import { parseBlobPath } from './oci-layout-files.ts';
import { partsOnMedia, type OpenedBundle } from './open-bundle.ts';
import type { TransferManifest } from './transfer-manifest.ts';
import { BundleInvalidError, DigestMismatchError, NotFoundError } from '../errors.ts';
import { digestLike } from '../oci/digest.ts';
import { detectMediaType } from '../oci/manifest.ts';
import type { Descriptor, RawManifest } from '../oci/types.ts';
import type { BlobOrder, BlobSource, BlobStream, GetBlobOptions, ManifestHead } from '../store/store.ts';

interface Located {
  reader: ArchiveReader;
  offset: number;
  size: number;
}

export class BundleSource implements BlobSource, BlobOrder {
  readonly name: string;
  readonly manifest: TransferManifest;
  private readonly blobs: Map<string, Located>;
  private readonly tags: Map<string, Map<string, string>>;
  /** Media types the transfer manifest records, by manifest digest. */
  private readonly mediaTypes = new Map<string, string>();
  /** OCI 1.1 referrers carried without a tag, by subject digest. */
  private readonly referrersBySubject = new Map<string, Descriptor[]>();

  /** Parts shorter on the media than the manifest records (a half-copied chunk), for messages. */
  private readonly cutShort: string[];

  private constructor(
    name: string,
    manifest: TransferManifest,
    blobs: Map<string, Located>,
    cutShort: string[],
  ) {
    this.name = name;
    this.cutShort = cutShort;
    this.manifest = manifest;
    this.blobs = blobs;
    this.tags = new Map();
    for (const img of manifest.images) {
      const tags = this.tags.get(img.target.repository) ?? new Map<string, string>();
      if (img.target.tag) tags.set(img.target.tag, img.digest);
      this.tags.set(img.target.repository, tags);
      this.mediaTypes.set(img.digest, img.mediaType);
      for (const a of img.artifacts) {
        if (a.tag) tags.set(a.tag, a.digest);
        this.mediaTypes.set(a.digest, a.mediaType);
        if (a.kind !== 'referrer') continue;
        const list = this.referrersBySubject.get(a.subject) ?? [];
        list.push({ mediaType: a.mediaType, digest: a.digest, size: blobs.get(a.digest)?.size ?? 0 });
        this.referrersBySubject.set(a.subject, list);
      }
    }
  }

  /** The opened bundle's images as a copy source; every archive it lists must be on the media. The
   *  bundle's owner closes it (this store reads through its archive readers). */
  static async of(bundle: OpenedBundle): Promise<BundleSource> {
    const blobs = new Map<string, Located>();
    const cutShort: string[] = [];
    for (const record of bundle.manifest.archives) {
      const parts = partsOnMedia(bundle.files, record);
      if (!parts)
        throw new BundleInvalidError(
          `${record.name} is missing from ${bundle.files.where}: copy it (or its chunks) from the media`,
        );
      for (const p of parts) {
        const size = await bundle.files.sizeOf(p.file);
        if (size < p.size) cutShort.push(`${p.file} (${size} of ${p.size} bytes)`);
      }
      const reader = bundle.files.reader(record.name, parts);
      for (const f of await bundle.files.index(record.name, parts)) {
        const blob = parseBlobPath(f.path);
        if (blob) blobs.set(blob.digest, { reader, offset: f.offset, size: f.size });
      }
    }
    return new BundleSource(bundle.files.where, bundle.manifest, blobs, cutShort);
  }

  /** Blobs archive by archive, as each archive's index lists them. */
  blobOrder(): Iterable<string> {
    return this.blobs.keys();
  }

  private locate(digest: string): Located {
    const at = this.blobs.get(digest);
    if (at) return at;
    // A bundle problem, not a registry one: the entry is missing, damaged, or not a regular file.
    const cut = this.cutShort.length
      ? `; ${this.cutShort.join(', ')} cut short: copy ${this.cutShort.length > 1 ? 'them' : 'it'} from the media again`
      : `: run 'ferry verify ${this.name}'`;
    throw new BundleInvalidError(`blob ${digest} is not readable in the bundle ${this.name}${cut}`);
  }

  private digestFor(repository: string, reference: string): string {
    if (reference.includes(':')) return reference;
    const d = this.tags.get(repository)?.get(reference);
    if (!d) throw new NotFoundError(`${repository}:${reference} is not in the bundle ${this.name}`);
    return d;
  }

  async getManifest(repository: string, reference: string): Promise<RawManifest> {
    const digest = this.digestFor(repository, reference);
    const at = this.locate(digest);
    const bytes = await at.reader.read(at.offset, at.size);
    if (digestLike(bytes, digest) !== digest) {
      const files = at.reader
        .partsOf(at.offset, at.size)
        .map((p) => p.file)
        .join(', ');
      throw new DigestMismatchError(
        `manifest ${digest} in ${files} is damaged: refused (run 'ferry verify')`,
      );
    }
    return { bytes, digest, mediaType: this.mediaTypes.get(digest) ?? detectMediaType(bytes) };
  }

  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    try {
      const digest = this.digestFor(repository, reference);
      const at = this.blobs.get(digest);
      if (!at) return undefined;
      // Read (and check) the bytes only when the transfer manifest does not record the media type.
      const mediaType = this.mediaTypes.get(digest) ?? (await this.getManifest(repository, digest)).mediaType;
      return { digest, mediaType, size: at.size };
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** Raw bytes by offset, unchecked: the copy verifies every blob it reads. */
  async getBlob(_repository: string, digest: string, options: GetBlobOptions = {}): Promise<BlobStream> {
    const at = this.locate(digest);
    const offset = options.offset ?? 0;
    return { stream: at.reader.stream(at.offset + offset, at.size - offset), size: at.size };
  }

  async listTags(repository: string): Promise<string[]> {
    return [...(this.tags.get(repository)?.keys() ?? [])];
  }

  async referrers(_repository: string, digest: string): Promise<Descriptor[]> {
    return this.referrersBySubject.get(digest) ?? [];
  }
}
