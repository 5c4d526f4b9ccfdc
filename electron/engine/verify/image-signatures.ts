// Does each image of a bundle carry a valid cosign signature by one of the operator's keys or
// identities? Checked offline, from the bundle alone, in both of cosign's schemes: the tag-scheme
// signature (`sha256-<hex>.sig`: simple-signing payloads, each payload's signature checked against
// the keys) and Sigstore bundles carried as OCI referrers (sigstore-bundle.ts: keys, or keyless
// certificates checked against the trusted root the bundle carries). Everything is read out of the
// archives and checked against its digest, and what is signed must name the image's own digest. One
// valid signature by one of the keys or identities suffices, as with `cosign verify`. Which signers
// an image needs is the policy's say (signature-policy.ts).
import { BundleSource } from '../bundle/bundle-source.ts';
import type { OpenedBundle } from '../bundle/open-bundle.ts';
import { toFerryError } from '../errors.ts';
import type { CarriedTrust } from './carried-trust.ts';
import type { ImageSignatureResult, ImageSignatureVerdict } from './image-signature-verdict.ts';
import { checkSigstoreReferrer, sigstoreReferrers } from './referrer-signatures.ts';
import { ruleFor, type SignaturePolicy } from './signature-policy.ts';
import { Findings, type SignatureSource, type SignedImage } from './signature-source.ts';
import { checkTagSignatures } from './tag-signatures.ts';

export {
  describeImageSignature,
  signatureAccepted,
  type ImageSignatureResult,
  type ImageSignatureVerdict,
} from './image-signature-verdict.ts';
export type { SignatureSource, SignedImage } from './signature-source.ts';

/** One image's verdict under the policy. */
export async function checkSignedImage(
  source: SignatureSource,
  image: SignedImage,
  policy: SignaturePolicy,
  trust: CarriedTrust | undefined,
): Promise<ImageSignatureVerdict> {
  const repository = image.name;
  const rule = ruleFor(policy, repository);
  if (!rule) return { status: 'not-required', reason: `no rule of ${policy.source} covers ${repository}` };
  if (rule.keys.length === 0 && rule.identities.length === 0) {
    return { status: 'not-required', reason: `${policy.source} allows it unsigned (${rule.match})` };
  }
  const found = new Findings();
  const signatures = image.artifacts.filter((a) => a.kind === 'sig' && a.subject === image.digest);
  const referrers = await sigstoreReferrers(source, image, found);
  if (signatures.length === 0 && referrers.length === 0 && found.problems.length === 0) {
    return {
      status: 'unsigned',
      reason: `no cosign signature (${image.digest.replace(':', '-')}.sig) or Sigstore bundle travelled with it`,
    };
  }
  if (signatures.length && rule.keys.length === 0) {
    found.problems.push(
      `its cosign signature (.sig) is key-based; the rule for ${rule.match} names identities only`,
    );
  } else if (signatures.length) {
    const signed = await checkTagSignatures(source, image, rule, signatures, found);
    if (signed) return signed;
  }
  for (const referrer of referrers) {
    try {
      const signed = await checkSigstoreReferrer(source, image, rule, referrer, trust, found);
      if (signed) return signed;
    } catch (err) {
      found.problems.push(toFerryError(err).message);
    }
  }
  if (found.otherDigest) {
    return {
      status: 'invalid',
      reason: `the signature by ${found.otherDigest.signer} is for another image (${found.otherDigest.digest})`,
    };
  }
  if (found.problems.length) return { status: 'invalid', reason: found.problems.join('; ') };
  if (found.checked === 0) {
    return {
      status: 'unsigned',
      reason: 'only attestations travelled with it, no signature (cosign sign) of the image',
    };
  }
  return {
    status: 'invalid',
    reason: `none of its ${found.checked} signature(s) verifies with ${rule.keys.map((k) => k.source).join(', ')}: signed by another key, or the payload was altered`,
  };
}

/** Every image's verdict, in the transfer manifest's order. The bundle's owner closes it. */
export async function checkImageSignatures(
  bundle: OpenedBundle,
  policy: SignaturePolicy,
  /** The bundle's trusted root (carried-trust.ts), for keyless signatures. */
  trust?: CarriedTrust,
): Promise<ImageSignatureResult[]> {
  let source: BundleSource;
  try {
    source = await BundleSource.of(bundle);
  } catch (err) {
    // An archive missing from the media: the integrity report names it; no image can be vouched for.
    const reason = `its signature cannot be read: ${toFerryError(err).message}`;
    return bundle.manifest.images.map((i) => ({
      source: i.source,
      digest: i.digest,
      verdict: { status: 'invalid', reason },
    }));
  }
  const out: ImageSignatureResult[] = [];
  for (const image of bundle.manifest.images) {
    out.push({
      source: image.source,
      digest: image.digest,
      verdict: await checkSignedImage(
        source,
        { ...image, name: image.target.repository, repository: image.target.repository },
        policy,
        trust,
      ),
    });
  }
  return out;
}
