// A WAN simulator for the benchmarks, and for tests that need a link slow enough to act on mid-copy:
// a TCP proxy on 127.0.0.1 in front of a loopback registry that adds a round-trip time and caps
// bandwidth, because this machine's kernel has no netem.
//
// - Latency: every byte is delivered half an RTT after it was sent, in each direction, and a new
//   connection carries nothing before one RTT has passed (the TCP handshake).
// - Bandwidth: one link per direction shared by every connection: bytes leave in arrival order at
//   the link's rate (a FIFO, as on a bottleneck router), so parallel connections share the cap.
// - Window: each connection holds at most WINDOW bytes in flight per direction; beyond that its
//   source socket is paused, as a TCP sender stops at its window. The window covers the
//   bandwidth-delay product of the scenarios used here (400 Mbit/s × 50 ms = 2.5 MB).
// - Counting: requests are parsed out of the plain-HTTP stream (request line, headers, bodies by
//   Content-Length or chunked) and paired with the status of their response, so a benchmark can say
//   how many requests of each kind a tool made.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface WanLink {
  /** Round-trip time added to every exchange, in milliseconds. */
  rttMs: number;
  /** Bandwidth of each direction, in megabits per second (shared by all connections). */
  mbitPerSecond: number;
}

const WINDOW = 4 << 20;
/** Larger writes are cut into pieces of this size so the link is paced smoothly. */
const PIECE = 64 << 10;

/** One direction of the link: a FIFO that lets bytes out at its rate. */
class Pipe {
  #freeAt = 0;
  readonly #bytesPerMs: number;
  readonly #delayMs: number;

  constructor(link: WanLink) {
    this.#bytesPerMs = (link.mbitPerSecond * 1e6) / 8 / 1000;
    this.#delayMs = link.rttMs / 2;
  }

  /** When `bytes` sent now (not before `notBefore`) reach the far end. */
  schedule(bytes: number, notBefore: number): number {
    const now = Math.max(performance.now(), notBefore);
    this.#freeAt = Math.max(this.#freeAt, now) + bytes / this.#bytesPerMs;
    return this.#freeAt + this.#delayMs;
  }
}

/** Forwards `from` to `to` through a pipe, pausing `from` while its bytes in flight exceed WINDOW. */
function forward(from: Socket, to: Socket, pipe: Pipe, openAt: number, onBytes: (b: Buffer) => void): void {
  let inFlight = 0;
  let ended = false;
  // One queue and one timer per direction of a connection: separate timers may fire out of order
  // within a millisecond, and bytes of one TCP stream must never overtake each other.
  const queue: Array<{ at: number; run: () => void }> = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now + 0.5) queue.shift()!.run();
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0]!.at - now));
  };
  const deliver = (at: number, run: () => void): void => {
    const last = queue[queue.length - 1]?.at ?? 0;
    queue.push({ at: Math.max(at, last), run });
    timer ??= setTimeout(drain, Math.max(0, queue[0]!.at - performance.now()));
  };
  // The receiver's own backlog counts too: a slow reader (a peer writing to a busy disk) slows
  // its sender instead of filling this process's memory.
  const backlog = (): number => inFlight + to.writableLength;
  const maybeResume = (): void => {
    if (backlog() <= WINDOW && from.isPaused() && !ended) from.resume();
  };
  to.on('drain', maybeResume);
  from.on('data', (data: Buffer) => {
    onBytes(data);
    for (let i = 0; i < data.length; i += PIECE) {
      const piece = data.subarray(i, i + PIECE);
      inFlight += piece.length;
      deliver(pipe.schedule(piece.length, openAt), () => {
        inFlight -= piece.length;
        if (!to.destroyed) to.write(piece);
        maybeResume();
      });
    }
    if (backlog() > WINDOW) from.pause();
  });
  from.on('end', () => {
    ended = true;
    // end() sends what is still buffered first, then the FIN.
    deliver(pipe.schedule(0, openAt), () => to.end());
  });
  // A side that breaks off (reset, error) breaks off the other after the bytes already on the wire.
  from.on('close', () => {
    if (!ended) deliver(pipe.schedule(0, openAt), () => to.destroy());
  });
}

/** Counts HTTP/1.1 messages in one direction of a connection (plain HTTP only). */
class HttpCounter {
  #buf: Buffer = Buffer.alloc(0);
  /** Body bytes still to skip, or 'chunked' while inside a chunked body. */
  #body: number | 'chunked' = 0;
  #broken = false;
  readonly #onMessage: (startLine: string, headers: Map<string, string>) => boolean;

  /** `onMessage` returns whether the message has a body (a response to HEAD has none). */
  constructor(onMessage: (startLine: string, headers: Map<string, string>) => boolean) {
    this.#onMessage = onMessage;
  }

  push(data: Buffer): void {
    if (this.#broken) return;
    this.#buf = this.#buf.length === 0 ? data : Buffer.concat([this.#buf, data]);
    for (;;) {
      if (typeof this.#body === 'number' && this.#body > 0) {
        const n = Math.min(this.#body, this.#buf.length);
        this.#body -= n;
        this.#buf = this.#buf.subarray(n);
        if (this.#body > 0) return;
        continue;
      }
      if (this.#body === 'chunked') {
        const eol = this.#buf.indexOf('\r\n');
        if (eol < 0) return;
        const size = parseInt(this.#buf.subarray(0, eol).toString('latin1'), 16);
        if (!Number.isFinite(size)) return this.#stop();
        if (size === 0) {
          // The last chunk, then (no trailers from registries) the closing CRLF.
          if (this.#buf.length < eol + 4) return;
          this.#buf = this.#buf.subarray(eol + 4);
          this.#body = 0;
          continue;
        }
        if (this.#buf.length < eol + 2 + size + 2) return;
        this.#buf = this.#buf.subarray(eol + 2 + size + 2);
        continue;
      }
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = this.#buf.subarray(0, end).toString('latin1').split('\r\n');
      this.#buf = this.#buf.subarray(end + 4);
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const hasBody = this.#onMessage(lines[0] ?? '', headers);
      if (!hasBody) continue;
      if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) this.#body = 'chunked';
      else this.#body = Number(headers.get('content-length') ?? 0) || 0;
    }
  }

  #stop(): void {
    this.#broken = true;
  }
}

/** What a request was for, from its method and path: "GET blob", "HEAD manifest (cosign tag)". */
export function requestKind(method: string, path: string): string {
  const p = path.split('?')[0] ?? '';
  if (p === '/v2/' || p === '/v2') return `${method} /v2/`;
  if (p.includes('/blobs/uploads')) return `${method} upload`;
  if (p.includes('/blobs/')) return `${method} blob`;
  if (p.endsWith('/tags/list')) return `${method} tags list`;
  if (p.includes('/referrers/')) return `${method} referrers`;
  const m = /\/manifests\/([^/]+)$/.exec(p);
  if (m) {
    const ref = m[1]!;
    const what = ref.startsWith('sha256:')
      ? 'by digest'
      : /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.test(ref)
        ? 'cosign tag'
        : /^sha256-[0-9a-f]{64}$/.test(ref)
          ? 'referrers fallback tag'
          : 'by tag';
    return `${method} manifest ${what}`;
  }
  return `${method} other`;
}

export class WanProxy {
  readonly #server: Server;
  readonly #link: WanLink;
  readonly #upstream: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #up!: Pipe;
  #down!: Pipe;
  /** "GET blob 200" → count. */
  readonly requests = new Map<string, number>();
  connections = 0;
  port = 0;

  constructor(upstream: string, link: WanLink) {
    const [host, port] = upstream.split(':');
    this.#upstream = { host: host ?? '127.0.0.1', port: Number(port) };
    this.#link = link;
    this.reset();
    this.#server = createServer((client) => this.#accept(client));
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Forgets counts and the link's queue (between runs). */
  reset(): void {
    this.#up = new Pipe(this.#link);
    this.#down = new Pipe(this.#link);
    this.requests.clear();
    this.connections = 0;
  }

  /** Requests counted since the last reset. */
  totalRequests(): number {
    return [...this.requests.values()].reduce((a, b) => a + b, 0);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    this.port = address.port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.connections++;
    // Nothing travels before the handshake's round trip.
    const openAt = performance.now() + this.#link.rttMs;
    const server = connect(this.#upstream.port, this.#upstream.host);
    for (const s of [client, server]) {
      s.setNoDelay(true);
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        server.destroy();
      });
    }
    const pending: string[] = [];
    const requests = new HttpCounter((line) => {
      const [method = '?', path = '?'] = line.split(' ');
      pending.push(`${method} ${path}`);
      return true;
    });
    const responses = new HttpCounter((line) => {
      const status = line.split(' ')[1] ?? '?';
      // 1xx (100 Continue) is not the final answer to a request.
      if (status.startsWith('1')) return false;
      const [method = '?', path = '?'] = (pending.shift() ?? '? ?').split(' ');
      const key = `${requestKind(method, path)} ${status}`;
      this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
      return method !== 'HEAD' && status !== '204' && status !== '304';
    });
    forward(client, server, this.#up, openAt, (b) => requests.push(b));
    forward(server, client, this.#down, openAt, (b) => responses.push(b));
  }
}

/** The counted requests as one line per kind, most frequent first. */
export function formatRequests(requests: Map<string, number>): string[] {
  return [...requests].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${n} × ${k}`);
}
