import { useEffect, useRef, useState } from 'react';
import type { ReportFormat, TransferDetail } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { TransferStickMap } from '../components/TransferStickMap.tsx';
import { SignatureLine } from '../components/SignatureLine.tsx';
import { formatBytes, formatDuration, shortDigest } from '../format.ts';
import { TransferTimeline } from './TransferTimeline.tsx';
import { countImages, imagesText } from '../../shared/counts.ts';

const formats: Array<{ format: ReportFormat; label: string }> = [
  { format: 'html', label: 'HTML' },
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'pdf', label: 'PDF' },
];

const imageColumns: Array<Column<TransferDetail['images'][number]>> = [
  { header: 'Image', cell: (i) => i.source, cellClass: 'mono' },
  { header: 'Digest', cell: (i) => shortDigest(i.digest), cellClass: 'mono digest', title: (i) => i.digest },
  { header: 'Target', cell: (i) => i.target ?? '—', cellClass: 'mono' },
  { header: 'Size', cell: (i) => (i.size !== undefined ? formatBytes(i.size) : '—'), num: true },
  { header: 'State', cell: (i) => i.status ?? '—' },
];

/** "Images: 3 images" — under more tags when a Deckhouse release went to several channels. */
function imagesCaption(images: TransferDetail['images']): string {
  const n = countImages(images);
  return `Images: ${imagesText(n)}${images.length > n ? `, under ${images.length} tags` : ''}`;
}

const chunkColumns: Array<Column<TransferDetail['chunks'][number]>> = [
  { header: 'File', cell: (c) => c.file, cellClass: 'mono' },
  { header: 'Size', cell: (c) => formatBytes(c.size), num: true },
  { header: 'SHA-256', cell: (c) => c.sha256, cellClass: 'mono small' },
  { header: 'Media', cell: (c) => c.media ?? '—', cellClass: 'mono small' },
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
              <dt>From</dt>
              <dd className="mono">{detail.row.sources?.join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>To</dt>
              <dd className="mono">{detail.row.targets?.join(', ') || 'not pushed from this station'}</dd>
            </div>
            <div>
              <dt>Time taken</dt>
              <dd>{detail.row.seconds !== undefined ? formatDuration(detail.row.seconds) : '—'}</dd>
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
          <TransferTimeline row={detail.row} />
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
          <DataTable
            className="images"
            caption={imagesCaption(detail.images)}
            columns={imageColumns}
            rows={detail.images}
          />
          <TransferStickMap detail={detail} />
          <DataTable
            className="chunks"
            caption="Files and media"
            columns={chunkColumns}
            rows={detail.chunks}
            rowKey={(c) => c.file}
          />
        </>
      )}
    </section>
  );
}
