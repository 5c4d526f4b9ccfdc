// Pushes built content through the test registry client and records exactly what was pushed, so a
// seeder can hand tests a faithful description (repositories, tags, digests, sizes).
import type { BlobContent, FixturePlatform, ImageContent, ManifestContent } from './oci-builders.ts';
import type { RegistryClient } from './registry-client.ts';

export interface PushedBlob {
  digest: string;
  size: number;
  mediaType: string;
}

interface PushedManifestBase {
  repository: string;
  /** Tags this manifest was pushed under, in push order ([] when pushed by digest only). */
  tags: string[];
  digest: string;
  mediaType: string;
  size: number;
  /** '<host>/<repository>@<digest>'. */
  reference: string;
}

export interface PushedImage extends PushedManifestBase {
  kind: 'image';
  config: PushedBlob;
  layers: PushedBlob[];
  platform?: FixturePlatform;
  artifactType?: string;
  /** Digest of the manifest's `subject`, when it has one. */
  subject?: string;
}

export interface PushedIndex extends PushedManifestBase {
  kind: 'index';
  children: PushedImage[];
}

export type PushedManifest = PushedImage | PushedIndex;

/** Totals over everything one seeder pushed. */
export interface SeedSummary {
  /** '127.0.0.1:PORT'. */
  host: string;
  /** Every repository written to, sorted. */
  repositories: string[];
  /** Repository → its tags, sorted (as RegistryClient.listTags returns them); only repositories with tags. */
  tags: Record<string, string[]>;
  /** Every manifest and index PUT, once per (repository, digest), children included. */
  manifests: Array<{ repository: string; digest: string; mediaType: string; size: number; tags: string[] }>;
  /** Every (repository, blob) pair pushed. */
  blobs: Array<{ repository: string; digest: string; size: number }>;
  /** Sum of sizes over distinct blob digests. */
  uniqueBlobBytes: number;
}

const CONCURRENCY = 8;

function toPushedBlob(blob: BlobContent): PushedBlob {
  return { digest: blob.digest, size: blob.size, mediaType: blob.mediaType };
}

export class SeedRecorder {
  readonly host: string;
  private readonly client: RegistryClient;
  private readonly blobPushes = new Map<string, Promise<void>>();
  private readonly manifests = new Map<string, SeedSummary['manifests'][number]>();
  private readonly blobs = new Map<string, SeedSummary['blobs'][number]>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(client: RegistryClient, host: string) {
    this.client = client;
    this.host = host;
  }

  /** Runs one registry request under the concurrency cap (only leaf requests, so no deadlock). */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  pushBlob(repository: string, blob: BlobContent): Promise<void> {
    const key = `${repository}@${blob.digest}`;
    let pending = this.blobPushes.get(key);
    if (pending === undefined) {
      pending = this.limited(() => this.client.pushBlob(repository, blob.bytes)).then(() => {
        this.blobs.set(key, { repository, digest: blob.digest, size: blob.size });
      });
      this.blobPushes.set(key, pending);
    }
    return pending;
  }

  private async putManifest(repository: string, manifest: ManifestContent, tags: string[]): Promise<void> {
    const refs = tags.length > 0 ? tags : [manifest.digest];
    for (const ref of refs) {
      await this.limited(() => this.client.pushManifest(repository, ref, manifest.bytes, manifest.mediaType));
    }
    const key = `${repository}@${manifest.digest}`;
    const known = this.manifests.get(key);
    if (known) known.tags.push(...tags);
    else {
      const { digest, mediaType, size } = manifest;
      this.manifests.set(key, { repository, digest, mediaType, size, tags: [...tags] });
    }
  }

  private describe(repository: string, manifest: ManifestContent, tags: string[]): PushedManifestBase {
    const { digest, mediaType, size } = manifest;
    return { repository, tags, digest, mediaType, size, reference: `${this.host}/${repository}@${digest}` };
  }

  /** Pushes an image's blobs, then its manifest under each tag (or by digest when `tags` is empty). */
  async pushImage(repository: string, image: ImageContent, tags: string[] = []): Promise<PushedImage> {
    await Promise.all([image.config, ...image.layers].map((blob) => this.pushBlob(repository, blob)));
    await this.putManifest(repository, image.manifest, tags);
    const pushed: PushedImage = {
      kind: 'image',
      ...this.describe(repository, image.manifest, tags),
      config: toPushedBlob(image.config),
      layers: image.layers.map(toPushedBlob),
    };
    if (image.platform !== undefined) pushed.platform = image.platform;
    const json = image.manifest.json as { artifactType?: string; subject?: { digest: string } };
    if (json.artifactType !== undefined) pushed.artifactType = json.artifactType;
    if (json.subject !== undefined) pushed.subject = json.subject.digest;
    return pushed;
  }

  /** Pushes the children (by digest), then the index under each tag. */
  async pushIndex(
    repository: string,
    index: ManifestContent,
    children: ImageContent[],
    tags: string[] = [],
  ): Promise<PushedIndex> {
    const pushedChildren = await Promise.all(children.map((child) => this.pushImage(repository, child)));
    return this.pushIndexOver(repository, index, pushedChildren, tags);
  }

  /** Pushes an index whose children are already in the repository. */
  async pushIndexOver(
    repository: string,
    index: ManifestContent,
    children: PushedImage[],
    tags: string[] = [],
  ): Promise<PushedIndex> {
    await this.putManifest(repository, index, tags);
    return { kind: 'index', ...this.describe(repository, index, tags), children };
  }

  summary(): SeedSummary {
    const tags: Record<string, string[]> = {};
    const repositories = new Set<string>();
    for (const manifest of this.manifests.values()) {
      repositories.add(manifest.repository);
      if (manifest.tags.length === 0) continue;
      const list = (tags[manifest.repository] ??= []);
      for (const tag of manifest.tags) if (!list.includes(tag)) list.push(tag);
    }
    for (const list of Object.values(tags)) list.sort();
    const sizes = new Map<string, number>();
    for (const blob of this.blobs.values()) {
      repositories.add(blob.repository);
      sizes.set(blob.digest, blob.size);
    }
    return {
      host: this.host,
      repositories: [...repositories].sort(),
      tags,
      manifests: [...this.manifests.values()],
      blobs: [...this.blobs.values()],
      uniqueBlobBytes: [...sizes.values()].reduce((sum, size) => sum + size, 0),
    };
  }
}
