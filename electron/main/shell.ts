// The desktop pieces handlers need from Electron: native open/save dialogs, and printing a report to
// PDF in a hidden, sandboxed window with JavaScript off.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions, Dialog } from 'electron';
import type { Shell } from './ipc/handlers.ts';

type WindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function electronShell(
  dialog: Dialog,
  parent: () => BrowserWindow | undefined,
  Window: WindowClass,
): Shell {
  return {
    async choose(request) {
      const options = {
        title: request.title,
        ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
        properties:
          request.kind === 'folder'
            ? (['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>)
            : (['openFile'] as Array<'openFile'>),
      };
      const win = parent();
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveAs(title, suggestedName) {
      const options = { title, defaultPath: join(homedir(), suggestedName) };
      const win = parent();
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async printToPdf(html) {
      const win = new Window({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
      });
      try {
        await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html).toString('base64')}`);
        return await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
      } finally {
        win.destroy();
      }
    },
  };
}
