// The report on one transfer, as this station recorded it: every operation (pull, verify, push) with
// its operator, host, times and outcome; the images and digests; the archives, chunks and the media
// they were on; verification results; per-image push results; the signature and its fingerprint;
// receipts; and the state of the ledger's chain. The HTML, CSV and JSON renderers all read this model.
import { NotFoundError } from '../errors.ts';
import { stationKey } from '../signing/station-key.ts';
import { ferryVersion } from '../version.ts';
import { auditLedger, type AuditReport } from './audit.ts';
import type {
  ArchiveBody,
  ArtifactBody,
  BlobBody,
  ChunkBody,
  ImageBody,
  MediaBody,
  ReceiptBody,
  SignatureBody,
  VerificationBody,
} from './bodies.ts';
import { bodyOf, type Entry } from './entry.ts';
import { summarise, type OperationSummary } from './history.ts';
import type { Ledger } from './ledger.ts';

export interface OperationDetail extends OperationSummary {
  signatureDetail?: SignatureBody;
  media?: MediaBody;
  imageDetails: ImageBody[];
  artifacts: ArtifactBody[];
  archives: ArchiveBody[];
  chunks: ChunkBody[];
  blobs: { count: number; bytes: number; omitted: number; omittedBytes: number };
  /** Every blob, for the JSON report. */
  blobList: BlobBody[];
  verification?: VerificationBody;
  /** First and last ledger entry of this operation. */
  entries: { first: number; last: number; count: number };
}

export interface TransferReport {
  transferId: string;
  generatedAt: string;
  generatedBy: { tool: string; station: string; fingerprint: string };
  operations: OperationDetail[];
  receipts: ReceiptBody[];
  chain: Pick<AuditReport, 'ok' | 'entries' | 'head' | 'problems' | 'firstBroken'>;
}

function detail(summary: OperationSummary, entries: Entry[]): OperationDetail {
  const of = <T>(kind: Entry['kind']) => entries.filter((e) => e.kind === kind).map((e) => bodyOf<T>(e));
  const sig = of<SignatureBody>('signature')[0];
  const media = of<MediaBody>('media')[0];
  const verification = of<VerificationBody>('verification')[0];
  const blobList = of<BlobBody>('blob');
  const omitted = blobList.filter((b) => b.omitted);
  return {
    ...summary,
    ...(sig ? { signatureDetail: sig } : {}),
    ...(media ? { media } : {}),
    imageDetails: of<ImageBody>('image'),
    artifacts: of<ArtifactBody>('artifact'),
    archives: of<ArchiveBody>('archive'),
    chunks: of<ChunkBody>('chunk'),
    blobs: {
      count: blobList.length,
      bytes: blobList.reduce((n, b) => n + b.size, 0),
      omitted: omitted.length,
      omittedBytes: omitted.reduce((n, b) => n + b.size, 0),
    },
    blobList,
    ...(verification ? { verification } : {}),
    entries: {
      first: entries[0]?.seq ?? 0,
      last: entries[entries.length - 1]?.seq ?? 0,
      count: entries.length,
    },
  };
}

export function transferReport(ledger: Ledger, transferId: string, host: string): TransferReport {
  const found = ledger.operationsOfTransfer(transferId);
  if (found.operationIds.length === 0) {
    throw new NotFoundError(
      `transfer ${transferId} is not in this station's ledger: run 'ferry history' to find it`,
    );
  }
  const entries = ledger.entriesOf(found.operationIds);
  const byOp = new Map<string, Entry[]>();
  for (const e of entries) byOp.set(e.operationId, [...(byOp.get(e.operationId) ?? []), e]);
  const summaries = summarise(entries, found.operationIds);
  const receipts = entries.filter((e) => e.kind === 'receipt').map((e) => bodyOf<ReceiptBody>(e));
  const audit = auditLedger(ledger);
  return {
    transferId: found.transferId,
    generatedAt: new Date().toISOString(),
    generatedBy: {
      tool: `ferry ${ferryVersion}`,
      station: host,
      fingerprint: stationKey(ledger.home).fingerprint,
    },
    operations: summaries.map((s) => detail(s, byOp.get(s.operationId) ?? [])),
    receipts,
    chain: {
      ok: audit.ok,
      entries: audit.entries,
      ...(audit.head ? { head: audit.head } : {}),
      problems: audit.problems,
      ...(audit.firstBroken !== undefined ? { firstBroken: audit.firstBroken } : {}),
    },
  };
}
