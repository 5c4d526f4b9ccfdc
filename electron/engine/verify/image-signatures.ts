// Does each image of a bundle carry a valid cosign signature by one of the operator's keys? Checked
// offline, from the bundle alone: the tag-scheme signature (`sha256-<hex>.sig`) that travelled with
// the image is read out of the archives (its manifest and payloads checked against their digests),
// each payload's signature is checked against the keys, and the payload must name the image's own
// digest. One valid signature by one of the keys suffices, as with `cosign verify --key`. Which keys
// an image needs is the policy's say (signature-policy.ts).
import { BundleSource } from '../bundle/bundle-source.ts';
import type { OpenedBundle } from '../bundle/open-bundle.ts';
import type { ImageRecord } from '../bundle/transfer-manifest.ts';
import { toFerryError } from '../errors.ts';
import { digestLike } from '../oci/digest.ts';
import { verifyCosignSignature, type CosignKey } from './cosign-key.ts';
import { parseSimpleSigning, signatureLayers } from './cosign-payload.ts';
import { ruleFor, type SignaturePolicy } from './signature-policy.ts';

/** Simple-signing payloads are a few hundred bytes; a bigger "payload" is not read into memory. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

export type ImageSignatureVerdict =
  | {
      status: 'signed';
      /** Fingerprint of the key whose signature holds, and the file it came from. */
      key: string;
      keySource: string;
      /** The signature manifest that holds it. */
      signature: string;
    }
  | { status: 'unsigned'; reason: string }
  | { status: 'invalid'; reason: string }
  /** The policy asks no signature of this image. */
  | { status: 'not-required'; reason: string };

/** Signed as the policy asks, or asked for no signature: may be pushed. */
export function signatureAccepted(verdict: ImageSignatureVerdict): boolean {
  return verdict.status === 'signed' || verdict.status === 'not-required';
}

export interface ImageSignatureResult {
  source: string;
  digest: string;
  verdict: ImageSignatureVerdict;
}

/** One line a person reads: who signed the image, or why it does not count as signed. */
export function describeImageSignature(verdict: ImageSignatureVerdict): string {
  switch (verdict.status) {
    case 'signed':
      return `signed by ${verdict.key} (${verdict.keySource})`;
    case 'unsigned':
      return `not signed: ${verdict.reason}`;
    case 'invalid':
      return `bad signature: ${verdict.reason}`;
    case 'not-required':
      return `no signature required: ${verdict.reason}`;
  }
}

async function readPayload(source: BundleSource, repository: string, digest: string): Promise<Buffer> {
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

async function checkImage(
  source: BundleSource,
  image: ImageRecord,
  policy: SignaturePolicy,
): Promise<ImageSignatureVerdict> {
  const repository = image.target.repository;
  const rule = ruleFor(policy, repository);
  if (!rule) return { status: 'not-required', reason: `no rule of ${policy.source} covers ${repository}` };
  if (rule.keys.length === 0) {
    return { status: 'not-required', reason: `${policy.source} allows it unsigned (${rule.match})` };
  }
  const keys: readonly CosignKey[] = rule.keys;
  const signatures = image.artifacts.filter((a) => a.kind === 'sig' && a.subject === image.digest);
  if (signatures.length === 0) {
    return {
      status: 'unsigned',
      reason: `no cosign signature (${image.digest.replace(':', '-')}.sig) travelled with it`,
    };
  }
  // Why each signature failed, so the report can say the most telling one.
  let otherDigest: { key: CosignKey; digest: string } | undefined;
  const problems: string[] = [];
  let checked = 0;
  for (const sig of signatures) {
    try {
      const manifest = await source.getManifest(repository, sig.digest);
      const layers = signatureLayers(JSON.parse(manifest.bytes.toString('utf8')));
      if (typeof layers === 'string') {
        problems.push(layers);
        continue;
      }
      for (const layer of layers) {
        const payload = await readPayload(source, repository, layer.digest);
        checked++;
        const key = keys.find((k) => verifyCosignSignature(k, payload, layer.signature));
        if (!key) continue;
        const claims = parseSimpleSigning(payload);
        if (typeof claims === 'string') {
          problems.push(claims);
          continue;
        }
        if (claims.manifestDigest !== image.digest) {
          otherDigest = { key, digest: claims.manifestDigest };
          continue;
        }
        return { status: 'signed', key: key.fingerprint, keySource: key.source, signature: sig.digest };
      }
    } catch (err) {
      problems.push(toFerryError(err).message);
    }
  }
  if (otherDigest) {
    return {
      status: 'invalid',
      reason: `the signature by ${otherDigest.key.fingerprint} is for another image (${otherDigest.digest})`,
    };
  }
  if (problems.length) return { status: 'invalid', reason: problems.join('; ') };
  return {
    status: 'invalid',
    reason: `none of its ${checked} signature(s) verifies with ${keys.map((k) => k.source).join(', ')}: signed by another key, or the payload was altered`,
  };
}

/** Every image's verdict, in the transfer manifest's order. The bundle's owner closes it. */
export async function checkImageSignatures(
  bundle: OpenedBundle,
  policy: SignaturePolicy,
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
      verdict: await checkImage(source, image, policy),
    });
  }
  return out;
}
