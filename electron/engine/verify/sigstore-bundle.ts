// Sigstore bundles carried as OCI referrers, as cosign v3 writes them by default: an image manifest
// with artifactType `application/vnd.dev.sigstore.bundle.v0.3+json` whose one layer is the bundle
// JSON, its subject the signed image. `cosign sign` puts a DSSE envelope in it whose in-toto
// statement names the image's digest as its subject, with predicate type
// `https://sigstore.dev/cosign/sign/v1` (attestations use the same referrer type with other predicate
// types: those vouch for something else and do not count as a signature). A message-signature
// bundle over the image manifest's own bytes is accepted too.
//
// The cryptography is the maintained Sigstore libraries' (@sigstore/bundle parses and validates,
// @sigstore/verify checks signature, certificate chain, transparency-log entries and timestamps);
// this module only says which image a bundle vouches for and who signed it, in words.
import { bundleFromJSON, isBundleWithDsseEnvelope, type Bundle } from '@sigstore/bundle';
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  VerificationError,
  type SignedEntity,
  type Signer,
  type TrustMaterial,
} from '@sigstore/verify';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { CosignKey } from './cosign-key.ts';

export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a referrer manifest is a Sigstore bundle, and the digest of its bundle layer. */
export function sigstoreBundleLayer(manifestJson: unknown): { digest: string } | string | undefined {
  if (!isRecord(manifestJson)) return undefined;
  const layers: unknown[] = Array.isArray(manifestJson.layers) ? manifestJson.layers : [];
  const isBundle =
    manifestJson.artifactType === SIGSTORE_BUNDLE_MEDIA_TYPE ||
    layers.some((l) => isRecord(l) && l.mediaType === SIGSTORE_BUNDLE_MEDIA_TYPE);
  if (!isBundle) return undefined;
  const layer = layers.find((l) => isRecord(l) && l.mediaType === SIGSTORE_BUNDLE_MEDIA_TYPE);
  if (!isRecord(layer) || typeof layer.digest !== 'string') {
    return `the Sigstore bundle referrer has no ${SIGSTORE_BUNDLE_MEDIA_TYPE} layer`;
  }
  return { digest: layer.digest };
}

/** A parsed bundle and what it claims to sign; a string says why it cannot be one. */
export interface ParsedSigstoreBundle {
  bundle: Bundle;
  /** Image digests the bundle vouches for (`sha256:<hex>`). */
  subjects: string[];
  /** Present when the bundle is something other than an image signature (an attestation). */
  predicateType?: string;
}

export function parseSigstoreBundle(bytes: Buffer): ParsedSigstoreBundle | string {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(bytes.toString('utf8')));
  } catch {
    return 'the Sigstore bundle is not a valid bundle (damaged, or not v0.3 JSON)';
  }
  if (bundle.content.$case === 'messageSignature') {
    // A message signature: its digest is the image manifest's own, checked against the manifest bytes.
    const digest = bundle.content.messageSignature.messageDigest;
    return { bundle, subjects: digest ? [`sha256:${Buffer.from(digest.digest).toString('hex')}`] : [] };
  }
  if (!isBundleWithDsseEnvelope(bundle)) return 'the Sigstore bundle holds neither signature nor envelope';
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return `the Sigstore bundle's envelope holds ${envelope.payloadType}, not an in-toto statement`;
  }
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  } catch {
    return "the Sigstore bundle's statement is not JSON";
  }
  if (!isRecord(statement) || !Array.isArray(statement.subject)) {
    return "the Sigstore bundle's statement names no subject";
  }
  const subjects = statement.subject.flatMap((s: unknown) => {
    const hex = isRecord(s) && isRecord(s.digest) ? s.digest.sha256 : undefined;
    return typeof hex === 'string' ? [`sha256:${hex}`] : [];
  });
  const predicateType = typeof statement.predicateType === 'string' ? statement.predicateType : '';
  return {
    bundle,
    subjects,
    ...(predicateType === COSIGN_SIGN_PREDICATE ? {} : { predicateType }),
  };
}

/** The trust a Sigstore trusted root (the JSON `cosign trusted-root create` writes) gives. */
export function trustFromRoot(json: unknown): TrustMaterial {
  return toTrustMaterial(TrustedRoot.fromJSON(json));
}

/** Plain words for what @sigstore/verify refused, by its error code (never by its message). */
function refusal(err: unknown): string {
  if (!(err instanceof VerificationError)) return `it could not be checked (${(err as Error).message})`;
  switch (err.code) {
    case 'SIGNATURE_ERROR':
      return 'its signature does not match what it signs: signed by another key, or the payload was altered';
    case 'CERTIFICATE_ERROR':
      return `its certificate does not hold against the carried trusted root: not issued by a trusted CA, or expired when it signed (${err.message})`;
    case 'PUBLIC_KEY_ERROR':
      return 'its key is not one of the required keys';
    case 'TIMESTAMP_ERROR':
      return `it carries no trusted time of signing (${err.message})`;
    case 'TLOG_BODY_ERROR':
      return 'its transparency-log entry records another signature or payload: the payload was altered after signing';
    default:
      return `its transparency-log entry does not hold against the carried trusted root (${err.message})`;
  }
}

/** No trusted root: key signatures are checked as `cosign verify --key --insecure-ignore-tlog` does. */
const NO_ROOT: TrustedRoot = TrustedRoot.fromJSON({
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
});

/** The signed content of the bundle, checked against `image` (the manifest bytes) when it is a
 *  message signature. */
function entityOf(parsed: ParsedSigstoreBundle, manifestBytes: Buffer): SignedEntity {
  return toSignedEntity(parsed.bundle, isBundleWithDsseEnvelope(parsed.bundle) ? undefined : manifestBytes);
}

/** Verifies the bundle with one cosign key. Offline, with the key as the trust: the transparency log
 *  is not consulted (the isolated side has none to ask), as with `--insecure-ignore-tlog`. */
export function verifyBundleWithKey(
  parsed: ParsedSigstoreBundle,
  manifestBytes: Buffer,
  key: CosignKey,
): true | string {
  const trust = toTrustMaterial(NO_ROOT, () => ({ publicKey: key.key, validFor: () => true }));
  try {
    const entity = entityOf(parsed, manifestBytes);
    if (entity.key.$case !== 'public-key') return 'it is signed with a certificate, not a key';
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify({
      ...entity,
      tlogEntries: [],
      timestamps: [],
    });
    return true;
  } catch (err) {
    return refusal(err);
  }
}

/** A certificate that had expired (or was not yet valid) when the log recorded the signature, in
 *  words: the chain check would only say "failed", and an expired certificate is the common case.
 *  The log's time is trusted only once the log entry verifies, which the verifier then checks. */
function expiredWhenSigned(entity: SignedEntity): string | undefined {
  if (entity.key.$case !== 'certificate') return undefined;
  const cert = entity.key.certificate;
  for (const t of entity.timestamps) {
    if (t.$case !== 'transparency-log') continue;
    const at = new Date(Number(t.tlogEntry.integratedTime) * 1000);
    if (!cert.validForDate(at)) {
      return `its certificate was valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, but the log recorded the signature at ${at.toISOString()}: it had expired when it signed`;
    }
  }
  return undefined;
}

/** Verifies a keyless (certificate) bundle against a trusted root; the signer's identity on success. */
export function verifyBundleKeyless(
  parsed: ParsedSigstoreBundle,
  manifestBytes: Buffer,
  trust: TrustMaterial,
): { subject: string; issuer: string } | string {
  let signer: Signer;
  try {
    const entity = entityOf(parsed, manifestBytes);
    if (entity.key.$case !== 'certificate') return 'it is signed with a key, not a certificate';
    const expired = expiredWhenSigned(entity);
    if (expired) return expired;
    signer = new Verifier(trust).verify(entity);
  } catch (err) {
    return refusal(err);
  }
  return {
    subject: signer.identity?.subjectAlternativeName ?? '',
    issuer: signer.identity?.extensions?.issuer ?? '',
  };
}
