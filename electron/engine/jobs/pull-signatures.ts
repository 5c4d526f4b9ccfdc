// `ferry pull --policy FILE`: the connected side refuses to carry images whose signatures fail the
// policy, so a bad image is caught before it crosses. Checked against the source registry right
// after the images are resolved, with the same check the isolated side runs on the bundle
// (verify/image-signatures.ts); keyless signatures against the trusted root the pull carries
// (`--carry-trust`). A refused image is listed in the manifest's `skipped` (refused: 'signature'),
// the rest are carried.
import type { CarriedTrustedRoot, SkippedItem } from '../bundle/transfer-manifest.ts';
import type { ImageGraph } from '../plan/image-graph.ts';
import type { BlobSource } from '../store/store.ts';
import { trustOfRoot } from '../verify/carried-trust.ts';
import {
  checkSignedImage,
  describeImageSignature,
  signatureAccepted,
  type SignedImage,
} from '../verify/image-signatures.ts';
import type { SignaturePolicy } from '../verify/signature-policy.ts';

export interface ScreenedImages {
  accepted: ImageGraph[];
  refused: SkippedItem[];
}

function signedImage(image: ImageGraph): SignedImage {
  return {
    digest: image.root.digest,
    name: image.request.target.repository,
    repository: image.request.source.repository,
    artifacts: image.artifacts.map((a) => ({ kind: a.kind, subject: a.subject, digest: a.root.digest })),
  };
}

export async function screenSignatures(
  images: ImageGraph[],
  storeFor: (registry: string) => BlobSource,
  policy: SignaturePolicy,
  trustedRoot: CarriedTrustedRoot | undefined,
): Promise<ScreenedImages> {
  const trust = trustedRoot ? trustOfRoot(trustedRoot) : undefined;
  const accepted: ImageGraph[] = [];
  const refused: SkippedItem[] = [];
  for (const image of images) {
    const source = storeFor(image.request.source.registry);
    const verdict = await checkSignedImage(source, signedImage(image), policy, trust);
    if (signatureAccepted(verdict)) accepted.push(image);
    else
      refused.push({
        item: image.request.sourceText,
        reason: describeImageSignature(verdict),
        refused: 'signature',
      });
  }
  return { accepted, refused };
}
