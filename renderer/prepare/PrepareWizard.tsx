import { useEffect, useState } from 'react';
import type { AppInfo, PullResult } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { sendLogin } from '../components/ConnectionForm.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { Wizard, type WizardStep } from '../components/Wizard.tsx';
import { RetryInPlace } from '../jobs/RetryInPlace.tsx';
import { useJob, type JobView } from '../state/job-store.ts';
import { DoneStep } from './DoneStep.tsx';
import { draftOfPull, initialDraft, selectionOf, type PrepareDraft } from './draft.ts';
import { ImagesStep } from './ImagesStep.tsx';
import { MediaStep } from './MediaStep.tsx';
import { ReviewStep } from './ReviewStep.tsx';
import { SourceStep } from './SourceStep.tsx';

type StepId = 'source' | 'images' | 'media' | 'review' | 'transfer' | 'done';

export function PrepareWizard({ info, onHome, job }: { info: AppInfo; onHome: () => void; job?: JobView }) {
  // Opened for a pull main already runs (the transfers panel, a reload): straight to its Transfer step.
  const reopened = job?.started?.kind === 'pull' ? job.started.request : undefined;
  const [step, setStep] = useState<StepId>(reopened ? 'transfer' : 'source');
  const [draft, setDraft] = useState<PrepareDraft>(() => (reopened ? draftOfPull(reopened) : initialDraft));
  const [jobId, setJobId] = useState<string | undefined>(reopened ? job?.jobId : undefined);
  const [result, setResult] = useState<PullResult>();
  const [error, setError] = useState<ErrorDTO>();
  const view = useJob(jobId);
  const set = (patch: Partial<PrepareDraft>) => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (view?.status === 'succeeded' && view.outcome?.kind === 'pull') {
      setResult(view.outcome.value);
      setStep('done');
    }
  }, [view?.status]);
  const pulled = view?.started?.kind === 'pull' ? view.started.request : undefined;

  const start = async (force: boolean) => {
    setError(undefined);
    try {
      await sendLogin(draft.source);
      const started = await call('job:pull', {
        ...selectionOf(draft),
        bundleDir: draft.bundleDir.trim(),
        ...(draft.estimate?.chunkSize ? { chunkSize: draft.estimate.chunkSize } : {}),
        force,
        ...(draft.incremental ? { incremental: true } : {}),
      });
      setJobId(started.jobId);
      setStep('transfer');
    } catch (err) {
      setError(errorOf(err));
    }
  };

  const e = draft.estimate;
  const steps: Array<WizardStep<StepId>> = [
    {
      id: 'source',
      title: 'Source',
      render: () => <SourceStep draft={draft} set={set} storage={info.credentialStorage} />,
      nav: {
        blocked: draft.source.registry.trim() ? undefined : 'Type the registry address first.',
        // A login typed but never tested is handed over on the way out; a failure shows, but does not
        // hold the person here.
        onNext: (goOn) => {
          void sendLogin(draft.source).catch((err: unknown) => setError(errorOf(err)));
          goOn();
        },
      },
    },
    {
      id: 'images',
      title: 'Images',
      render: () => <ImagesStep draft={draft} set={set} />,
      nav: {
        blocked:
          draft.preview && draft.preview.images.length > 0 && draft.preview.failed.length === 0
            ? undefined
            : 'The preview must list at least one image and no failures.',
      },
    },
    {
      id: 'media',
      title: 'Media',
      render: () => <MediaStep draft={draft} set={set} />,
      nav: {
        blocked: !draft.bundleDir.trim()
          ? 'Choose the bundle folder.'
          : draft.drive && e && e.sticks > 1
            ? `The bundle needs ${e.sticks} sticks: choose "A folder on this computer" and copy stick by stick afterwards.`
            : undefined,
      },
    },
    {
      id: 'review',
      title: 'Review',
      render: () => <ReviewStep draft={draft} set={set} />,
      nav: { nextLabel: 'Start transfer', onNext: () => void start(draft.force) },
    },
    {
      id: 'transfer',
      title: 'Transfer',
      render: () => (
        <section>
          <StepHeading>Pulling images</StepHeading>
          <ProgressPanel
            view={view}
            items={[
              ...new Set(
                draft.preview?.images.map((i) => i.source) ??
                  // Reopened without its preview: the job's own names once it has any (they are
                  // qualified with the registry), the request's lines until then.
                  (view && Object.keys(view.items).length > 0 ? [] : (pulled?.images ?? [])),
              ),
            ]}
            itemLabel="Images"
            fix={
              jobId &&
              pulled && (
                <RetryInPlace
                  jobId={jobId}
                  side="source"
                  connection={pulled.source}
                  typed={draft.source}
                  storage={info.credentialStorage}
                />
              )
            }
          />
        </section>
      ),
    },
    {
      id: 'done',
      title: 'Done',
      render: () =>
        result && <DoneStep draft={draft} result={result} onHome={onHome} {...(view ? { job: view } : {})} />,
    },
  ];
  return (
    <Wizard
      title="Prepare a transfer"
      label="Prepare steps"
      steps={steps}
      current={step}
      go={setStep}
      onHome={onHome}
      error={error}
    />
  );
}
