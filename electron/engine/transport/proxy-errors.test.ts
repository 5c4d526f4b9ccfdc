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

  it('still reports a real abort as cancelled', () => {
    const mapped = mapTransportError(new errors.RequestAbortedError(), { host: 'r.example' });
    expect(mapped).toBeInstanceOf(CancelledError);
  });
});
