// Preload (sandboxed, bundled to CommonJS): exposes the one typed api object as window.ferry.
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from './api.ts';

contextBridge.exposeInMainWorld('ferry', createApi(ipcRenderer));
