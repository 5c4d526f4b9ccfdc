// Annotation keys Ferry reads and writes, and the tag names cosign and the OCI referrers
// fallback derive from a digest.
import { InvalidReferenceError } from '../errors.ts';
import { tagProblem } from '../ref/grammar.ts';
import { parseDigest } from './digest.ts';

/** OCI layout index.json: the tag (or full reference) a manifest was stored under. */
export const refName = 'org.opencontainers.image.ref.name';
/** d8 mirror's OCI layouts: the bare tag, since ref.name may hold a whole reference. */
export const deckhouseShortTag = 'io.deckhouse.image.short_tag';

export type CosignKind = 'sig' | 'att' | 'sbom';

/** Lengths the OCI distribution spec's referrers tag schema truncates to. */
const fallbackAlgorithmMax = 32;
const fallbackHexMax = 64;

/** 'sha256:<hex>' → 'sha256-<hex>': the OCI 1.1 referrers tag-schema fallback for a subject digest. */
export function referrersFallbackTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm.slice(0, fallbackAlgorithmMax)}-${hex.slice(0, fallbackHexMax)}`;
}

/** 'sha256:<hex>' → 'sha256-<hex>.sig' (or .att, .sbom): where cosign stores artifacts for an image. */
export function cosignTag(digest: string, kind: CosignKind): string {
  const { algorithm, hex } = parseDigest(digest);
  const tag = `${algorithm}-${hex}.${kind}`;
  // cosign does not truncate, so a sha512 subject yields a tag longer than the 128 allowed.
  const problem = tagProblem(tag);
  if (problem) {
    throw new InvalidReferenceError(`no cosign ${kind} tag exists for ${digest}: ${problem}`, {
      details: { digest },
    });
  }
  return tag;
}
