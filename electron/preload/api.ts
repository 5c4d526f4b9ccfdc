// The renderer's one door to the main process: invoke on contract channels, subscribe to contract
// events. Anything not in the contract is refused here, before it reaches IPC. Kept apart from
// preload.ts (which only hands this to contextBridge) so it is tested without Electron.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { ErrorCodes } from '../../shared/errors.ts';
import { isChannel, isEventChannel, type FerryApi } from '../../shared/ipc.ts';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createApi(ipc: IpcRendererLike): FerryApi {
  return {
    invoke(channel, request) {
      if (!isChannel(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: ErrorCodes.USAGE, message: `'${String(channel)}' is not an app channel` },
        });
      }
      return ipc.invoke(channel, request) as ReturnType<FerryApi['invoke']>;
    },
    on(channel, listener) {
      if (!isEventChannel(channel)) throw new Error(`'${String(channel)}' is not an app event`);
      // The page gets the payload only, never Electron's event object (it holds the sender).
      const wrapped = (_event: IpcRendererEvent, payload: unknown) =>
        listener(payload as Parameters<typeof listener>[0]);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    },
  };
}
