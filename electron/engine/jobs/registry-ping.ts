// "Is the registry there?": one GET of its /v2/ endpoint, no retries and a short timeout, so an
// answer comes in seconds. Throws the transport's typed error (unreachable, TLS, auth …); returns the
// base URL it answered on.
import { registryEndpoint } from '../ref/reference.ts';
import { discardBody } from '../transport/body.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';

export async function pingRegistry(registry: string, options: TransportOptions): Promise<string> {
  const endpoint = registryEndpoint(registry);
  const transport = createTransport({ ...options, retries: 0, timeoutMs: 15_000 });
  try {
    const res = await transport.request(endpoint, { method: 'GET', path: '/v2/' });
    await discardBody(res.body);
    return transport.baseUrl(endpoint);
  } finally {
    await transport.close();
  }
}
