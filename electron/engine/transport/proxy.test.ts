// Proxies from the environment, through a real forward proxy on 127.0.0.1 that sends every request
// it is asked for (whatever the host name) to the fault server.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../../../test/harness/fault-server.ts';
import { freePort } from '../../../test/harness/registry.ts';
import { UnreachableError } from '../errors.ts';
import { proxySettings } from './proxy.ts';
import { createTransport } from './transport.ts';

let registry: FaultServer;
let proxy: Server;
let proxyUrl: string;
const proxied: string[] = [];

beforeAll(async () => {
  registry = await startFaultServer({ auth: 'none' });
  const port = Number(registry.host.split(':')[1]);
  proxy = createServer((req, res) => {
    proxied.push(req.url ?? '');
    const target = new URL(req.url ?? '/');
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await registry?.stop();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
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
});
