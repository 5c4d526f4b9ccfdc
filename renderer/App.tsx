import { useEffect, useState } from 'react';
import type { AppInfo } from '../shared/dto.ts';
import type { ErrorDTO } from '../shared/errors.ts';
import { call, errorOf, ferryApi } from './api.ts';
import { ErrorNotice } from './components/ErrorNotice.tsx';
import { History } from './history/History.tsx';
import { ImportWizard } from './import/ImportWizard.tsx';
import { InterruptedOffer } from './jobs/InterruptedOffer.tsx';
import { TransfersPanel } from './jobs/TransfersPanel.tsx';
import { PrepareWizard } from './prepare/PrepareWizard.tsx';
import { syncJobs, type JobView } from './state/job-store.ts';
import { Start, type Screen } from './Start.tsx';

/** The screen that shows a job: pulls on Prepare, checks and pushes on Import. */
function screenOf(job: JobView): Screen | undefined {
  if (job.kind === 'pull') return 'prepare';
  if (job.kind === 'verify' || job.kind === 'push') return 'import';
  return undefined;
}

export function App() {
  const [screen, setScreen] = useState<Screen>('start');
  const [info, setInfo] = useState<AppInfo>();
  const [error, setError] = useState<ErrorDTO>();
  /** The job a screen was opened for (from the transfers panel, or after a reload); remounts it. */
  const [opened, setOpened] = useState<{ job: JobView; n: number }>();

  const openJob = (job: JobView) => {
    const target = screenOf(job);
    if (!target) return;
    setOpened((o) => ({ job, n: (o?.n ?? 0) + 1 }));
    setScreen(target);
  };

  useEffect(() => {
    if (!ferryApi()) return;
    call('app:info', {}).then(setInfo, (err: unknown) => setError(errorOf(err)));
    // A reloaded page returns to the transfer that is still running (main kept it).
    syncJobs().then(
      (jobs) => {
        const running = [...jobs].reverse().find((j) => j.status === 'running' && screenOf(j));
        if (running) openJob(running);
      },
      () => {},
    );
  }, []);

  if (!ferryApi()) {
    return (
      <main className="page">
        <h1>Ferry</h1>
        <ErrorNotice
          error={{ code: 'FERRY_ERR_INTERNAL', message: 'This page runs only inside the Ferry app.' }}
        />
      </main>
    );
  }
  const home = () => {
    setOpened(undefined);
    setScreen('start');
  };
  const choose = (s: Screen) => {
    setOpened(undefined);
    setScreen(s);
  };
  const resumed = (jobId: string) =>
    void syncJobs().then((jobs) => {
      const job = jobs.find((j) => j.jobId === jobId);
      if (job) openJob(job);
    });
  const key = opened ? `job-${opened.n}` : 'fresh';
  return (
    <div className="app">
      <header className="topbar">
        {screen === 'start' ? (
          <span className="brand">Ferry</span>
        ) : (
          <button
            type="button"
            className="brand link"
            onClick={home}
            aria-label="Ferry: back to the start screen"
          >
            ← Ferry
          </button>
        )}
        <TransfersPanel onOpen={openJob} />
        <span className="station">{info ? `v${info.version} · data folder ${info.dataFolder}` : ''}</span>
      </header>
      <main className="page">
        {error && <ErrorNotice error={error} />}
        {screen === 'start' && <InterruptedOffer onResumed={resumed} />}
        {screen === 'start' && <Start onChoose={choose} />}
        {screen === 'prepare' && info && (
          <PrepareWizard key={key} info={info} onHome={home} {...(opened ? { job: opened.job } : {})} />
        )}
        {screen === 'import' && info && (
          <ImportWizard key={key} info={info} onHome={home} {...(opened ? { job: opened.job } : {})} />
        )}
        {screen === 'history' && <History />}
      </main>
    </div>
  );
}
