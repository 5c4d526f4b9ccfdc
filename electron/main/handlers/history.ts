// The auditor's views over the ledger module: transfers (the ledger's operations grouped by transfer
// id), one transfer's detail (from the same report model `ferry report` renders), the chain audit,
// and the report files. Nothing here reads SQL: the ledger module owns the schema.
import type {
  AuditStatus,
  HistoryFilter,
  ReportFormat,
  SignatureInfo,
  TransferDetail,
  TransferRow,
} from '../../../shared/dto.ts';
import { countImages } from '../../../shared/counts.ts';
import { UsageError } from '../../engine/api/errors.ts';
import {
  auditLedger,
  history,
  type OperationSummary,
  parseSince,
  renderReport,
  transferReport,
  type TransferReport,
} from '../../engine/api/ledger.ts';
import type { Station } from '../../engine/api/station.ts';

/** The registries an operation talked to: a pull's sources (hosts), a push's target with its path. */
function registriesOf(o: OperationSummary): string[] {
  if (o.direction === 'push' && o.target)
    return [o.target.path ? `${o.target.registry}/${o.target.path}` : o.target.registry];
  return o.direction === 'pull' ? [...new Set(o.sources ?? [])] : [];
}

function rowOf(transferId: string, ops: OperationSummary[]): TransferRow {
  const ordered = [...ops].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const latest = ordered[ordered.length - 1]!;
  // One count rule (shared/counts.ts): an image on several channels is one image. Every operation
  // with totals counted the transfer manifest's images by it; the others are counted here.
  const totalled = ordered.flatMap((o) => (o.totals ? [o.totals.images] : []));
  const images = totalled.length
    ? Math.max(...totalled)
    : countImages(ordered.flatMap((o) => o.images.map((i) => ({ source: i.reference, digest: i.digest }))));
  const bytes = Math.max(
    0,
    ...ordered.map((o) => o.totals?.blobBytes ?? o.images.reduce((n, i) => n + i.bytes, 0)),
  );
  const sources = [...new Set(ordered.flatMap((o) => (o.direction === 'pull' ? registriesOf(o) : [])))];
  const targets = [...new Set(ordered.flatMap((o) => (o.direction === 'push' ? registriesOf(o) : [])))];
  const seconds = ordered.reduce((n, o) => n + (o.seconds ?? 0), 0);
  return {
    transferId,
    operations: ordered.map((o) => ({
      kind: o.direction,
      outcome: o.status,
      startedAt: o.startedAt,
      ...(o.endedAt ? { endedAt: o.endedAt } : {}),
      ...(o.seconds !== undefined ? { seconds: o.seconds } : {}),
      registries: registriesOf(o),
      operator: o.operator,
      host: o.host,
    })),
    sources,
    targets,
    seconds,
    startedAt: ordered[0]!.startedAt,
    outcome: latest.status,
    images,
    bytes,
    operator: [...new Set(ordered.map((o) => o.operator))].join(', '),
  };
}

/** End of the day for a bare date: "to 2026-11-22" includes that day. */
function untilOf(text: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T23:59:59.999Z`) : parseSince(text);
}

export function listTransfers(station: Station, filter: HistoryFilter): TransferRow[] {
  const since = filter.from ? parseSince(filter.from) : undefined;
  const until = filter.to ? untilOf(filter.to) : undefined;
  if (since && until && since > until)
    throw new UsageError('the "from" date is after the "to" date: swap them');
  const ops = history(
    station.ledger,
    {
      ...(since ? { since } : {}),
      ...(filter.image ? { image: filter.image } : {}),
      ...(filter.digest ? { digest: filter.digest } : {}),
    },
    // A row shows counts and sizes: the images of operations with totals are not read.
    { images: 'without-totals' },
  );
  const byTransfer = new Map<string, OperationSummary[]>();
  for (const op of ops) {
    if (until && new Date(op.startedAt) > until) continue;
    const key = op.transferId || `(no transfer id) ${op.operationId}`;
    byTransfer.set(key, [...(byTransfer.get(key) ?? []), op]);
  }
  const rows = [...byTransfer].map(([id, list]) => rowOf(id, list));
  return rows
    .filter((r) => !filter.outcome || r.outcome === filter.outcome)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

function signatureOf(report: TransferReport): SignatureInfo | null {
  for (const op of [...report.operations].reverse()) {
    const s = op.signatureDetail;
    if (!s) continue;
    if (s.status === 'signed')
      return {
        status: 'signed',
        fingerprint: s.fingerprint,
        ...(s.signedAt ? { signedAt: s.signedAt } : {}),
      };
    if (s.status === 'invalid')
      return {
        status: 'invalid',
        reason: s.reason,
        ...(s.fingerprint ? { fingerprint: s.fingerprint } : {}),
      };
    return { status: 'unsigned' };
  }
  return null;
}

function chainOf(report: Pick<TransferReport, 'chain'>['chain']): AuditStatus {
  return {
    ok: report.ok,
    entries: report.entries,
    ...(report.firstBroken !== undefined ? { brokenAt: report.firstBroken } : {}),
    message: report.ok
      ? `The ledger's ${report.entries} entries are intact: the hash chain and the signed head agree.`
      : `The ledger was changed after it was written (first broken entry: ${report.firstBroken ?? '?'}): keep the file and tell your security officer.`,
  };
}

export function transferDetail(station: Station, transferId: string): TransferDetail {
  const report = transferReport(station.ledger, transferId, station.host);
  const ops = report.operations;
  const latestImages = new Map<string, TransferDetail['images'][number]>();
  for (const op of ops) {
    for (const i of op.images) {
      latestImages.set(i.digest + i.reference, {
        source: i.reference,
        digest: i.digest,
        target: i.target,
        size: i.bytes,
        ...(i.status ? { status: i.status } : {}),
      });
    }
  }
  const pullOp =
    ops.find((o) => o.direction === 'pull' && o.chunks.length > 0) ?? ops.find((o) => o.chunks.length > 0);
  const media = pullOp?.media;
  const mediaName = media ? (media.label ?? media.mountPoint ?? media.bundleDir) : undefined;
  const verifyOp = [...ops].reverse().find((o) => o.verification);
  return {
    row: rowOf(report.transferId, ops),
    images: [...latestImages.values()],
    chunks: (pullOp?.chunks ?? []).map((c) => ({
      file: c.file,
      size: c.size,
      sha256: c.sha256,
      ...(mediaName ? { media: mediaName } : {}),
    })),
    verification: verifyOp?.verification
      ? { ok: verifyOp.verification.ok, problems: verifyOp.verification.problems.map((p) => p.message) }
      : null,
    signature: signatureOf(report),
    chain: chainOf(report.chain),
  };
}

export function auditStatus(station: Station): AuditStatus {
  const audit = auditLedger(station.ledger);
  return chainOf({
    ok: audit.ok,
    entries: audit.entries,
    problems: audit.problems,
    ...(audit.firstBroken !== undefined ? { firstBroken: audit.firstBroken } : {}),
  });
}

/** The report file's text (PDF is printed from the HTML by the caller). */
export function reportText(
  station: Station,
  transferId: string,
  format: Exclude<ReportFormat, 'pdf'>,
): string {
  return renderReport(transferReport(station.ledger, transferId, station.host), format);
}
