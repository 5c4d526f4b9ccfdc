// Wires the dispatcher to Electron's ipcMain: one handle() per contract channel, answered only for
// frames showing the app, and a sender for the event channels.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Result } from '../../../shared/errors.ts';
import { channels, type EventChannel, type EventOf } from '../../../shared/ipc.ts';
import { ForbiddenError } from '../../engine/api/errors.ts';
import type { Dispatch } from './dispatcher.ts';

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatch: Dispatch,
  isTrustedFrame: (url: string | undefined) => boolean,
): void {
  for (const channel of channels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, request: unknown): Promise<Result<unknown>> => {
      if (!isTrustedFrame(event.senderFrame?.url)) {
        return Promise.resolve({
          ok: false,
          error: new ForbiddenError(
            `IPC from ${event.senderFrame?.url ?? 'an unknown frame'} refused: only the app's own page may call it`,
          ).toDTO(),
        });
      }
      return dispatch(channel, request);
    });
  }
}

/** Sends an event to the window, if it is still there. */
export function eventSender(target: () => WebContents | undefined) {
  return <E extends EventChannel>(channel: E, payload: EventOf<E>): void => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  };
}
