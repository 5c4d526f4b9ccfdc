// Calls into the main process through window.ferry, unwrapping the Result envelope: a failure becomes
// an AppError carrying the {code, message, details} the main process sent.
import type { ErrorDTO } from '../shared/errors.ts';
import type { Channel, EventChannel, EventOf, FerryApi, RequestOf, ResponseOf } from '../shared/ipc.ts';

export class AppError extends Error {
  readonly dto: ErrorDTO;
  constructor(dto: ErrorDTO) {
    super(dto.message);
    this.name = 'AppError';
    this.dto = dto;
  }
}

export function ferryApi(): FerryApi | undefined {
  return window.ferry;
}

export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const api = ferryApi();
  if (!api)
    throw new AppError({ code: 'FERRY_ERR_INTERNAL', message: 'this page runs only inside the Ferry app' });
  let result;
  try {
    result = await api.invoke(channel, request);
  } catch (err) {
    throw new AppError({
      code: 'FERRY_ERR_INTERNAL',
      message: `the app did not answer ${channel}: ${(err as Error).message}`,
    });
  }
  if (result.ok) return result.value;
  throw new AppError(result.error);
}

export function subscribe<E extends EventChannel>(
  channel: E,
  listener: (payload: EventOf<E>) => void,
): () => void {
  return ferryApi()?.on(channel, listener) ?? (() => {});
}

/** Any thrown value as the DTO the error notice shows. */
export function errorOf(err: unknown): ErrorDTO {
  if (err instanceof AppError) return err.dto;
  return { code: 'FERRY_ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
