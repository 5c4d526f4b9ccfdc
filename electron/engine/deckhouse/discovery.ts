// Module and package discovery tags. Deckhouse lists the modules of a ModuleSource by listing the
// tags of its repository (`<path>/modules`): each module needs a tag `<path>/modules:<name>`; its
// package catalog the same way at `<path>/packages:<name>` (d8 push.go createPackagesIndex). The image behind
// the tag is never run or read; d8 pushes a random image there. Ferry pushes a small deterministic
// one instead, so a re-push changes nothing and the target holds no random junk:
// - an OCI image manifest with one 1 KiB layer (an empty tar: two zero blocks, uncompressed) and
// - a config for linux/amd64 whose labels say what it is:
//   `io.deckhouse.module: <name>` and `io.ferry.role: module-discovery` (for a package
//   `io.deckhouse.package` and `package-discovery`; for a d8 CLI plugin `io.deckhouse.plugin` and
//   `plugin-discovery`, at `<path>/deckhouse-cli/plugins:<name>`).
import { Readable } from 'node:stream';
import { sha256Digest } from '../oci/digest.ts';
import { MediaTypes, type Descriptor, type RawManifest } from '../oci/types.ts';
import type { BlobSink } from '../store/store.ts';

const EMPTY_TAR = Buffer.alloc(1024);

function descriptor(bytes: Buffer, mediaType: string): Descriptor {
  return {
    mediaType,
    digest: sha256Digest(bytes),
    size: bytes.length,
  };
}

export interface DiscoveryImage {
  manifest: RawManifest;
  blobs: Array<{ descriptor: Descriptor; bytes: Buffer }>;
}

export type DiscoveryKind = 'module' | 'package' | 'plugin';

/** The image behind `<path>/modules:<module>`: the same bytes for the same module name, always. */
export function discoveryImage(module: string, kind: DiscoveryKind = 'module'): DiscoveryImage {
  const layer = descriptor(EMPTY_TAR, MediaTypes.ociLayer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { [`io.deckhouse.${kind}`]: module, 'io.ferry.role': `${kind}-discovery` } },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const configDescriptor = descriptor(config, MediaTypes.ociConfig);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: configDescriptor,
      layers: [layer],
    }),
  );
  return {
    manifest: {
      bytes,
      mediaType: MediaTypes.ociManifest,
      digest: descriptor(bytes, MediaTypes.ociManifest).digest,
    },
    blobs: [
      { descriptor: configDescriptor, bytes: config },
      { descriptor: layer, bytes: EMPTY_TAR },
    ],
  };
}

/** Tags `<repository>:<module>` for every module (blobs uploaded once, skipped when present). */
export async function pushModuleDiscoveryTags(
  store: BlobSink,
  repository: string,
  modules: string[],
  signal?: AbortSignal,
  kind: DiscoveryKind = 'module',
): Promise<void> {
  for (const module of modules) {
    const image = discoveryImage(module, kind);
    for (const blob of image.blobs) {
      if (await store.hasBlob(repository, blob.descriptor.digest, signal)) continue;
      await store.putBlob(repository, blob.descriptor, Readable.from([blob.bytes]), signal);
    }
    await store.putManifest(repository, module, image.manifest, signal);
  }
}
