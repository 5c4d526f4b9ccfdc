import type { BundleSummary, VerifyResult } from '../../shared/dto.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { ImageSignatureLine, SignatureLine } from '../components/SignatureLine.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { StickMap } from '../components/StickMap.tsx';
import { formatBytes, formatDuration } from '../format.ts';
import type { JobView } from '../state/job-store.ts';
import { importMap, recopyList, stickName } from './stick-files.ts';
import { countImages, countText, imagesText } from '../../shared/counts.ts';

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

/**
 * One list of everything to copy again, missing and damaged together, each with the stick it belongs
 * on: one trip back to the connected side fixes all of it. The engine's own account stays behind
 * "Technical details".
 */
function RecopyNotice({ summary, result }: { summary: BundleSummary; result: VerifyResult }) {
  const rows = recopyList(summary, result);
  return (
    <div role="alert" className="notice error">
      <p className="notice-title">
        {rows.length
          ? `${rows.length} file${rows.length === 1 ? '' : 's'} to copy again from the connected side`
          : 'Some images do not match what the connected side wrote'}
      </p>
      {rows.length > 0 && (
        <ul className="recopy">
          {rows.map((r) => (
            <li key={r.file}>
              <strong>{stickName(r.stick, summary.folders)}:</strong> <span className="mono">{r.file}</span> (
              {r.problem})
            </li>
          ))}
        </ul>
      )}
      <p className="notice-message">
        Copy these files onto their sticks again on the connected side, then open the bundle and check it
        again; images that are intact can still be pushed now, damaged ones are refused.
      </p>
      <details className="notice-details">
        <summary>Technical details</summary>
        <ul>
          {result.problems.map((p, i) => (
            <li key={i} className="small">
              {p.message}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

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
              All {countText(result.files.length, 'file')} and {imagesText(countImages(summary.images))} are
              intact: {formatBytes(result.bytesChecked)} checked in {formatDuration(result.seconds)}.
            </p>
          ) : (
            <RecopyNotice summary={summary} result={result} />
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
          <StickMap caption="What each stick holds, as checked" sticks={importMap(summary, result)} />
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
