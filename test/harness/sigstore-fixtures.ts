// Sigstore bundles made for real, as cosign v3 makes them: a DSSE envelope over an in-toto statement
// naming the image's digest (predicate type https://sigstore.dev/cosign/sign/v1), built with
// @sigstore/sign's DSSEBundleBuilder, attached to the image as an OCI referrer (artifactType
// application/vnd.dev.sigstore.bundle.v0.3+json) with the referrers tag-schema index beside it, as
// cosign does on a registry without the referrers API.
//
// Keyless signing uses @sigstore/mock's fake services: its Fulcio CA issues the short-lived
// certificate (identity and OIDC issuer as the test asks, with an SCT from its fake CT log) and its
// Rekor log, served over HTTP on 127.0.0.1 by this file, witnesses the signature. The trusted root
// naming that CA and those logs is what `ferry pull --carry-trust` carries.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleToJSON } from '@sigstore/bundle';
import { initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import { DSSEBundleBuilder, RekorWitness, type Signer, type Witness } from '@sigstore/sign';
import type { FixtureCosignKey } from './cosign-keys.ts';
import {
  blobContent,
  emptyConfig,
  imageIndex,
  imageManifest,
  type ImageContent,
  type ManifestContent,
} from './oci-builders.ts';
import type { PushedImage, SeedRecorder } from './seed-recorder.ts';

export const SIGSTORE_BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** The in-toto statement `cosign sign` (v3) signs for an image. */
export function cosignStatement(imageDigest: string, predicateType = COSIGN_SIGN_PREDICATE): Buffer {
  const [, hex] = imageDigest.split(':');
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: hex }, annotations: {} }],
      predicateType,
      predicate: {},
    }),
  );
}

/** A DSSE Sigstore bundle over `statement`; `tamper` alters the payload after signing. */
async function dsseBundle(statement: Buffer, signer: Signer, witnesses: Witness[], tamper?: boolean) {
  const bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({
    data: statement,
    type: 'application/vnd.in-toto+json',
  });
  const json = bundleToJSON(bundle) as { dsseEnvelope: { payload: string } };
  if (tamper) {
    const payload = Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8');
    json.dsseEnvelope.payload = Buffer.from(
      payload.replace('"predicate":{}', '"predicate":{"x":1}'),
    ).toString('base64');
  }
  return json;
}

export interface BundleOptions {
  /** The digest the statement names (default: the image's own). */
  claimedDigest?: string;
  predicateType?: string;
  /** Alter the signed payload after signing. */
  tamper?: boolean;
}

/** A bundle signed with a cosign key pair (no transparency log, as `--tlog-upload=false`). */
export function keyBundle(imageDigest: string, key: FixtureCosignKey, options: BundleOptions = {}) {
  const signer: Signer = {
    sign: async (data) => ({
      signature: key.sign(data),
      key: { $case: 'publicKey', publicKey: key.publicKeyPem },
    }),
  };
  const statement = cosignStatement(options.claimedDigest ?? imageDigest, options.predicateType);
  return dsseBundle(statement, signer, [], options.tamper);
}

/** The referrer manifest cosign attaches for a bundle. */
export function bundleReferrer(
  subject: { mediaType: string; digest: string; size: number },
  bundle: unknown,
) {
  const layer = blobContent(Buffer.from(JSON.stringify(bundle)), SIGSTORE_BUNDLE_TYPE);
  return imageManifest({
    artifactType: SIGSTORE_BUNDLE_TYPE,
    config: emptyConfig(),
    layers: [layer],
    layerAnnotations: [
      { 'org.opencontainers.image.title': `${layer.digest.replace(':', '-')}.sigstore.json` },
    ],
    subject,
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE,
    },
  });
}

/** Pushes the bundles as referrers of `image`, and the tag-schema index (`sha256-<hex>`) listing them. */
export async function pushBundleReferrers(
  recorder: SeedRecorder,
  image: { repository: string; mediaType: string; digest: string; size: number },
  bundles: unknown[],
): Promise<PushedImage[]> {
  const subject = { mediaType: image.mediaType, digest: image.digest, size: image.size };
  const referrers: ImageContent[] = bundles.map((b) => bundleReferrer(subject, b));
  const pushed = await Promise.all(referrers.map((r) => recorder.pushImage(image.repository, r)));
  const index: ManifestContent = imageIndex({
    entries: referrers.map((r) => ({
      manifest: r.manifest,
      artifactType: SIGSTORE_BUNDLE_TYPE,
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
    })),
  });
  await recorder.pushIndexOver(image.repository, index, pushed, [image.digest.replace(':', '-')]);
  return pushed;
}

export interface KeylessIdentity {
  subject: string;
  issuer: string;
}

export interface SigstoreTestInstance {
  /** The trusted root JSON (as `cosign trusted-root create` writes it) naming this CA and these logs. */
  trustedRoot: Record<string, unknown>;
  /** A keyless bundle: an ephemeral key, a certificate for `identity`, a Rekor entry. `certificateAge`
   *  backdates the certificate (they live 10 minutes), so it had expired when the log saw the signature. */
  keylessBundle(
    imageDigest: string,
    identity: KeylessIdentity,
    options?: BundleOptions & { certificateAgeMs?: number },
  ): Promise<unknown>;
  close(): Promise<void>;
}

const der = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
const b64 = (bytes: ArrayBufferView | Buffer) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Serves @sigstore/mock's Rekor over HTTP on 127.0.0.1, the way @sigstore/sign talks to a log. */
async function serveRekor(handler: ReturnType<typeof rekorHandler>): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== handler.path) {
        res.writeHead(404).end();
        return;
      }
      void handler.fn(Buffer.concat(chunks).toString('utf8')).then((r) => {
        res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'application/json' });
        res.end(typeof r.response === 'string' ? r.response : Buffer.from(r.response.buffer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A fake Sigstore instance (CA, CT log, Rekor) whose certificates and log entries verify against its
 *  trusted root. */
export async function sigstoreTestInstance(): Promise<SigstoreTestInstance> {
  const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctKeys = ec();
  const caKeys = ec();
  const tlogKeys = ec();
  const ctlog = await initializeCTLog(ctKeys);
  // The mock Rekor, served for real on a port of its own.
  const tlog = await initializeTLog('http://127.0.0.1', tlogKeys);
  const server = await serveRekor(rekorHandler(tlog));
  const rekorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const longAgo = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const logKey = (publicKey: Buffer) => ({
    rawBytes: publicKey.toString('base64'),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor: { start: longAgo },
  });
  const cas = new Map<number, Awaited<ReturnType<typeof initializeCA>>>();
  // One CA per certificate age, all under the same root key: the clock is the CA's, fixed at creation.
  const caFor = async (ageMs: number) => {
    let ca = cas.get(ageMs);
    if (!ca) {
      ca = await initializeCA(caKeys, ctlog, ageMs ? new Date(Date.now() - ageMs) : undefined);
      cas.set(ageMs, ca);
    }
    return ca;
  };
  const rootCa = await caFor(0);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: rekorUrl,
        hashAlgorithm: 'SHA2_256',
        publicKey: logKey(der(tlogKeys.publicKey)),
        logId: { keyId: createHash('sha256').update(der(tlogKeys.publicKey)).digest('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.test',
        certChain: { certificates: [{ rawBytes: b64(rootCa.rootCertificate) }] },
        validFor: { start: longAgo },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: logKey(ctlog.publicKey),
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    timestampAuthorities: [],
  };
  // intoto entries: the mock log stores a proposed entry verbatim, and only an intoto proposal already
  // has the form a log stores (the real Rekor rewrites a dsse proposal first).
  const witness = new RekorWitness({ rekorBaseURL: rekorUrl, entryType: 'intoto', retry: 0 });
  return {
    trustedRoot,
    async keylessBundle(imageDigest, identity, options = {}) {
      const ca = options.certificateAgeMs ? await caFor(options.certificateAgeMs) : rootCa;
      const ephemeral = ec();
      const signer: Signer = {
        sign: async (data) => {
          const cert = await ca.issueCertificate({
            publicKey: der(ephemeral.publicKey),
            subjectAltName: identity.subject,
            extensions: [
              { oid: OID_ISSUER_V1, value: identity.issuer, legacy: true },
              { oid: OID_ISSUER_V2, value: identity.issuer },
            ],
          });
          const pem = `-----BEGIN CERTIFICATE-----\n${b64(cert)}\n-----END CERTIFICATE-----\n`;
          return {
            signature: sign('sha256', data, ephemeral.privateKey),
            key: { $case: 'x509Certificate', certificate: pem },
          };
        },
      };
      const statement = cosignStatement(options.claimedDigest ?? imageDigest, options.predicateType);
      return dsseBundle(statement, signer, [witness], options.tamper);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
