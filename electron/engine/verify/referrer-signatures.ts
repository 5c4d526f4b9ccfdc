// Sigstore bundles carried as OCI referrers of the image (sigstore-bundle.ts does the bundle itself):
// which referrers are bundles, and whether one holds for the rule's keys or keyless identities.
import { toFerryError } from '../errors.ts';
import type { CarriedTrust } from './carried-trust.ts';
import type { ImageSignatureVerdict } from './image-signature-verdict.ts';
import { identityMatches, type PolicyRule } from './signature-policy.ts';
import { readPayload, type Findings, type SignatureSource, type SignedImage } from './signature-source.ts';
import {
  parseSigstoreBundle,
  sigstoreBundleLayer,
  verifyBundleKeyless,
  verifyBundleWithKey,
} from './sigstore-bundle.ts';

/** One Sigstore bundle referrer, checked against the rule's keys or identities. */
export async function checkSigstoreReferrer(
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
export async function sigstoreReferrers(source: SignatureSource, image: SignedImage, found: Findings) {
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
