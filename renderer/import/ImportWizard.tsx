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
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { Wizard, type WizardStep } from '../components/Wizard.tsx';
import { RetryInPlace } from '../jobs/RetryInPlace.tsx';
import { useJob, type JobView } from '../state/job-store.ts';
import { BundleStep } from './BundleStep.tsx';
import { fieldsOf, signatureRequirement } from './image-signatures.ts';
import { ImportDone } from './ImportDone.tsx';
import { TargetStep } from './TargetStep.tsx';
import { VerifyStep } from './VerifyStep.tsx';
import { groupImages } from '../../shared/counts.ts';

type StepId = 'bundle' | 'verify' | 'target' | 'push' | 'done';

export function ImportWizard({ info, onHome, job }: { info: AppInfo; onHome: () => void; job?: JobView }) {
  // Opened for a check or push main already runs (the transfers panel, a reload): back to its step.
  const started = job?.started;
  const reopened = started?.kind === 'push' || started?.kind === 'verify' ? started : undefined;
  const [step, setStep] = useState<StepId>(
    reopened?.kind === 'push' ? 'push' : reopened?.kind === 'verify' ? 'verify' : 'bundle',
  );
  const [folders, setFolders] = useState<string[]>(reopened ? reopened.request.folders : ['']);
  const [trustedKeyFile, setTrustedKeyFile] = useState(reopened?.request.trustedKeyFile ?? '');
  const [signatures, setSignatures] = useState(fieldsOf(reopened?.request.imageSignatures));
  const [summary, setSummary] = useState<BundleSummary>();
  const [target, setTarget] = useState<ConnectionDraft>(
    reopened?.kind === 'push'
      ? {
          ...emptyConnection,
          registry: reopened.request.target.registry,
          insecure: reopened.request.target.insecure,
          tlsSkipVerify: reopened.request.target.tlsSkipVerify,
          caFile: reopened.request.target.caFile ?? '',
        }
      : emptyConnection,
  );
  const [verifyJob, setVerifyJob] = useState<string | undefined>(
    reopened?.kind === 'verify' ? job?.jobId : undefined,
  );
  const [pushJob, setPushJob] = useState<string | undefined>(
    reopened?.kind === 'push' ? job?.jobId : undefined,
  );
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
        ...signatureRequirement(signatures),
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
        ...signatureRequirement(signatures),
      });
      setPushJob(started.jobId);
      setStep('push');
    } catch (err) {
      setError(errorOf(err));
    }
  };

  useEffect(() => {
    if (step === 'verify' && !verifyJob) void startVerify();
  }, [step]);
  useEffect(() => {
    // A reopened job: read its bundle again (quick: file headers only) for the image list.
    if (!reopened) return;
    call('bundle:open', { folders: reopened.request.folders }).then(setSummary, (err: unknown) =>
      setError(errorOf(err)),
    );
  }, []);
  const pushedTo = pushView?.started?.kind === 'push' ? pushView.started.request.target : undefined;
  useEffect(() => {
    if (pushed && !pushed.dryRun) setStep('done');
  }, [pushed]);

  const steps: Array<WizardStep<StepId>> = [
    {
      id: 'bundle',
      title: 'Bundle',
      render: () => (
        <BundleStep
          folders={folders}
          setFolders={setFolders}
          trustedKeyFile={trustedKeyFile}
          setTrustedKeyFile={setTrustedKeyFile}
          signatures={signatures}
          setSignatures={(fields) => {
            setSignatures(fields);
            setVerifyJob(undefined);
          }}
          summary={summary}
          setSummary={(s) => {
            setSummary(s);
            setVerifyJob(undefined);
          }}
        />
      ),
      nav: {
        // Missing files do not block: Verify checks what is here, so one list names all to copy again.
        blocked: !summary ? 'Open the bundle first.' : undefined,
      },
    },
    {
      id: 'verify',
      title: 'Verify',
      render: () =>
        summary && (
          <VerifyStep
            summary={summary}
            view={verifyView}
            result={verified}
            onAgain={() => void startVerify()}
          />
        ),
      nav: {
        blocked: !verified ? 'Wait for the check to finish.' : undefined,
        nextLabel: verified && !verified.ok ? 'Continue anyway' : 'Next',
      },
    },
    {
      id: 'target',
      title: 'Target',
      render: () =>
        summary && (
          <TargetStep
            folders={summary.folders}
            target={target}
            setTarget={setTarget}
            storage={info.credentialStorage}
            trustedKeyFile={trustedKeyFile}
          />
        ),
      nav: {
        blocked: !target.registry.trim() ? 'Type the target registry.' : undefined,
        nextLabel: 'Push images',
        onNext: () => void startPush(),
      },
    },
    {
      id: 'push',
      title: 'Push',
      render: () =>
        summary && (
          <section>
            <StepHeading>Pushing images</StepHeading>
            <ProgressPanel
              view={pushView}
              items={groupImages(summary.images).map(([i]) => i!.source)}
              itemLabel="Images"
              fix={
                pushJob &&
                pushedTo && (
                  <RetryInPlace
                    jobId={pushJob}
                    side="target"
                    connection={pushedTo}
                    typed={target}
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
      render: () => pushed && <ImportDone result={pushed} onHome={onHome} />,
    },
  ];
  return (
    <Wizard
      title="Import and push"
      label="Import steps"
      steps={steps}
      current={step}
      go={setStep}
      onHome={onHome}
      error={error}
    />
  );
}
