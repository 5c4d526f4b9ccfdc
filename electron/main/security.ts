// The window's security settings, in one place (Electron's security checklist): an isolated,
// sandboxed renderer without Node, web security on, no <webview>, no navigation away from the app,
// no new windows, and no permission (camera, notifications, …) granted but one: the app's own page
// may write text to the clipboard, which the Copy buttons need (navigator.clipboard.writeText asks
// Electron for 'clipboard-sanitized-write'; reading the clipboard stays denied).
import type { Session, WebContents, WebPreferences } from 'electron';

export const APP_ORIGIN = 'app://ferry';
export const APP_URL = `${APP_ORIGIN}/index.html`;

export function secureWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/** True for a frame showing the app itself (the only sender whose IPC is answered). */
export function isAppUrl(url: string | undefined, devUrl?: string): boolean {
  if (!url) return false;
  if (url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`)) return true;
  return devUrl !== undefined && url.startsWith(devUrl);
}

/** The only permission granted, and only to the app's own page. */
const grantedToTheApp = new Set<string>(['clipboard-sanitized-write']);

export function isPermissionGranted(
  permission: string,
  origin: string | undefined,
  devUrl?: string,
): boolean {
  return grantedToTheApp.has(permission) && isAppUrl(origin, devUrl);
}

export function hardenSession(session: Session, devUrl?: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl, devUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin, devUrl),
  );
  session.setDevicePermissionHandler(() => false);
}

/** Every web contents the app creates: no new windows, no navigation, no webviews. */
export function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
