// A blob download that survives dropped connections: on a reset or premature end it asks the store
// again from the byte it reached (HTTP Range), so the consumer — hashing as it writes — sees one
// continuous stream and no byte is fetched twice.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { FerryError } from '../errors.ts';
import type { Descriptor } from '../oci/types.ts';
import type { Store } from '../store/store.ts';

export interface BlobStreamOptions {
  retries?: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Failures that say nothing about the blob itself: worth asking again from where we stopped. */
function isTransient(err: unknown): boolean {
  if (err instanceof FerryError)
    return (
      err.code === 'FERRY_ERR_UNREACHABLE' || (err.code === 'FERRY_ERR_REGISTRY' && /5\d\d/.test(err.message))
    );
  const code = (err as { code?: string }).code ?? '';
  return (
    /^(ECONNRESET|EPIPE|ETIMEDOUT|ECONNREFUSED|UND_ERR_.*|ERR_STREAM_PREMATURE_CLOSE|FERRY_SHORT_READ)$/.test(
      code,
    ) || /terminated|other side closed|aborted/i.test(String((err as Error).message))
  );
}

export function resumableBlobStream(
  src: Store,
  repository: string,
  blob: Descriptor,
  options: BlobStreamOptions = {},
): Readable {
  const retries = options.retries ?? 5;
  async function* bytes(): AsyncGenerator<Buffer> {
    let offset = 0;
    let attempt = 0;
    for (;;) {
      try {
        const { stream } = await src.getBlob(repository, blob.digest, {
          offset,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        for await (const chunk of stream) {
          const buf = chunk as Buffer;
          offset += buf.length;
          options.onBytes?.(buf.length);
          yield buf;
        }
        if (offset >= blob.size) return;
        throw Object.assign(new Error(`blob ${blob.digest} ended at byte ${offset} of ${blob.size}`), {
          code: 'FERRY_SHORT_READ',
        });
      } catch (err) {
        if (options.signal?.aborted || !isTransient(err) || attempt >= retries) throw err;
        attempt++;
        await sleep(
          Math.min(200 * 2 ** attempt, 5000),
          undefined,
          options.signal ? { signal: options.signal } : {},
        );
      }
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}
