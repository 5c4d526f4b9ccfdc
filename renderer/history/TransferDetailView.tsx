import { useEffect, useRef, useState } from 'react';
import type { ReportFormat, TransferDetail } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { SignatureLine } from '../components/SignatureLine.tsx';
import { formatBytes, formatTime, shortDigest } from '../format.ts';

const formats: Array<{ format: ReportFormat; label: string }> = [
  { format: 'html', label: 'HTML' },
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'pdf', label: 'PDF' },
];

export function TransferDetailView({ transferId, onBack }: { transferId: string; onBack: () => void }) {
  const [detail, setDetail] = useState<TransferDetail>();
  const [error, setError] = useState<ErrorDTO>();
  const [saved, setSaved] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    call('history:detail', { transferId }).then(setDetail, (err: unknown) => setError(errorOf(err)));
  }, [transferId]);
  useEffect(() => heading.current?.focus(), [detail]);

  const exportAs = async (format: ReportFormat) => {
    setError(undefined);
    setSaved('');
    try {
      const result = await call('history:export', { transferId, format });
      setSaved(result.path ? `Report saved to ${result.path}` : 'Not saved.');
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <section aria-labelledby="detail-title">
      <button type="button" onClick={onBack}>
        ← All transfers
      </button>
      <h1 id="detail-title" ref={heading} tabIndex={-1}>
        Transfer <span className="mono">{transferId}</span>
      </h1>
      {error && <ErrorNotice error={error} />}
      {detail && (
        <>
          <dl className="review">
            <div>
              <dt>Steps</dt>
              <dd>
                {detail.row.operations
                  .map((o) => `${o.kind} ${o.outcome} (${formatTime(o.startedAt)})`)
                  .join(' → ')}
              </dd>
            </div>
            <div>
              <dt>Operator</dt>
              <dd>{detail.row.operator}</dd>
            </div>
            <div>
              <dt>Signature</dt>
              <dd>{detail.signature ? <SignatureLine signature={detail.signature} /> : 'not recorded'}</dd>
            </div>
            <div>
              <dt>Verification</dt>
              <dd>
                {detail.verification
                  ? detail.verification.ok
                    ? 'verified intact'
                    : `FAILED: ${detail.verification.problems.join('; ')}`
                  : 'not verified on this station'}
              </dd>
            </div>
            <div>
              <dt>Ledger chain</dt>
              <dd className={detail.chain.ok ? 'ok-text' : 'bad-text'}>{detail.chain.message}</dd>
            </div>
          </dl>
          <div className="actions" role="group" aria-label="Export report">
            <span>Export report:</span>
            {formats.map((f) => (
              <button key={f.format} type="button" onClick={() => void exportAs(f.format)}>
                {f.label}
              </button>
            ))}
            <span role="status" className="status-text">
              {saved}
            </span>
          </div>
          <table className="images">
            <caption>Images</caption>
            <thead>
              <tr>
                <th scope="col">Image</th>
                <th scope="col">Digest</th>
                <th scope="col">Target</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {detail.images.map((i, n) => (
                <tr key={n}>
                  <td className="mono">{i.source}</td>
                  <td className="mono" title={i.digest}>
                    {shortDigest(i.digest)}
                  </td>
                  <td className="mono">{i.target ?? '—'}</td>
                  <td className="num">{i.size !== undefined ? formatBytes(i.size) : '—'}</td>
                  <td>{i.status ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="chunks">
            <caption>Files and media</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">SHA-256</th>
                <th scope="col">Media</th>
              </tr>
            </thead>
            <tbody>
              {detail.chunks.map((c) => (
                <tr key={c.file}>
                  <td className="mono">{c.file}</td>
                  <td className="num">{formatBytes(c.size)}</td>
                  <td className="mono small">{c.sha256}</td>
                  <td className="mono small">{c.media ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
