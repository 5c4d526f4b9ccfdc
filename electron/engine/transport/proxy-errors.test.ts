// A proxy that refuses the tunnel is not a cancellation: undici reports it as an abort, which
// read as "cancelled" to a user who cancelled nothing.
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors.ts';
import { mapTransportError } from './errors.ts';

describe('proxy errors', () => {
  it('names the proxy and asks for its credentials on a 407', () => {
    const err = new errors.RequestAbortedError('Proxy response (407) !== 200 when HTTP Tunneling');
    const mapped = mapTransportError(err, { host: 'registry.example:5000' });
    expect(mapped).not.toBeInstanceOf(CancelledError);
    expect(mapped.message).toMatch(/proxy .*407.*authentication/i);
    expect(mapped.message).toContain('registry.example:5000');
  });

  const proxies = [
    { address: 'http://10.0.0.5:3128', hostname: '10.0.0.5', port: 3128, variable: 'HTTPS_PROXY' },
  ];
  const refused = (address: string, port: number) =>
    Object.assign(new Error(`connect ECONNREFUSED ${address}:${port}`), {
      code: 'ECONNREFUSED',
      address,
      port,
    });

  it('blames a dead proxy on the proxy, naming it and the fix', () => {
    const mapped = mapTransportError(refused('10.0.0.5', 3128), { host: 'registry.example:5000', proxies });
    expect(mapped.message).toBe(
      'the proxy http://10.0.0.5:3128 (HTTPS_PROXY) refused the connection: nothing is listening there, so registry registry.example:5000 cannot be reached: start the proxy, fix HTTPS_PROXY, or add registry.example to NO_PROXY',
    );
    expect(mapped.details).toMatchObject({ proxy: 'http://10.0.0.5:3128' });
  });

  it('still blames the registry when the refused address is the registry (NO_PROXY)', () => {
    const mapped = mapTransportError(refused('10.0.0.9', 5000), { host: '10.0.0.9:5000', proxies });
    expect(mapped.message).toMatch(/^registry 10\.0\.0\.9:5000 refused the connection/);
  });

  it('still reports a real abort as cancelled', () => {
    const mapped = mapTransportError(new errors.RequestAbortedError(), { host: 'r.example' });
    expect(mapped).toBeInstanceOf(CancelledError);
  });
});
