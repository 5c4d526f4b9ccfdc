// Proxies from the environment, through a real forward proxy on 127.0.0.1 that sends every request
// it is asked for (whatever the host name) to the fault server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../../../test/harness/fault-server.ts';
import { startForwardProxy, type ForwardProxy } from '../../../test/harness/forward-proxy.ts';
import { freePort } from '../../../test/harness/registry.ts';
import { UnreachableError } from '../errors.ts';
import { proxyEndpoints, proxySettings } from './proxy.ts';
import { createTransport } from './transport.ts';

let registry: FaultServer;
let proxy: ForwardProxy;
let proxyUrl: string;
let proxied: string[];

beforeAll(async () => {
  registry = await startFaultServer({ auth: 'none' });
  proxy = await startForwardProxy({ host: '127.0.0.1', port: Number(registry.host.split(':')[1]) });
  proxyUrl = proxy.url;
  proxied = proxy.requests;
});

afterAll(async () => {
  await registry?.stop();
  await proxy?.stop();
});

async function ping(host: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  const transport = createTransport({ insecure: true, env, retries: 0 });
  try {
    const res = await transport.request(host, { method: 'GET', path: '/v2/' });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return err;
  } finally {
    await transport.close();
  }
}

describe('proxies from the environment', () => {
  const port = (): string => registry.host.split(':')[1] ?? '';

  it('sends registry traffic through HTTP_PROXY', async () => {
    proxied.length = 0;
    expect(await ping(`registry.test:${port()}`, { HTTP_PROXY: proxyUrl })).toBe(200);
    expect(proxied).toEqual([`http://registry.test:${port()}/v2/`]);
  });

  it('prefers lowercase http_proxy and skips hosts listed in NO_PROXY', async () => {
    proxied.length = 0;
    const dead = `http://127.0.0.1:${await freePort()}`;
    expect(await ping(`registry.test:${port()}`, { http_proxy: proxyUrl, HTTP_PROXY: dead })).toBe(200);
    expect(proxied).toHaveLength(1);
    const bypassed = await ping(`registry.test:${port()}`, { HTTP_PROXY: proxyUrl, NO_PROXY: '.test' });
    expect(bypassed).toBeInstanceOf(UnreachableError);
    expect((bypassed as Error).message).toContain('unknown host registry.test');
    expect(proxied).toHaveLength(1);
  });

  it('never proxies loopback, even with a proxy that is down', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    expect(await ping(registry.host, { HTTP_PROXY: dead, HTTPS_PROXY: dead })).toBe(200);
    expect(await ping(`localhost:${port()}`, { HTTP_PROXY: dead })).toBe(200);
  });

  it('reads settings: HTTPS_PROXY defaults to HTTP_PROXY, loopback is always in NO_PROXY', () => {
    expect(proxySettings({})).toBeUndefined();
    expect(proxySettings({ HTTP_PROXY: 'http://p:3128', no_proxy: 'corp.example' })).toEqual({
      httpProxy: 'http://p:3128',
      httpsProxy: 'http://p:3128',
      noProxy: 'corp.example,localhost,127.0.0.1,::1',
    });
  });

  it('names each proxy by its address without credentials, and the variable that set it', () => {
    expect(
      proxyEndpoints({ https_proxy: 'http://u:secret@proxy.corp:3128', HTTP_PROXY: 'https://[::1]' }),
    ).toEqual([
      { address: 'http://proxy.corp:3128', hostname: 'proxy.corp', port: 3128, variable: 'https_proxy' },
      { address: 'https://[::1]', hostname: '::1', port: 443, variable: 'HTTP_PROXY' },
    ]);
  });
});
