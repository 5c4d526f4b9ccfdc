import type { PushResult } from '../../shared/dto.ts';
import { CopyBox } from '../components/CopyBox.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { shortDigest } from '../format.ts';
import { countImages, imagesText } from '../../shared/counts.ts';

const pushedColumns: Array<Column<PushResult['images'][number]>> = [
  { header: 'Image', cell: (i) => i.source, cellClass: 'mono' },
  { header: 'Pushed to', cell: (i) => i.target, cellClass: 'mono' },
  {
    header: 'Digest',
    cell: (i) => (i.digest ? shortDigest(i.digest) : '—'),
    cellClass: 'mono digest',
    title: (i) => i.digest,
  },
  {
    header: 'State',
    // The reason is the engine's account: behind a disclosure, so the table keeps its columns wide.
    cell: (i) =>
      i.status === 'pushed' ? (
        'pushed'
      ) : (
        <details className="refused">
          <summary>refused (why)</summary>
          <span className="small">{i.error ?? ''}</span>
        </details>
      ),
  },
];

export function ImportDone({ result, onHome }: { result: PushResult; onHome: () => void }) {
  const pushed = result.images.filter((i) => i.status === 'pushed');
  const refused = result.images.filter((i) => i.status === 'refused');
  return (
    <section>
      <StepHeading>{refused.length ? 'Pushed, with images refused' : 'Images pushed'}</StepHeading>
      <p role="status" className={refused.length ? 'notice error' : 'notice ok'}>
        {imagesText(countImages(pushed))} pushed to {result.registry}
        {refused.length
          ? `; ${refused.length} refused (damaged or unreadable): verify again and copy the named files from the connected side.`
          : ', every digest unchanged.'}
      </p>
      <DataTable
        className="pushed"
        caption="Images"
        columns={pushedColumns}
        rows={result.images}
        rowClass={(i) => (i.status === 'refused' ? 'bad' : '')}
      />
      {result.receipt && (
        <>
          <p>
            Carry the receipt back to the connected side: it proves what arrived, and lets the next pull leave
            out what the registry already holds. A copy is kept in <code>{result.receipt.file}</code>.
          </p>
          <CopyBox
            id="receipt"
            label="Receipt (signed)"
            text={result.receipt.json}
            fileName={`ferry-receipt-${result.transferId.slice(0, 8)}.json`}
          />
        </>
      )}
      {result.pullSecretYaml && (
        <CopyBox
          id="pull-secret"
          label="Kubernetes pull Secret for the target registry"
          text={result.pullSecretYaml}
          fileName="ferry-registry-secret.yaml"
        />
      )}
      {result.moduleSourceYaml && (
        <CopyBox
          id="module-source"
          label="Deckhouse ModuleSource for the pushed modules"
          text={result.moduleSourceYaml}
          fileName="ferry-module-source.yaml"
        />
      )}
      <div className="wizard-nav">
        <button type="button" className="primary" onClick={onHome}>
          Back to start
        </button>
      </div>
    </section>
  );
}
