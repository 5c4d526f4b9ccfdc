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
import type { Readable } from 'node:stream';
import type { ArtifactKind } from '../plan/image-graph.ts';
import { toFerryError } from '../errors.ts';
import { digestLike } from '../oci/digest.ts';
import { verifyCosignSignature } from './cosign-key.ts';
import { parseSimpleSigning, signatureLayers } from './cosign-payload.ts';
import { identityMatches, ruleFor, type PolicyRule, type SignaturePolicy } from './signature-policy.ts';
import {
  parseSigstoreBundle,
  sigstoreBundleLayer,
  verifyBundleKeyless,
  verifyBundleWithKey,
} from './sigstore-bundle.ts';
import type { CarriedTrust } from './carried-trust.ts';
import type { ImageSignatureResult, ImageSignatureVerdict } from './image-signature-verdict.ts';

/** Simple-signing payloads are a few hundred bytes, Sigstore bundles a few KiB; a bigger one is not
 *  read into memory. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

export {
  describeImageSignature,
  signatureAccepted,
  type ImageSignatureResult,
  type ImageSignatureVerdict,
} from './image-signature-verdict.ts';

/** Where signatures are read from: the bundle on the isolated side (BundleSource), the source
 *  registry on the connected side (`ferry pull --policy`). */
export interface SignatureSource {
  getManifest(repository: string, reference: string): Promise<{ bytes: Buffer }>;
  getBlob(repository: string, digest: string): Promise<{ size: number; stream: Readable }>;
}

/** An image whose signatures are checked, and the artifacts that travel with it. */
export interface SignedImage {
  digest: string;
  /** The repository as the bundle names it: what the policy's patterns match. */
  name: string;
  /** The repository to read it and its artifacts from in the source. */
  repository: string;
  artifacts: ReadonlyArray<{ kind: ArtifactKind; subject: string; digest: string }>;
}

type Artifact = SignedImage['artifacts'][number];

async function readPayload(source: SignatureSource, repository: string, digest: string): Promise<Buffer> {
  const blob = await source.getBlob(repository, digest);
  if (blob.size > MAX_PAYLOAD_BYTES) {
    blob.stream.destroy();
    throw new Error(`payload ${digest} is ${blob.size} bytes, too big for a simple-signing payload`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (digestLike(bytes, digest) !== digest) throw new Error(`payload ${digest} is damaged in the bundle`);
  return bytes;
}

/** Why the signatures an image carries do not satisfy its rule, gathered so the verdict can say the
 *  most telling one: a valid signature of another image first, then every other problem. */
class Findings {
  otherDigest: { signer: string; digest: string } | undefined;
  problems: string[] = [];
  checked = 0;
}

/** The tag-scheme signatures (`sha256-<hex>.sig`): simple-signing payloads signed with a key. */
async function checkTagSignatures(
  source: SignatureSource,
  image: SignedImage,
  rule: PolicyRule,
  signatures: Artifact[],
  found: Findings,
): Promise<ImageSignatureVerdict | undefined> {
  const repository = image.repository;
  for (const sig of signatures) {
    try {
      const manifest = await source.getManifest(repository, sig.digest);
      const layers = signatureLayers(JSON.parse(manifest.bytes.toString('utf8')));
      if (typeof layers === 'string') {
        found.problems.push(layers);
        continue;
      }
      for (const layer of layers) {
        const payload = await readPayload(source, repository, layer.digest);
        found.checked++;
        const key = rule.keys.find((k) => verifyCosignSignature(k, payload, layer.signature));
        if (!key) continue;
        const claims = parseSimpleSigning(payload);
        if (typeof claims === 'string') {
          found.problems.push(claims);
          continue;
        }
        if (claims.manifestDigest !== image.digest) {
          found.otherDigest = { signer: key.fingerprint, digest: claims.manifestDigest };
          continue;
        }
        return { status: 'signed', key: key.fingerprint, keySource: key.source, signature: sig.digest };
      }
    } catch (err) {
      found.problems.push(toFerryError(err).message);
    }
  }
  return undefined;
}

/** One Sigstore bundle referrer, checked against the rule's keys or identities. */
async function checkSigstoreReferrer(
  source: SignatureSource,
  image: SignedImage,
  rule: PolicyRule,
  referrer: { digest: string; layer: string },
  trust: CarriedTrust | undefined,
  found: Findings,
): Promise<ImageSignatureVerdict | undefined> {
  const repository = image.repository;
  const parsed = parseSigstoreBundle(await readPayload(source, repository, referrer.layer));
  if (typeof parsed === 'string') {
    found.problems.push(parsed);
    return undefined;
  }
  // An attestation (provenance, SBOM...) rides the same referrer type but vouches for something else.
  if (parsed.predicateType !== undefined) return undefined;
  found.checked++;
  const manifestBytes = (await source.getManifest(repository, image.digest)).bytes;
  const forThisImage = (signer: string) => {
    if (parsed.subjects.includes(image.digest)) return true;
    found.otherDigest = { signer, digest: parsed.subjects[0] ?? 'no digest' };
    return false;
  };
  const material = parsed.bundle.verificationMaterial.content.$case;
  if (material === 'publicKey') {
    if (rule.keys.length === 0) {
      found.problems.push(
        `its Sigstore bundle is signed with a key; the rule for ${rule.match} names identities only`,
      );
      return undefined;
    }
    const reasons = new Set<string>();
    for (const key of rule.keys) {
      const ok = verifyBundleWithKey(parsed, manifestBytes, key);
      if (ok !== true) {
        reasons.add(ok);
        continue;
      }
      if (!forThisImage(key.fingerprint)) return undefined;
      return {
        status: 'signed',
        key: key.fingerprint,
        keySource: key.source,
        signature: referrer.digest,
        scheme: 'sigstore-bundle',
      };
    }
    found.problems.push(
      `its Sigstore bundle does not verify with ${rule.keys.map((k) => k.source).join(', ')}: ${[...reasons].join('; ')}`,
    );
    return undefined;
  }
  if (rule.identities.length === 0) {
    found.problems.push(
      `its Sigstore bundle is signed keyless (a certificate); the rule for ${rule.match} names keys only`,
    );
    return undefined;
  }
  if (!trust) {
    found.problems.push(
      'it is signed keyless, but the bundle carries no Sigstore trusted root: pull with --carry-trust FILE',
    );
    return undefined;
  }
  if ('problem' in trust) {
    found.problems.push(trust.problem);
    return undefined;
  }
  const signer = verifyBundleKeyless(parsed, manifestBytes, trust.material);
  if (typeof signer === 'string') {
    found.problems.push(`its keyless signature fails: ${signer}`);
    return undefined;
  }
  const who = `${signer.subject} (issuer ${signer.issuer})`;
  if (!rule.identities.some((r) => identityMatches(r, signer.subject, signer.issuer))) {
    found.problems.push(
      `it is signed by ${who}, whom the rule for ${rule.match} does not name (it wants ${rule.identities.map((r) => r.label).join(' or ')})`,
    );
    return undefined;
  }
  if (!forThisImage(who)) return undefined;
  return {
    status: 'signed',
    key: signer.subject,
    keySource: `issuer ${signer.issuer}`,
    signature: referrer.digest,
    scheme: 'sigstore-bundle',
    identity: { subject: signer.subject, issuer: signer.issuer },
  };
}

/** The image's referrer manifests: those carried on their own (found by the referrers API), and the
 *  children of the referrers tag-schema index (`sha256-<hex>`), which travels whole. */
async function referrerDigests(source: SignatureSource, image: SignedImage): Promise<string[]> {
  const out = new Set<string>();
  for (const a of image.artifacts) {
    if (a.subject !== image.digest) continue;
    if (a.kind === 'referrer') out.add(a.digest);
    if (a.kind !== 'referrers-index') continue;
    const index = JSON.parse(
      (await source.getManifest(image.repository, a.digest)).bytes.toString('utf8'),
    ) as { manifests?: unknown };
    for (const m of Array.isArray(index.manifests) ? (index.manifests as unknown[]) : []) {
      const digest = (m as { digest?: unknown } | null)?.digest;
      if (typeof digest === 'string') out.add(digest);
    }
  }
  return [...out];
}

/** The Sigstore bundle referrers of the image: its referrers whose manifest is a bundle. */
async function sigstoreReferrers(source: SignatureSource, image: SignedImage, found: Findings) {
  const out: Array<{ digest: string; layer: string }> = [];
  try {
    for (const digest of await referrerDigests(source, image)) {
      const manifest = await source.getManifest(image.repository, digest);
      const layer = sigstoreBundleLayer(JSON.parse(manifest.bytes.toString('utf8')));
      if (typeof layer === 'string') found.problems.push(layer);
      else if (layer) out.push({ digest, layer: layer.digest });
    }
  } catch (err) {
    found.problems.push(toFerryError(err).message);
  }
  return out;
}

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
