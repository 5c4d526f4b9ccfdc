import type { BundleSummary, VerifyResult } from '../../shared/dto.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { ImageSignatureLine, SignatureLine } from '../components/SignatureLine.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { formatBytes, formatDuration } from '../format.ts';
import type { JobView } from '../state/job-store.ts';

const fileState = { ok: 'intact', missing: 'MISSING', size: 'WRONG SIZE', checksum: 'DAMAGED' } as const;

/** A file's stick is the one the verdict names, else the one the bundle was found on. */
const fileColumns = (summary: BundleSummary): Array<Column<VerifyResult['files'][number]>> => [
  { header: 'File', cell: (f) => f.file, cellClass: 'mono' },
  {
    header: 'Stick (folder)',
    cell: (f) => f.stick ?? summary.files.find((x) => x.file === f.file)?.stick ?? '—',
    cellClass: 'mono small',
  },
  { header: 'Size', cell: (f) => formatBytes(f.size), num: true },
  { header: 'State', cell: (f) => fileState[f.status] },
];

type ImageRow = VerifyResult['images'][number];
const signatureFails = (i: ImageRow) =>
  i.signature !== undefined && i.signature.status !== 'signed' && i.signature.status !== 'not-required';
const unsignedImages = (r: VerifyResult) => r.images.filter(signatureFails);
/** Every byte intact, only image signatures failing: not "damaged". */
const intactButUnsigned = (r: VerifyResult) =>
  r.problems.length === 0 && r.images.every((i) => i.ok) && unsignedImages(r).length > 0;
const imageColumns = (images: ImageRow[]): Array<Column<ImageRow>> => [
  { header: 'Image', cell: (i) => i.source, cellClass: 'mono' },
  { header: 'Target path', cell: (i) => i.target, cellClass: 'mono' },
  { header: 'State', cell: (i) => (i.ok ? 'intact' : 'DAMAGED') },
  // Only when the verify checked image signatures (keys or a policy).
  ...(images.some((i) => i.signature)
    ? [
        {
          header: 'Signature',
          cell: (i: ImageRow) => (i.signature ? <ImageSignatureLine signature={i.signature} /> : '—'),
        },
      ]
    : []),
];

/** Every chunk against its checksum and every blob against its digest; damage names the file and stick. */
export function VerifyStep({
  summary,
  view,
  result,
  onAgain,
}: {
  summary: BundleSummary;
  view: JobView | undefined;
  result: VerifyResult | undefined;
  onAgain: () => void;
}) {
  return (
    <section>
      <StepHeading>Checking every byte</StepHeading>
      {!result && (
        <ProgressPanel view={view} items={[]} itemLabel="Images" canPause={false} onRetry={onAgain} />
      )}
      {result && (
        <>
          {result.ok || intactButUnsigned(result) ? (
            <p role="status" className="notice ok">
              All {result.files.length} file(s) and {result.images.length} image(s) are intact:{' '}
              {result.blobsChecked} blob(s), {formatBytes(result.bytesChecked)} checked in{' '}
              {formatDuration(result.seconds)}.
            </p>
          ) : (
            <div role="alert" className="notice error">
              <p className="notice-title">The bundle is damaged or incomplete</p>
              <ul>
                {result.problems.map((p, i) => (
                  <li key={i}>
                    {p.stick ? <strong>On {p.stick}: </strong> : null}
                    {p.message}
                    {p.images.length ? ` (affects ${p.images.join(', ')})` : ''}
                  </li>
                ))}
              </ul>
              <p className="notice-next">
                <strong>What to do: </strong>copy the named files from the connected side again (the same
                stick plan), then press Verify again. Intact images can still be pushed; damaged ones are
                refused.
              </p>
            </div>
          )}
          {unsignedImages(result).length > 0 && (
            <div role="alert" className="notice error">
              <p className="notice-title">
                {unsignedImages(result).length} image(s) carry no valid signature the policy accepts
              </p>
              <p className="notice-next">
                <strong>What to do: </strong>push carries the other images and refuses these; the Signature
                column says why each fails. Ask the vendor for a signed image, or change the policy.
              </p>
            </div>
          )}
          <p>
            <SignatureLine signature={result.signature} />
          </p>
          <DataTable
            className="files"
            caption="Files"
            columns={fileColumns(summary)}
            rows={result.files}
            rowKey={(f) => f.file}
            rowClass={(f) => (f.status === 'ok' ? '' : 'bad')}
          />
          <DataTable
            className="images"
            caption="Images"
            columns={imageColumns(result.images)}
            rows={result.images}
            rowClass={(i) =>
              i.ok &&
              (!i.signature || i.signature.status === 'signed' || i.signature.status === 'not-required')
                ? ''
                : 'bad'
            }
          />
          <div className="actions">
            <button type="button" onClick={onAgain}>
              Verify again
            </button>
          </div>
        </>
      )}
    </section>
  );
}
