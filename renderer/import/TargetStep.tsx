import { useEffect, useState } from 'react';
import type { CredentialStorage, PushResult } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import {
  ConnectionForm,
  dropRefusedLogin,
  toConnection,
  type ConnectionDraft,
} from '../components/ConnectionForm.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { useJob } from '../state/job-store.ts';

const mappingColumns: Array<Column<PushResult['images'][number]>> = [
  { header: 'From the bundle', cell: (i) => i.source, cellClass: 'mono' },
  { header: 'Pushed to', cell: (i) => i.target, cellClass: 'mono' },
  { header: 'State', cell: (i) => (i.status === 'planned' ? 'will be pushed' : `refused: ${i.error ?? ''}`) },
];

/** The private registry and path; a dry run shows where every image will go before anything is written. */
export function TargetStep({
  folders,
  target,
  setTarget,
  storage,
  trustedKeyFile,
}: {
  folders: string[];
  target: ConnectionDraft;
  setTarget: (t: ConnectionDraft) => void;
  storage: CredentialStorage;
  trustedKeyFile: string;
}) {
  const [jobId, setJobId] = useState<string>();
  const [error, setError] = useState<ErrorDTO>();
  const view = useJob(jobId);
  const plan: PushResult | undefined = view?.outcome?.kind === 'push' ? view.outcome.value : undefined;
  useEffect(() => {
    if (view?.error) void dropRefusedLogin(target, [view.error]);
  }, [view?.error]);
  const dryRun = async () => {
    setError(undefined);
    try {
      // The dry run only maps names: it needs no login, so a typed one is not handed over untested.
      const started = await call('job:push', {
        folders,
        target: toConnection(target),
        dryRun: true,
        ...(trustedKeyFile.trim() ? { trustedKeyFile: trustedKeyFile.trim() } : {}),
      });
      setJobId(started.jobId);
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <section>
      <StepHeading>Where do the images go?</StepHeading>
      <ConnectionForm
        id="target"
        legend="Target registry"
        registryLabel="Registry and path"
        registryHint="e.g. registry.local:5000/mirror — vendor/app:1.5 from the bundle goes to registry.local:5000/mirror/vendor/app:1.5."
        value={target}
        onChange={(t) => {
          setJobId(undefined);
          setTarget(t);
        }}
        storage={storage}
      />
      <div className="actions">
        <button
          type="button"
          onClick={() => void dryRun()}
          disabled={!target.registry.trim() || view?.status === 'running'}
        >
          Preview where images go (dry run)
        </button>
        {view?.status === 'running' && <span role="status">Reading the bundle…</span>}
      </div>
      {error && <ErrorNotice error={error} side="target" />}
      {view?.error && <ErrorNotice error={view.error} side="target" />}
      {plan && (
        <DataTable
          className="mapping"
          caption="Dry run: nothing was written"
          columns={mappingColumns}
          rows={plan.images}
          rowClass={(i) => (i.status === 'refused' ? 'bad' : '')}
        />
      )}
    </section>
  );
}
