// The transfer report as CSV (RFC 4180) for spreadsheets: one row per operation, signature, media,
// image, signature artifact, chunk, verification problem, receipt and chain check, all in the same
// columns. Cells that a spreadsheet would run as a formula are prefixed with ' (CSV injection).
import { describeImageSignature } from '../verify/image-signature-verdict.ts';
import type { TransferReport } from './report.ts';

const COLUMNS = ['section', 'operation', 'direction', 'time', 'name', 'digest', 'size', 'status', 'detail'];

function cell(value: string | number | boolean | undefined | null): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Row = Array<string | number | boolean | undefined>;

export function reportCsv(report: TransferReport): string {
  return csvText([COLUMNS, ...reportRows(report)]);
}

/** Several transfers' rows under one header: a transfer's rows start with its operation rows. */
export function reportsCsv(reports: TransferReport[]): string {
  return csvText([COLUMNS, ...reports.flatMap(reportRows)]);
}

function csvText(rows: Row[]): string {
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

function reportRows(report: TransferReport): Row[] {
  const rows: Row[] = [];
  for (const op of report.operations) {
    const row = (
      section: string,
      name: string | undefined,
      digest: string | undefined,
      size: number | undefined,
      status: string | undefined,
      detail: string | undefined,
      time = op.startedAt,
    ) => rows.push([section, op.operationId, op.direction, time, name, digest, size, status, detail]);
    row(
      'operation',
      report.transferId,
      undefined,
      op.totals?.blobBytes,
      op.status,
      [
        `operator ${op.operator}@${op.host}`,
        op.endedAt ? `ended ${op.endedAt}` : 'no end recorded',
        op.sources?.length ? `from ${op.sources.join(' ')}` : '',
        op.target ? `to ${op.target.registry}${op.target.path ? `/${op.target.path}` : ''}` : '',
        op.error ? `error ${op.error.code}: ${op.error.message}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
    const sig = op.signatureDetail;
    if (sig) {
      row(
        'signature',
        'ferry-manifest.json',
        'fingerprint' in sig ? sig.fingerprint : undefined,
        undefined,
        sig.status,
        'trusted' in sig && sig.trusted !== undefined
          ? sig.trusted
            ? 'trusted key'
            : 'NOT the trusted key'
          : 'reason' in sig
            ? sig.reason
            : '',
      );
    }
    if (op.media) {
      const m = op.media;
      row(
        'media',
        m.mountPoint ?? m.bundleDir,
        undefined,
        undefined,
        m.removable ? 'removable' : 'fixed',
        [m.bundleDir, m.device, m.fileSystem, m.label && `label ${m.label}`, m.serial && `serial ${m.serial}`]
          .filter(Boolean)
          .join('; '),
      );
    }
    for (const i of op.imageDetails) {
      row(
        'image',
        i.source,
        i.digest,
        i.bytes,
        i.push?.status ?? (i.verified === undefined ? 'carried' : i.verified ? 'verified' : 'damaged'),
        [
          i.push
            ? `to ${i.push.target}`
            : `target ${i.target.repository}${i.target.tag ? `:${i.target.tag}` : ''}`,
          i.platforms.join(' '),
          i.push?.error ?? '',
        ]
          .filter(Boolean)
          .join('; '),
      );
    }
    for (const i of op.imageDetails) {
      const v = i.signatureVerdict;
      if (v) row('image-signature', i.source, i.digest, undefined, v.status, describeImageSignature(v));
    }
    for (const a of op.artifacts) row('artifact', a.image, a.digest, undefined, a.kind, a.tag ?? a.mediaType);
    for (const c of op.chunks) {
      row(
        'chunk',
        c.file,
        `sha256:${c.sha256}`,
        c.size,
        c.status ?? 'written',
        c.streebog256 ? `streebog256 ${c.streebog256}` : '',
      );
    }
    if (op.verification) {
      const v = op.verification;
      row(
        'verification',
        report.transferId,
        undefined,
        v.bytesChecked,
        v.ok ? 'ok' : 'failed',
        `${v.blobsChecked} blobs; files ok ${v.files.ok}, missing ${v.files.missing}, wrong size ${v.files.size}, damaged ${v.files.checksum}; images ok ${v.images.ok}, damaged ${v.images.damaged}`,
      );
      for (const p of v.problems) row('problem', p.file, p.digest, undefined, p.kind, p.message);
    }
  }
  for (const r of report.receipts) {
    rows.push([
      'receipt',
      '',
      '',
      r.issuedAt,
      r.receiptId,
      r.issuer.fingerprint,
      '',
      r.action,
      `issued by ${r.issuer.operator}@${r.issuer.host}`,
    ]);
  }
  rows.push([
    'chain',
    '',
    '',
    report.generatedAt,
    `${report.chain.entries} entries`,
    report.chain.head?.hash,
    report.chain.head?.seq,
    report.chain.ok ? 'intact' : 'BROKEN',
    report.chain.ok ? '' : report.chain.problems.map((p) => p.message).join(' | '),
  ]);
  return rows;
}
