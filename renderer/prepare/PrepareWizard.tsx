import { useEffect, useState } from 'react';
import type { AppInfo, PullResult } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { sendLogin } from '../components/ConnectionForm.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { Stepper } from '../components/Stepper.tsx';
import { WizardNav } from '../components/WizardNav.tsx';
import { useJob } from '../state/job-store.ts';
import { DoneStep } from './DoneStep.tsx';
import { initialDraft, selectionOf, type PrepareDraft } from './draft.ts';
import { ImagesStep } from './ImagesStep.tsx';
import { MediaStep } from './MediaStep.tsx';
import { ReviewStep } from './ReviewStep.tsx';
import { SourceStep } from './SourceStep.tsx';

const steps = ['Source', 'Images', 'Media', 'Review', 'Transfer', 'Done'];

export function PrepareWizard({ info, onHome }: { info: AppInfo; onHome: () => void }) {
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<PrepareDraft>(initialDraft);
  const [jobId, setJobId] = useState<string>();
  const [result, setResult] = useState<PullResult>();
  const [error, setError] = useState<ErrorDTO>();
  const view = useJob(jobId);
  const set = (patch: Partial<PrepareDraft>) => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (view?.status === 'succeeded' && view.outcome?.kind === 'pull') {
      setResult(view.outcome.value);
      setStep(5);
    }
  }, [view?.status]);

  const start = async (force: boolean) => {
    setError(undefined);
    try {
      await sendLogin(draft.source);
      const started = await call('job:pull', {
        ...selectionOf(draft),
        bundleDir: draft.bundleDir.trim(),
        ...(draft.estimate?.chunkSize ? { chunkSize: draft.estimate.chunkSize } : {}),
        force,
      });
      setJobId(started.jobId);
      setStep(4);
    } catch (err) {
      setError(errorOf(err));
    }
  };

  const e = draft.estimate;
  const blocked = [
    draft.source.registry.trim() ? undefined : 'Type the registry address first.',
    draft.preview && draft.preview.images.length > 0 && draft.preview.failed.length === 0
      ? undefined
      : 'The preview must list at least one image and no failures.',
    !draft.bundleDir.trim()
      ? 'Choose the bundle folder.'
      : draft.drive && e && e.sticks > 1
        ? `The bundle needs ${e.sticks} sticks: choose "A folder on this computer" and copy stick by stick afterwards.`
        : undefined,
  ];
  return (
    <div className="wizard">
      <h1>Prepare a transfer</h1>
      <Stepper steps={steps} current={step} label="Prepare steps" />
      {step === 0 && <SourceStep draft={draft} set={set} storage={info.credentialStorage} />}
      {step === 1 && <ImagesStep draft={draft} set={set} />}
      {step === 2 && <MediaStep draft={draft} set={set} />}
      {step === 3 && <ReviewStep draft={draft} set={set} />}
      {step === 4 && (
        <section>
          <StepHeading>Pulling images</StepHeading>
          <ProgressPanel
            view={view}
            items={[...new Set(draft.preview?.images.map((i) => i.source))]}
            itemLabel="Images"
            onRetry={() => void start(false)}
          />
        </section>
      )}
      {step === 5 && result && <DoneStep draft={draft} result={result} onHome={onHome} />}
      {error && <ErrorNotice error={error} />}
      {step < 3 && (
        <WizardNav
          {...(step > 0 ? { onBack: () => setStep(step - 1) } : { onBack: onHome })}
          onNext={() => {
            if (step === 0) void sendLogin(draft.source).catch((err: unknown) => setError(errorOf(err)));
            setStep(step + 1);
          }}
          blocked={blocked[step]}
        />
      )}
      {step === 3 && (
        <WizardNav
          onBack={() => setStep(2)}
          onNext={() => void start(draft.force)}
          nextLabel="Start transfer"
        />
      )}
    </div>
  );
}
