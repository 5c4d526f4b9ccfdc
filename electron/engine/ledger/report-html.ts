// The transfer report as one self-contained HTML page an auditor can open offline and print: no
// scripts, no external files, styles inline; every recorded value is escaped.
import { formatBytes } from '../../../shared/format.ts';
import { describeImageSignature, signatureAccepted } from '../verify/image-signature-verdict.ts';
import type { ImageBody } from './bodies.ts';
import type { OperationDetail, TransferReport } from './report.ts';

function esc(value: string | number | undefined): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const code = (v: string | number | undefined) => `<code>${esc(v)}</code>`;

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="none">none recorded</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function pairs(rows: Array<[string, string | undefined]>): string {
  return `<dl>${rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`)
    .join('')}</dl>`;
}

const STATUS_CLASS: Record<string, string> = {
  succeeded: 'ok',
  partial: 'warn',
  failed: 'bad',
  refused: 'bad',
  cancelled: 'warn',
  unfinished: 'warn',
};

function badge(text: string, cls = STATUS_CLASS[text] ?? ''): string {
  return `<span class="badge ${cls}">${esc(text)}</span>`;
}

function signatureText(op: OperationDetail): string | undefined {
  const s = op.signatureDetail;
  if (!s) return undefined;
  if (s.status === 'signed') {
    const trust =
      s.trusted === true ? ' — the trusted key' : s.trusted === false ? ' — NOT the trusted key' : '';
    return `${badge(op.direction === 'pull' ? 'signed by this station' : 'signature valid', s.trusted === false ? 'bad' : 'ok')} ${code(s.fingerprint)}${esc(trust)}`;
  }
  if (s.status === 'unsigned') return `${badge('unsigned', 'warn')} the bundle carried no signature`;
  return `${badge('invalid', 'bad')} ${esc(s.reason)}`;
}

function mediaText(op: OperationDetail): string | undefined {
  const m = op.media;
  if (!m) return undefined;
  const parts = [
    code(m.bundleDir),
    m.mountPoint ? `on ${code(m.mountPoint)}` : '',
    m.fileSystem ? `(${esc(m.fileSystem)})` : '',
    m.device ? `device ${code(m.device)}` : '',
    m.removable ? badge('removable', '') : '',
    m.label ? `label ${code(m.label)}` : '',
    m.serial ? `serial ${code(m.serial)}` : '',
    m.deviceId ? `id ${code(m.deviceId)}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function operationSection(op: OperationDetail, index: number): string {
  const target = op.target ? `${op.target.registry}${op.target.path ? `/${op.target.path}` : ''}` : undefined;
  // The image-signature column only when the operation ran under --key/--policy.
  const verdicts = op.imageDetails.some((i) => i.signatureVerdict);
  const signatureCell = (i: ImageBody) =>
    i.signatureVerdict
      ? `${badge(signatureAccepted(i.signatureVerdict) ? 'accepted' : 'refused', signatureAccepted(i.signatureVerdict) ? 'ok' : 'bad')} ${esc(describeImageSignature(i.signatureVerdict))}`
      : '—';
  const images = table(
    [
      'Image',
      'Digest',
      'Platforms',
      'Size',
      op.direction === 'push' ? 'Pushed to' : 'Target',
      'Result',
      ...(verdicts ? ['Image signature'] : []),
    ],
    op.imageDetails.map((i) => [
      esc(i.source),
      code(i.digest),
      esc(i.platforms.join(', ') || '—'),
      esc(formatBytes(i.bytes)),
      esc(i.push?.target ?? `${i.target.repository}${i.target.tag ? `:${i.target.tag}` : ''}`),
      i.push
        ? `${badge(i.push.status, i.push.status === 'pushed' ? 'ok' : 'bad')}${i.push.error ? ` ${esc(i.push.error)}` : ''}`
        : i.verified === undefined
          ? esc(`${i.signatures} signature(s)`)
          : badge(i.verified ? 'verified' : 'damaged', i.verified ? 'ok' : 'bad'),
      ...(verdicts ? [signatureCell(i)] : []),
    ]),
  );
  const artifacts = op.artifacts.length
    ? `<h4>Signatures, attestations and referrers carried</h4>${table(
        ['Image', 'Kind', 'Digest', 'Tag'],
        op.artifacts.map((a) => [esc(a.image), esc(a.kind), code(a.digest), esc(a.tag ?? '—')]),
      )}`
    : '';
  const chunks = table(
    ['File', 'Archive', 'Size', 'SHA-256', 'Streebog-256', 'Check'],
    op.chunks.map((c) => [
      code(c.file),
      esc(c.archive),
      esc(`${c.size.toLocaleString('en')} B`),
      code(c.sha256),
      c.streebog256 ? code(c.streebog256) : '—',
      c.status ? badge(c.status, c.status === 'ok' ? 'ok' : 'bad') : 'written',
    ]),
  );
  const v = op.verification;
  const verification = v
    ? `<h4>Verification</h4>${pairs([
        ['Result', badge(v.ok ? 'intact' : 'FAILED', v.ok ? 'ok' : 'bad')],
        [
          'Checked',
          esc(`${v.blobsChecked} blob(s), ${formatBytes(v.bytesChecked)} in ${v.seconds.toFixed(1)} s`),
        ],
        [
          'Files',
          esc(
            `${v.files.ok} intact, ${v.files.missing} missing, ${v.files.size} wrong size, ${v.files.checksum} damaged`,
          ),
        ],
        ['Images', esc(`${v.images.ok} intact, ${v.images.damaged} affected by damage`)],
      ])}${
        v.problems.length
          ? table(
              ['Problem', 'File', 'Affected images'],
              v.problems.map((p) => [esc(p.message), esc(p.file ?? '—'), esc(p.images.join(', ') || '—')]),
            )
          : ''
      }`
    : '';
  return `<section class="op">
<h3>${index + 1}. ${esc(op.direction)} ${badge(op.status)}${op.supersededBy ? ` interrupted, finished by ${code(op.supersededBy)}` : ''}</h3>
${pairs([
  ['Operation', code(op.operationId)],
  ['Operator', esc(`${op.operator} on ${op.host}`)],
  ['Started', esc(op.startedAt)],
  [
    'Ended',
    op.endedAt ? esc(`${op.endedAt} (${op.seconds?.toFixed(1)} s)`) : badge('no end recorded', 'warn'),
  ],
  ['From', op.sources?.length ? esc(op.sources.join(', ')) : undefined],
  ['To', target ? esc(target) : undefined],
  ['Signature', signatureText(op)],
  ['Media', mediaText(op)],
  [
    'Carried',
    op.totals
      ? esc(
          `${op.totals.images} image(s), ${op.totals.blobs} blob(s), ${formatBytes(op.totals.blobBytes)} in ${op.totals.files} file(s)`,
        )
      : undefined,
  ],
  [
    'Incremental',
    op.blobs.omitted
      ? esc(
          `${op.blobs.omitted} blob(s), ${formatBytes(op.blobs.omittedBytes)} left out: the target already holds them`,
        )
      : undefined,
  ],
  [
    'Pushed',
    op.pushed !== undefined ? esc(`${op.pushed} image(s) pushed, ${op.refused ?? 0} refused`) : undefined,
  ],
  ['Error', op.error ? esc(`${op.error.code}: ${op.error.message}`) : undefined],
  ['Ledger entries', esc(`#${op.entries.first}–#${op.entries.last}`)],
])}
<h4>Images and digests</h4>
${images}
${artifacts}
<h4>Archives and chunks</h4>
${chunks}
${verification}
</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-size:22px;margin:0 0 .2em}h2{font-size:18px;border-bottom:2px solid #333;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:16px;margin:1.2em 0 .4em}h4{font-size:14px;margin:1em 0 .3em}
code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:.3em 0 1em}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.4em 0}dt{font-weight:600}dd{margin:0}
.badge{display:inline-block;border:1px solid #888;border-radius:3px;padding:0 5px;font-size:12px;font-weight:600}
.ok{background:#e3f4e3;border-color:#4a4}.warn{background:#fff4d6;border-color:#c90}.bad{background:#fde2e2;border-color:#c33}
.chain{border:2px solid #4a4;padding:.5em 1em;margin:1em 0}.chain.broken{border-color:#c33}.none{color:#666}
.op{break-inside:auto}footer{margin-top:2em;color:#555;font-size:12px}
@media print{body{margin:0;max-width:none}.op{break-before:page}a{color:inherit}}
`;

/** One transfer's sections: chain, summary, operations, receipts. */
function transferSections(report: TransferReport): string {
  const c = report.chain;
  const chain = `<div class="chain${c.ok ? '' : ' broken'}">
<strong>Ledger chain: ${badge(c.ok ? 'intact' : 'BROKEN', c.ok ? 'ok' : 'bad')}</strong>
${pairs([
  ['Entries', esc(c.entries)],
  ['Head', c.head ? `#${esc(c.head.seq)} ${code(c.head.hash)} (${esc(c.head.recordedAt)})` : undefined],
  ['First broken entry', c.firstBroken !== undefined ? esc(`#${c.firstBroken}`) : undefined],
])}
${c.ok ? '' : `<ul>${c.problems.map((p) => `<li>${esc(p.message)}</li>`).join('')}</ul>`}
</div>`;
  const summary = table(
    ['#', 'Direction', 'Outcome', 'Operator', 'Started', 'Ended', 'Images', 'Signature'],
    report.operations.map((op, i) => [
      esc(i + 1),
      esc(op.direction),
      badge(op.status),
      esc(`${op.operator}@${op.host}`),
      esc(op.startedAt),
      esc(op.endedAt ?? '—'),
      esc(op.imageDetails.length),
      op.signature?.fingerprint ? code(op.signature.fingerprint) : esc(op.signature?.status ?? '—'),
    ]),
  );
  const receipts = report.receipts.length
    ? `<h2>Receipts</h2>${table(
        ['Receipt', 'Action', 'Issued', 'Issued by', 'Signer', 'Images pushed'],
        report.receipts.map((r) => [
          code(r.receiptId),
          esc(r.action),
          esc(r.issuedAt),
          esc(`${r.issuer.operator}@${r.issuer.host}`),
          code(r.issuer.fingerprint),
          esc(r.pushes.map((p) => `${p.images} → ${p.registry}${p.path ? `/${p.path}` : ''}`).join('; ')),
        ]),
      )}`
    : '';
  return `${chain}
<h2>Summary</h2>
${summary}
<h2>Operations</h2>
${report.operations.map(operationSection).join('\n')}
${receipts}`;
}

const FOOTER = (
  station: string,
) => `<footer>Recorded in the Ferry ledger of ${esc(station)}. Each entry is covered by a SHA-256 hash chain;
run <code>ferry audit verify</code> on that station to check it again, and compare the head hash above.</footer>`;

export function reportHtml(report: TransferReport): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ferry transfer report ${esc(report.transferId)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Ferry transfer report</h1>
${pairs([
  ['Transfer', code(report.transferId)],
  ['Generated', esc(report.generatedAt)],
  ['By', esc(`${report.generatedBy.tool} on ${report.generatedBy.station}`)],
  ['Station key', code(report.generatedBy.fingerprint)],
])}
${transferSections(report)}
${FOOTER(report.generatedBy.station)}
</body></html>
`;
}

/**
 * Several transfers in one page (an audit period): what was asked for, one line per transfer, then
 * each transfer's full report as `reportHtml` gives it, one per printed page.
 */
export function reportsHtml(reports: TransferReport[], selection: string, station: string): string {
  const list = table(
    ['Transfer', 'Started', 'Operations', 'Images'],
    reports.map((r) => [
      `<a href="#t-${esc(r.transferId)}">${code(r.transferId)}</a>`,
      esc(r.operations[0]?.startedAt ?? '—'),
      r.operations.map((op) => `${esc(op.direction)} ${badge(op.status)}`).join(' '),
      esc(Math.max(0, ...r.operations.map((op) => op.imageDetails.length))),
    ]),
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ferry transfers report</title>
<style>${STYLE}</style></head>
<body>
<h1>Ferry transfers report</h1>
${pairs([
  ['Transfers', esc(reports.length)],
  ['Selection', esc(selection)],
  ['Generated', esc(reports[0]?.generatedAt ?? new Date().toISOString())],
  ['Station', esc(station)],
])}
${list}
${reports
  .map(
    (r) => `<section class="op" id="t-${esc(r.transferId)}"><h1>Transfer ${code(r.transferId)}</h1>
${transferSections(r)}</section>`,
  )
  .join('\n')}
${FOOTER(station)}
</body></html>
`;
}
