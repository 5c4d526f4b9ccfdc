// The files of one OCI image layout inside an archive: `oci-layout`, `index.json` (one descriptor per
// tag, annotated with the source reference and the destination tag) and `blobs/<alg>/<hex>`.
import * as annotations from '../oci/annotations.ts';
import { MediaTypes, type Descriptor, type RawManifest } from '../oci/types.ts';
import type { ImageGraph } from '../plan/image-graph.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

export const OCI_LAYOUT_FILE = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
/** Ferry's own annotation: the repository an image goes to, relative to the push root. */
export const TARGET_ANNOTATION = 'io.ferry.target.repository';

export function blobPath(layout: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return joinLayoutPath(layout, `blobs/${alg}/${hex}`);
}

const blobPathPattern = /^(?:(.*)\/)?blobs\/(sha256|sha512)\/([a-f0-9]+)$/;

/** The layout and digest of a `[<layout>/]blobs/<alg>/<hex>` path inside an archive; undefined for other files. */
export function parseBlobPath(path: string): { layout: string; digest: string } | undefined {
  const m = blobPathPattern.exec(path);
  return m ? { layout: m[1] ?? '', digest: `${m[2]}:${m[3]}` } : undefined;
}

export function joinLayoutPath(layout: string, file: string): string {
  return layout === '' || layout === '.' ? file : `${layout.replace(/\/+$/, '')}/${file}`;
}

function descriptorOf(m: RawManifest, extra: Record<string, string>): Descriptor {
  return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, annotations: extra };
}

/** index.json for the images of one layout: each image and each tagged artifact gets a descriptor. */
export function layoutIndex(images: ImageGraph[]): Buffer {
  const entries: Descriptor[] = [];
  for (const img of images) {
    const shortTag = img.request.target.tag ?? img.root.digest.split(':')[1]!;
    entries.push(
      descriptorOf(img.root, {
        [annotations.refName]: img.request.sourceText,
        [annotations.deckhouseShortTag]: shortTag,
        [TARGET_ANNOTATION]: img.request.target.repository,
      }),
    );
    for (const a of img.artifacts) {
      const tag = a.tag ?? a.root.digest.split(':')[1]!;
      entries.push(
        descriptorOf(a.root, {
          [annotations.refName]: `${img.request.source.registry}/${img.request.source.repository}:${tag}`,
          [annotations.deckhouseShortTag]: tag,
          [TARGET_ANNOTATION]: img.request.target.repository,
        }),
      );
    }
  }
  const unique = new Map<string, Descriptor>();
  for (const e of entries)
    unique.set(`${e.annotations![TARGET_ANNOTATION]}\n${e.annotations![annotations.deckhouseShortTag]}`, e);
  const manifests = [...unique.values()].sort((a, b) =>
    byCodeUnits(a.annotations![annotations.refName] ?? '', b.annotations![annotations.refName] ?? ''),
  );
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }, null, 2),
  );
}
