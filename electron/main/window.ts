// The one application window: 1280×800 (the size the renderer is designed for), shown when painted.
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from './security.ts';

type WindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function createMainWindow(Window: WindowClass, preload: string, devTools: boolean): BrowserWindow {
  const win = new Window({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Ferry',
    backgroundColor: '#f5f6f8',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preload, devTools),
  });
  win.once('ready-to-show', () => win.show());
  return win;
}
