import { useEffect, useState } from 'react';
import type { PullResult, StickPlan } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { CopyBox } from '../components/CopyBox.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { EjectButton } from '../components/EjectButton.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { SignatureLine } from '../components/SignatureLine.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { checksumFile, formatBytes, formatDuration, formatTime, shortDigest } from '../format.ts';
import { runSeconds, type JobView } from '../state/job-store.ts';
import { stickBytes, type PrepareDraft } from './draft.ts';
import { StickCopy } from './StickCopy.tsx';
import { countText, imagesText } from '../../shared/counts.ts';

type CarriedImage = NonNullable<PullResult['images']>[number];
const imageColumns: Array<Column<CarriedImage>> = [
  { header: 'Image', cell: (i) => i.source, cellClass: 'mono' },
  { header: 'Digest', cell: (i) => shortDigest(i.digest), cellClass: 'mono small' },
  { header: 'Size', cell: (i) => formatBytes(i.size), num: true },
];

const checksumColumns: Array<Column<PullResult['files'][number]>> = [
  { header: 'File', cell: (f) => f.file, cellClass: 'mono' },
  { header: 'Size', cell: (f) => formatBytes(f.size), num: true },
  { header: 'SHA-256', cell: (f) => f.sha256, cellClass: 'mono small' },
];

export function DoneStep({
  draft,
  result,
  onHome,
  job,
}: {
  draft: PrepareDraft;
  result: PullResult;
  onHome: () => void;
  /** The pull's job: when it ran and for how long. */
  job?: JobView;
}) {
  const [plan, setPlan] = useState<StickPlan>();
  const [error, setError] = useState<ErrorDTO>();
  useEffect(() => {
    call('media:plan', { bundleDir: result.bundleDir, stickBytes: stickBytes(draft) }).then(
      setPlan,
      (err: unknown) => setError(errorOf(err)),
    );
  }, [result.bundleDir]);
  const t = result.totals;
  const images = result.images ?? [];
  const count = images.length || t.images;
  return (
    <section>
      <StepHeading>Transfer ready</StepHeading>
      <dl className="review">
        <div>
          <dt>Transfer</dt>
          <dd className="mono" data-testid="transfer-id">
            {result.transferId}
          </dd>
        </div>
        <div>
          <dt>Contents</dt>
          <dd data-testid="done-contents">
            {imagesText(count)}, {formatBytes(t.blobBytes)} of image data in {countText(t.files, 'file')} (
            {formatBytes(t.archiveBytes)} on disk)
          </dd>
        </div>
        {job && (
          <div>
            <dt>Took</dt>
            <dd data-testid="done-duration">
              {formatDuration(runSeconds(job))}
              {job.startedAt ? `, started ${formatTime(job.startedAt)}` : ''}
              {job.endedAt ? `, finished ${formatTime(job.endedAt)}` : ''}
            </dd>
          </div>
        )}
        <div>
          <dt>Folder</dt>
          <dd className="mono">{result.bundleDir}</dd>
        </div>
        <div>
          <dt>Signature</dt>
          <dd>
            <SignatureLine signature={result.signature} />
          </dd>
        </div>
      </dl>
      {images.length > 0 && (
        <DataTable
          className="carried-images"
          caption={`The ${imagesText(images.length)} carried`}
          columns={imageColumns}
          rows={images}
          rowKey={(i) => `${i.source}@${i.digest}`}
        />
      )}
      <DataTable
        className="checksums"
        caption="Files and their SHA-256 checksums"
        columns={checksumColumns}
        rows={result.files}
        rowKey={(f) => f.file}
      />
      <CopyBox
        id="sha256sums"
        label="Checksums (sha256sum format)"
        text={checksumFile(result.files)}
        fileName="SHA256SUMS"
      />
      {error && <ErrorNotice error={error} />}
      {plan && !draft.drive && <StickCopy bundleDir={result.bundleDir} plan={plan} />}
      {/* Pulled straight onto one stick: nothing is left to copy, so it is ejected from here. */}
      {draft.drive && (
        <EjectButton
          drive={draft.drive}
          label={`Eject ${draft.drive.label}`}
          ejectedText={(label) =>
            `${label} is ejected: unplug it and take it to the isolated side, where Import and push opens it.`
          }
        />
      )}
      <div className="notice info">
        <p className="notice-title">Eject safely</p>
        <p>
          Before you unplug a stick, eject it (Eject / Safely Remove in your file manager): the last bytes may
          still be in the write cache. On the isolated side, open the stick with Import and push.
        </p>
      </div>
      <div className="wizard-nav">
        <button type="button" className="primary" onClick={onHome}>
          Back to start
        </button>
      </div>
    </section>
  );
}
