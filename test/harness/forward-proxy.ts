// A forward proxy on 127.0.0.1 for tests: it takes plain-HTTP requests in absolute form and CONNECT
// tunnels (what undici's proxy agent sends for http:// and https:// registries) and sends every one
// to `upstream`, whatever host name the client asked for. A registry named `registry.test:PORT` is
// then reachable only through the proxy (the name resolves nowhere), so a test proves the proxy
// was used; stopping the proxy leaves a dead proxy address in HTTPS_PROXY/HTTP_PROXY.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  /** What the proxy was asked for: absolute URLs, or `CONNECT host:port`. */
  requests: string[];
  stop(): Promise<void>;
}

export async function startForwardProxy(upstream: { host: string; port: number }): Promise<ForwardProxy> {
  const requests: string[] = [];
  const tunnels = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('a proxy takes absolute URLs');
      return;
    }
    const out = httpRequest(
      {
        host: upstream.host,
        port: upstream.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url ?? ''}`);
    const out = connect(upstream.port, upstream.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) out.write(head);
      out.pipe(client);
      client.pipe(out);
    });
    tunnels.add(client).add(out);
    const close = () => {
      client.destroy();
      out.destroy();
      tunnels.delete(client);
      tunnels.delete(out);
    };
    out.on('error', close).on('close', close);
    client.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: async () => {
      for (const s of tunnels) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
