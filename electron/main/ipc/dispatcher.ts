// One entry for every IPC call, in Electron and in the test bridge alike: refuse unknown channels,
// validate the request against the contract, run the handler, and answer with the Result envelope.
// Nothing but {code, message, details} of a FerryError ever leaves: no stack, no secret.
import type { Result } from '../../../shared/errors.ts';
import { isChannel, requestValidators } from '../../../shared/ipc.ts';
import { ValidationError } from '../../../shared/validate.ts';
import { toFerryError, UsageError } from '../../engine/api/errors.ts';
import type { Handlers } from './handlers.ts';

export type Dispatch = (channel: unknown, request: unknown) => Promise<Result<unknown>>;

export function createDispatcher(handlers: Handlers, log: (line: string) => void = () => {}): Dispatch {
  return async (channel, request) => {
    if (!isChannel(channel)) {
      return {
        ok: false,
        error: new UsageError(`unknown IPC channel '${String(channel).slice(0, 64)}'`).toDTO(),
      };
    }
    try {
      const valid = requestValidators[channel](request, 'request');
      const handler = handlers[channel] as (r: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(valid) };
    } catch (err) {
      const error =
        err instanceof ValidationError
          ? new UsageError(`the app sent ${channel} an invalid request: ${err.message}`)
          : toFerryError(err);
      // Unexpected failures are worth a line in the log (messages are already redacted).
      if (error.code === 'FERRY_ERR_INTERNAL') log(`${channel}: ${error.message}`);
      return { ok: false, error: error.toDTO() };
    }
  };
}
