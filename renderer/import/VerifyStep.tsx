import type { BundleSummary, VerifyResult } from '../../shared/dto.ts';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { SignatureLine } from '../components/SignatureLine.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { formatBytes, formatDuration } from '../format.ts';
import type { JobView } from '../state/job-store.ts';

const fileState = { ok: 'intact', missing: 'MISSING', size: 'WRONG SIZE', checksum: 'DAMAGED' } as const;

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
          {result.ok ? (
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
          <p>
            <SignatureLine signature={result.signature} />
          </p>
          <table className="files">
            <caption>Files</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Stick (folder)</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {result.files.map((f) => (
                <tr key={f.file} className={f.status === 'ok' ? '' : 'bad'}>
                  <td className="mono">{f.file}</td>
                  <td className="mono small">
                    {f.stick ?? summary.files.find((x) => x.file === f.file)?.stick ?? '—'}
                  </td>
                  <td className="num">{formatBytes(f.size)}</td>
                  <td>{fileState[f.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="images">
            <caption>Images</caption>
            <thead>
              <tr>
                <th scope="col">Image</th>
                <th scope="col">Target path</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {result.images.map((i, n) => (
                <tr key={n} className={i.ok ? '' : 'bad'}>
                  <td className="mono">{i.source}</td>
                  <td className="mono">{i.target}</td>
                  <td>{i.ok ? 'intact' : 'DAMAGED'}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
