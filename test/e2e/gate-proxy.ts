// A pass-through HTTP proxy in front of a harness registry that holds blob downloads until the test
// opens the gate: a pull stays mid-copy for as long as a test needs it (pause, cancel, resume).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GateProxy {
  /** '127.0.0.1:PORT' */
  host: string;
  /** Held GETs that arrived while the gate was closed. */
  held: number;
  open(): void;
  close(): void;
  stop(): Promise<void>;
}

/** `holds`: which GETs wait for the gate (default blob downloads; manifests hold a preview). */
export async function startGateProxy(upstream: string, holds = /\/blobs\/sha256:/): Promise<GateProxy> {
  let waiting: Array<() => void> = [];
  let gateOpen = false;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const [hostname, port] = upstream.split(':');
    const out = request(
      {
        hostname,
        port: Number(port),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  };
  const proxy: GateProxy = {
    host: '',
    held: 0,
    open() {
      gateOpen = true;
      for (const go of waiting) go();
      waiting = [];
    },
    close() {
      gateOpen = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    if (gateOpen || req.method !== 'GET' || !holds.test(req.url ?? '')) return forward(req, res);
    proxy.held++;
    waiting.push(() => forward(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
