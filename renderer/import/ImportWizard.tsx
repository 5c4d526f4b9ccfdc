import { useEffect, useState } from 'react';
import type { AppInfo, BundleSummary, PushResult, VerifyResult } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import {
  emptyConnection,
  sendLogin,
  toConnection,
  type ConnectionDraft,
} from '../components/ConnectionForm.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { Stepper } from '../components/Stepper.tsx';
import { WizardNav } from '../components/WizardNav.tsx';
import { useJob } from '../state/job-store.ts';
import { BundleStep } from './BundleStep.tsx';
import { ImportDone } from './ImportDone.tsx';
import { TargetStep } from './TargetStep.tsx';
import { VerifyStep } from './VerifyStep.tsx';

const steps = ['Bundle', 'Verify', 'Target', 'Push', 'Done'];

export function ImportWizard({ info, onHome }: { info: AppInfo; onHome: () => void }) {
  const [step, setStep] = useState(0);
  const [folders, setFolders] = useState<string[]>(['']);
  const [trustedKeyFile, setTrustedKeyFile] = useState('');
  const [summary, setSummary] = useState<BundleSummary>();
  const [target, setTarget] = useState<ConnectionDraft>(emptyConnection);
  const [verifyJob, setVerifyJob] = useState<string>();
  const [pushJob, setPushJob] = useState<string>();
  const [error, setError] = useState<ErrorDTO>();
  const verifyView = useJob(verifyJob);
  const pushView = useJob(pushJob);
  const verified: VerifyResult | undefined =
    verifyView?.outcome?.kind === 'verify' ? verifyView.outcome.value : undefined;
  const pushed: PushResult | undefined =
    pushView?.outcome?.kind === 'push' ? pushView.outcome.value : undefined;

  const startVerify = async () => {
    if (!summary) return;
    setError(undefined);
    try {
      const started = await call('job:verify', {
        folders: summary.folders,
        ...(trustedKeyFile.trim() ? { trustedKeyFile: trustedKeyFile.trim() } : {}),
      });
      setVerifyJob(started.jobId);
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const startPush = async () => {
    if (!summary) return;
    setError(undefined);
    try {
      await sendLogin(target);
      const started = await call('job:push', {
        folders: summary.folders,
        target: toConnection(target),
        dryRun: false,
        ...(trustedKeyFile.trim() ? { trustedKeyFile: trustedKeyFile.trim() } : {}),
      });
      setPushJob(started.jobId);
      setStep(3);
    } catch (err) {
      setError(errorOf(err));
    }
  };

  useEffect(() => {
    if (step === 1 && !verifyJob) void startVerify();
  }, [step]);
  useEffect(() => {
    if (pushed && !pushed.dryRun) setStep(4);
  }, [pushed]);

  const blocked = [
    !summary
      ? 'Open the bundle first.'
      : summary.missing.length
        ? 'Some files are missing: add the stick that holds them.'
        : undefined,
    !verified ? 'Wait for the check to finish.' : undefined,
    !target.registry.trim() ? 'Type the target registry.' : undefined,
  ];
  return (
    <div className="wizard">
      <h1>Import and push</h1>
      <Stepper steps={steps} current={step} label="Import steps" />
      {step === 0 && (
        <BundleStep
          folders={folders}
          setFolders={setFolders}
          trustedKeyFile={trustedKeyFile}
          setTrustedKeyFile={setTrustedKeyFile}
          summary={summary}
          setSummary={(s) => {
            setSummary(s);
            setVerifyJob(undefined);
          }}
        />
      )}
      {step === 1 && summary && (
        <VerifyStep
          summary={summary}
          view={verifyView}
          result={verified}
          onAgain={() => void startVerify()}
        />
      )}
      {step === 2 && summary && (
        <TargetStep
          folders={summary.folders}
          target={target}
          setTarget={setTarget}
          storage={info.credentialStorage}
          trustedKeyFile={trustedKeyFile}
        />
      )}
      {step === 3 && summary && (
        <section>
          <StepHeading>Pushing images</StepHeading>
          <ProgressPanel
            view={pushView}
            items={[...new Set(summary.images.map((i) => i.source))]}
            itemLabel="Images"
            onRetry={() => void startPush()}
          />
        </section>
      )}
      {step === 4 && pushed && <ImportDone result={pushed} onHome={onHome} />}
      {error && <ErrorNotice error={error} />}
      {step < 2 && (
        <WizardNav
          onBack={step === 0 ? onHome : () => setStep(step - 1)}
          onNext={() => setStep(step + 1)}
          nextLabel={step === 1 && verified && !verified.ok ? 'Continue anyway' : 'Next'}
          blocked={blocked[step]}
        />
      )}
      {step === 2 && (
        <WizardNav
          onBack={() => setStep(1)}
          onNext={() => void startPush()}
          nextLabel="Push images"
          blocked={blocked[2]}
        />
      )}
    </div>
  );
}
