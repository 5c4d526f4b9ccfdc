// Reading small response bodies (manifests, error documents, tag lists) with a size limit, so a
// misbehaving server cannot make us buffer gigabytes. Blobs are never read through these.
import type { Readable } from 'node:stream';
import { RegistryError } from '../errors.ts';

/** True for a request body that can be sent again (none, or bytes in memory); a stream cannot. */
export function isReplayable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}

/** Manifests are small; the distribution spec lets registries refuse anything above 4 MiB. */
export const maxManifestBytes = 16 * 1024 * 1024;

/** The whole body as bytes; RegistryError when it exceeds `limit`. */
export async function readBodyBytes(body: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      body.destroy();
      throw new RegistryError(`${what} is larger than ${limit} bytes: refusing to read it into memory`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Up to `limit` bytes of the body as text (for error messages); the rest is discarded. */
export async function readBodyText(body: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (total < limit) chunks.push(chunk.subarray(0, limit - total));
      total += chunk.length;
      if (total >= limit) break;
    }
  } catch {
    // the error text is best effort: the status code is what matters
  }
  if (!body.destroyed) body.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

/** Discards a body we do not need, keeping the connection reusable when it is small. */
export async function discardBody(
  body: Readable & { dump?: (opts?: { limit: number }) => Promise<void> },
): Promise<void> {
  try {
    if (typeof body.dump === 'function') await body.dump({ limit: 256 * 1024 });
    else body.destroy();
  } catch {
    // nothing to do: the body was only being thrown away
  }
}

/** First value of a header that may be repeated. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
