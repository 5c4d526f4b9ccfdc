// What a cosign tag-scheme signature (`sha256-<hex>.sig`) holds: an image manifest whose layers are
// simple-signing payloads, each with its base64 signature in a layer annotation. The payload names
// the digest of the image it vouches for; a valid signature over a payload naming another digest
// vouches for another image, so both are checked.
import { isDigest } from '../oci/digest.ts';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

/** One signed layer of a signature manifest. */
export interface SignatureLayer {
  /** Digest of the payload blob. */
  digest: string;
  /** The signature, decoded from the annotation. */
  signature: Buffer;
}

export interface SimpleSigningPayload {
  manifestDigest: string;
  dockerReference: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The signed layers of a signature manifest's JSON; a string says why there are none. */
export function signatureLayers(manifestJson: unknown): SignatureLayer[] | string {
  if (!isRecord(manifestJson) || !Array.isArray(manifestJson.layers)) {
    return 'the signature manifest has no layers';
  }
  const out: SignatureLayer[] = [];
  for (const layer of manifestJson.layers) {
    if (!isRecord(layer) || layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
    const annotations = isRecord(layer.annotations) ? layer.annotations : {};
    const sig = annotations[COSIGN_SIGNATURE_ANNOTATION];
    if (typeof layer.digest !== 'string' || !isDigest(layer.digest) || typeof sig !== 'string') continue;
    out.push({ digest: layer.digest, signature: Buffer.from(sig, 'base64') });
  }
  return out.length
    ? out
    : `no layer carries a simple-signing payload with a ${COSIGN_SIGNATURE_ANNOTATION} annotation`;
}

/** The claims of a simple-signing payload; a string says what is wrong with it. */
export function parseSimpleSigning(bytes: Buffer): SimpleSigningPayload | string {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'the signed payload is not JSON';
  }
  const critical = isRecord(json) && isRecord(json.critical) ? json.critical : undefined;
  const image = critical && isRecord(critical.image) ? critical.image : undefined;
  const identity = critical && isRecord(critical.identity) ? critical.identity : undefined;
  const digest = image?.['docker-manifest-digest'];
  if (!critical || critical.type !== SIMPLE_SIGNING_TYPE || typeof digest !== 'string') {
    return `the signed payload is not a cosign simple-signing payload ('${SIMPLE_SIGNING_TYPE}' with a docker-manifest-digest)`;
  }
  const reference = identity?.['docker-reference'];
  return { manifestDigest: digest, dockerReference: typeof reference === 'string' ? reference : '' };
}
