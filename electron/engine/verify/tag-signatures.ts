// The tag scheme (`sha256-<hex>.sig`, cosign v1/v2's default): simple-signing payloads, each signature
// in a layer annotation, checked against the rule's keys with node:crypto; the payload must name the
// image's own digest.
import { toFerryError } from '../errors.ts';
import { verifyCosignSignature } from './cosign-key.ts';
import { parseSimpleSigning, signatureLayers } from './cosign-payload.ts';
import type { ImageSignatureVerdict } from './image-signature-verdict.ts';
import type { PolicyRule } from './signature-policy.ts';
import {
  readPayload,
  type Artifact,
  type Findings,
  type SignatureSource,
  type SignedImage,
} from './signature-source.ts';

/** The tag-scheme signatures (`sha256-<hex>.sig`): simple-signing payloads signed with a key. */
export async function checkTagSignatures(
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
