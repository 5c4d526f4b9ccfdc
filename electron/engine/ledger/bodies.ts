// The content of each kind of ledger entry, as recorded (canonical JSON). Reports, history and receipts
// read these shapes back; a new field is optional forever, a removed one is never reused.
import type { ChunkRecord } from '../bundle/transfer-manifest.ts';
import type { SignatureCheck } from '../signing/manifest-signature.ts';
import type { ImageSignatureVerdict } from '../verify/image-signature-verdict.ts';
import type { VerifyProblem } from '../verify/verify-report.ts';
import type { MediaInfo } from '../media/media-info.ts';

export type Direction = 'pull' | 'verify' | 'push';
export type OutcomeStatus = 'succeeded' | 'partial' | 'failed' | 'refused' | 'cancelled';

export interface OperationBody {
  direction: Direction;
  operator: string;
  host: string;
  startedAt: string;
  tool: { name: 'ferry'; version: string };
  bundleDir: string;
  /** Registries images came from (pull): host names only, never credentials. */
  sources?: string[];
  /** Where images went (push). */
  target?: { registry: string; path: string };
  /** The references asked for (pull). */
  requested?: string[];
  options?: Record<string, unknown>;
}

/** What the signature check found (as verify and push report it). */
export type SignatureBody = SignatureCheck;

export type MediaBody = MediaInfo;

export interface ImageBody {
  source: string;
  digest: string;
  mediaType: string;
  /** Size of the image's own manifest or index. */
  size: number;
  /** Bytes of every manifest and blob the image needs, its signatures included. */
  bytes: number;
  platforms: string[];
  target: { repository: string; tag?: string };
  archive: string;
  layout: string;
  /** Signatures, attestations, SBOMs and referrers carried with it. */
  signatures: number;
  /** Verify: no damage reaches this image. */
  verified?: boolean;
  /** Push: what happened to it. */
  push?: { status: 'pushed' | 'refused'; target: string; error?: string };
  /** Verify or push with cosign keys: signed by which key, or why it does not count as signed. */
  signatureVerdict?: ImageSignatureVerdict;
}

export interface ArtifactBody {
  image: string;
  kind: string;
  subject: string;
  tag?: string;
  digest: string;
  mediaType: string;
}

export interface ArchiveBody {
  name: string;
  size: number;
  chunked: boolean;
  files: number;
  layouts: string[];
}

export interface ChunkBody extends ChunkRecord {
  archive: string;
  /** Verify: what the file on the media looked like. */
  status?: 'ok' | 'missing' | 'size' | 'checksum';
}

export interface BlobBody {
  digest: string;
  size: number;
  /** Archives holding it ([] when an incremental pull left it out). */
  archives: string[];
  /** Left out of an incremental bundle: the target holds it (per `receipt`). */
  omitted?: { registry: string; repositories: string[]; receipt: string };
  /** Push: repositories on the target that now hold it (full paths). */
  repositories?: string[];
}

export interface VerificationBody {
  ok: boolean;
  files: { ok: number; missing: number; size: number; checksum: number };
  images: { ok: number; damaged: number };
  blobsChecked: number;
  bytesChecked: number;
  seconds: number;
  problems: VerifyProblem[];
}

export interface OutcomeBody {
  status: OutcomeStatus;
  endedAt: string;
  seconds: number;
  error?: { code: string; message: string };
  totals?: { images: number; blobs: number; blobBytes: number; files: number; archiveBytes: number };
  /** Push: images pushed and refused. */
  pushed?: number;
  refused?: number;
  /** Incremental pull: what was left out. */
  incremental?: { omittedBlobs: number; omittedBytes: number; receipts: string[]; registry: string };
  /** Pull: each item left out where d8 skips and warns, and why. */
  skipped?: Array<{ item: string; reason: string; refused?: 'signature' }>;
  /** Pull: earlier runs of this transfer, killed, that this one finished (each closed as superseded). */
  resumed?: Array<{ operationId: string; startedAt: string }>;
}

export interface ReceiptBody {
  action: 'issued' | 'imported';
  receiptId: string;
  transferId: string;
  issuedAt: string;
  /** The isolated station that pushed: host, operator, key fingerprint. */
  issuer: { host: string; operator: string; fingerprint: string };
  pushes: Array<{ registry: string; path: string; images: number; blobs: number; endedAt: string }>;
  images: Array<{ source: string; target: string; digest: string; status: string }>;
  file?: string;
}

export interface ReceiptBlobBody {
  receiptId: string;
  registry: string;
  path: string;
  digest: string;
  size: number;
  repositories: string[];
}
