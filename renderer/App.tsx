import { useEffect, useState } from 'react';
import type { AppInfo } from '../shared/dto.ts';
import type { ErrorDTO } from '../shared/errors.ts';
import { call, errorOf, ferryApi } from './api.ts';
import { ErrorNotice } from './components/ErrorNotice.tsx';
import { History } from './history/History.tsx';
import { ImportWizard } from './import/ImportWizard.tsx';
import { PrepareWizard } from './prepare/PrepareWizard.tsx';
import { Start, type Screen } from './Start.tsx';

export function App() {
  const [screen, setScreen] = useState<Screen>('start');
  const [info, setInfo] = useState<AppInfo>();
  const [error, setError] = useState<ErrorDTO>();

  useEffect(() => {
    if (!ferryApi()) return;
    call('app:info', {}).then(setInfo, (err: unknown) => setError(errorOf(err)));
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
  const home = () => setScreen('start');
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
        <span className="station">{info ? `v${info.version} · data folder ${info.dataFolder}` : ''}</span>
      </header>
      <main className="page">
        {error && <ErrorNotice error={error} />}
        {screen === 'start' && <Start onChoose={setScreen} />}
        {screen === 'prepare' && info && <PrepareWizard info={info} onHome={home} />}
        {screen === 'import' && info && <ImportWizard info={info} onHome={home} />}
        {screen === 'history' && <History />}
      </main>
    </div>
  );
}
