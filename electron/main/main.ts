// Ferry's Electron main process: one instance, one hardened window showing the renderer from app://,
// and the IPC handlers — thin adapters over the same engine the CLI runs. Compiled to out/main/main.js
// for packaging (see docs/desktop.md); nothing else under electron/ imports 'electron' at runtime.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session } from 'electron';
import { ferryVersion } from '../engine/api/errors.ts';
import { createDriveLister } from '../engine/api/media.ts';
import { closeLedgers, Station } from '../engine/api/station.ts';
import { registerAppProtocol, appSchemePrivileges } from './app-protocol.ts';
import { CredentialStore } from './credentials/credential-store.ts';
import { createDispatcher } from './ipc/dispatcher.ts';
import { createHandlers } from './ipc/handlers.ts';
import { eventSender, registerIpc } from './ipc/register.ts';
import { JobRunner } from './jobs/job-runner.ts';
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
  const jobs = new JobRunner({
    event: (jobId, event) => send('job:event', { jobId, event }),
    state: (message) => send('job:state', message),
  });
  const handlers = createHandlers({
    station,
    credentials,
    jobs,
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

  mainWindow = createMainWindow(BrowserWindow, preloadPath, !app.isPackaged);
  mainWindow.on('closed', () => (mainWindow = undefined));
  await mainWindow.loadURL(devUrl ?? APP_URL);

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let running jobs stop cleanly (part files closed, resume state saved) before the ledger closes.
    quitting = true;
    event.preventDefault();
    void jobs.cancelAll().finally(() => {
      closeLedgers();
      app.quit();
    });
  });
}

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
