// Ferry's Electron main process: one instance, one hardened window showing the renderer from app://,
// and the IPC handlers — thin adapters over the same engine the CLI runs. Compiled to out/main/main.js
// for packaging (see docs/desktop.md); nothing else under electron/ imports 'electron' at runtime.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import { ferryVersion } from '../engine/api/errors.ts';
import { createDriveLister } from '../engine/api/media.ts';
import { limitHeapGrowth } from '../engine/api/runtime.ts';
import { closeLedgers, Station } from '../engine/api/station.ts';
import { registerAppProtocol, appSchemePrivileges } from './app-protocol.ts';
import { CredentialStore } from './credentials/credential-store.ts';
import { createDispatcher } from './ipc/dispatcher.ts';
import { createHandlers } from './ipc/handlers.ts';
import { eventSender, registerIpc } from './ipc/register.ts';
import { closeReasons, confirmClose, type ClosePrompt } from './jobs/close-guard.ts';
import { JobJournal } from './jobs/job-journal.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { menuTemplate } from './menu.ts';
import { APP_URL, hardenContents, hardenSession, isAppUrl } from './security.ts';
import { electronShell } from './shell.ts';
import { createMainWindow } from './window.ts';

const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, '..', 'preload', 'preload.cjs');
const rendererRoot = join(here, '..', 'renderer');
/** A Vite dev server, for development only; a packaged app always shows its own files. */
const devUrl = app.isPackaged ? undefined : process.env.FERRY_RENDERER_URL;

let mainWindow: BrowserWindow | undefined;

function showWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  registerAppProtocol(protocol, rendererRoot);

  const station = Station.fromEnv(process.env);
  const credentials = new CredentialStore(join(station.home, 'logins.json'), safeStorage);
  const send = eventSender(() => mainWindow?.webContents);
  const journal = new JobJournal(station.home);
  const jobs = new JobRunner({
    event: (jobId, event) => send('job:event', { jobId, event }),
    state: (message) => send('job:state', message),
    changed: (list) => journal.record(list),
  });
  const handlers = createHandlers({
    station,
    credentials,
    jobs,
    journal,
    listDrives: createDriveLister(),
    shell: electronShell(dialog, () => mainWindow, BrowserWindow),
    env: process.env,
    platform: process.platform,
    version: ferryVersion,
  });
  registerIpc(
    ipcMain,
    createDispatcher(handlers, (line) => console.error(line)),
    (url) => isAppUrl(url, devUrl),
  );

  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(!app.isPackaged, process.platform)));
  mainWindow = createMainWindow(BrowserWindow, preloadPath, !app.isPackaged);
  mainWindow.on('closed', () => (mainWindow = undefined));

  // Closing the window (or quitting) mid-transfer asks first; the answer is carried out and recorded
  // (close-guard.ts) before the window goes.
  const ask = async (prompt: ClosePrompt) => {
    const options = { type: 'warning' as const, noLink: true, ...prompt };
    const answer = mainWindow
      ? await dialog.showMessageBox(mainWindow, options)
      : await dialog.showMessageBox(options);
    return answer.response;
  };
  let decided = false;
  let asking = false;
  const askThen = (then: () => void) => {
    if (asking) return;
    asking = true;
    void confirmClose(jobs, ask)
      .then((close) => {
        if (!close) return;
        decided = true;
        then();
      })
      .finally(() => (asking = false));
  };
  mainWindow.on('close', (event: { preventDefault(): void }) => {
    if (decided || jobs.active().every((j) => j.status === 'paused')) return;
    event.preventDefault();
    askThen(() => mainWindow?.close());
  });
  await mainWindow.loadURL(devUrl ?? APP_URL);

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    if (!decided && jobs.active().some((j) => j.status === 'running')) {
      askThen(() => app.quit());
      return;
    }
    // Let running jobs stop cleanly (part files closed, resume state saved) before the ledger closes;
    // paused ones stay in the journal for the next start.
    quitting = true;
    void jobs
      .pauseAll(closeReasons.pause)
      .then(() => journal.flushed())
      .finally(() => {
        closeLedgers();
        app.quit();
      });
  });
}

limitHeapGrowth();
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(start, (err: unknown) => {
    console.error(err);
    app.exit(1);
  });
}
