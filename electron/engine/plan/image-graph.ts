// What one image is, as a copy sees it: the manifests to carry (children before parents), the blobs
// they reference, and the artifacts that travel with it (cosign tags, OCI 1.1 referrers).
import type { Descriptor, Platform, RawManifest } from '../oci/types.ts';

export interface ImageRequest {
  /** The reference as the user gave it, normalised (registry/repo:tag or @digest). */
  sourceText: string;
  source: { registry: string; repository: string; reference: string };
  /** Where it goes, relative to the push root. Tag absent for digest-only images. */
  target: { repository: string; tag?: string };
  platforms?: Platform[];
}

export type ArtifactKind = 'sig' | 'att' | 'sbom' | 'referrers-index' | 'referrer';

export interface ArtifactGraph {
  kind: ArtifactKind;
  /** Digest of the manifest this artifact is about. */
  subject: string;
  /** Tag for tag-scheme artifacts (`sha256-<hex>.sig`, `sha256-<hex>`); absent for API referrers. */
  tag?: string;
  root: RawManifest;
  manifests: RawManifest[];
  blobs: Descriptor[];
}

export interface ImageGraph {
  request: ImageRequest;
  /** The manifest or index that the target tag points at. */
  root: RawManifest;
  /** Every manifest to carry, children before the indexes that list them; root last. */
  manifests: RawManifest[];
  blobs: Descriptor[];
  /** Platforms of the manifests carried, `os/arch[/variant]`. */
  platforms: string[];
  artifacts: ArtifactGraph[];
}

export interface CopyPlan {
  images: ImageGraph[];
}

/** Every blob of an image with its artifacts, once each. */
export function allBlobs(image: ImageGraph): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const d of [...image.blobs, ...image.artifacts.flatMap((a) => a.blobs)]) seen.set(d.digest, d);
  return [...seen.values()];
}

/** Every manifest of an image with its artifacts, once each, children first. */
export function allManifests(image: ImageGraph): RawManifest[] {
  const seen = new Map<string, RawManifest>();
  for (const m of [...image.manifests, ...image.artifacts.flatMap((a) => a.manifests)]) seen.set(m.digest, m);
  return [...seen.values()];
}
