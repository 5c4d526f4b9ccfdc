// The test bridge: a small HTTP server on 127.0.0.1 that serves the built renderer and answers the
// same IPC contract over fetch and server-sent events, with the SAME handler and dispatcher functions
// the Electron main process registers (electron/main/ipc). Only the transport differs: HTTP here,
// ipcMain there. Dialogs answer from the test; safeStorage is a stand-in (see fake-safe-storage.ts).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ChooseRequest, Drive } from '../../shared/dto.ts';
import type { EventChannel, EventOf } from '../../shared/ipc.ts';
import { Station } from '../../electron/engine/ledger/station.ts';
import { ferryVersion } from '../../electron/engine/version.ts';
import { CredentialStore, type SafeStorageLike } from '../../electron/main/credentials/credential-store.ts';
import { createDispatcher } from '../../electron/main/ipc/dispatcher.ts';
import { createHandlers, type Shell } from '../../electron/main/ipc/handlers.ts';
import { JobJournal } from '../../electron/main/jobs/job-journal.ts';
import { JobRunner } from '../../electron/main/jobs/job-runner.ts';
import { createDriveLister } from '../../electron/engine/media/drives.ts';
import type { LinuxRoots } from '../../electron/engine/media/linux-drives.ts';
import { contentType, rendererFile } from '../../electron/main/renderer-files.ts';
import { fakeSafeStorage } from './fake-safe-storage.ts';
import { bridgeShim } from './shim.ts';

export interface BridgeOptions {
  rendererDir: string;
  /** The station's data folder (ledger, key, logins). */
  home: string;
  /** Where "Save as…" writes (the test reads the files back). */
  saveDir: string;
  linuxRoots?: LinuxRoots;
  safeStorage?: SafeStorageLike;
  env?: NodeJS.ProcessEnv;
  /** Stands in for the operating system's eject (the fake sticks are plain folders). */
  eject?: (drive: Drive) => Promise<void>;
  /** Stands in for Electron's printToPDF (the bytes it returns are saved as the PDF). */
  printToPdf?: (html: string) => Promise<Buffer>;
}

export interface Bridge {
  url: string;
  /** The script that gives the page its window.ferry. */
  shim: string;
  jobs: JobRunner;
  /** The interrupted jobs' journal in the station's data folder, as main keeps it. */
  journal: JobJournal;
  credentials: CredentialStore;
  /** What the next "Browse…" answers (null: the person cancelled). */
  choices: Array<string | null>;
  /** Every dialog the page opened. */
  dialogs: ChooseRequest[];
  stop(): Promise<void>;
}

async function body(req: IncomingMessage, limit = 64 << 20): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(16).toString('hex');
  const streams = new Set<ServerResponse>();
  const send = <E extends EventChannel>(channel: E, payload: EventOf<E>) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const s of streams) s.write(frame);
  };
  const env = options.env ?? {
    HOME: process.env.HOME,
    PATH: process.env.PATH,
    DOCKER_CONFIG: '/nonexistent-ferry-test',
  };
  const station = new Station({ home: options.home, operator: 'e2e-operator' });
  const credentials = new CredentialStore(
    join(options.home, 'logins.json'),
    options.safeStorage ?? fakeSafeStorage(),
  );
  const journal = new JobJournal(options.home);
  const jobs = new JobRunner({
    event: (jobId, event) => send('job:event', { jobId, event }),
    state: (message) => send('job:state', message),
    changed: (list) => journal.record(list),
  });
  const choices: Array<string | null> = [];
  const dialogs: ChooseRequest[] = [];
  const shell: Shell = {
    choose: async (request) => {
      dialogs.push(request);
      return choices.length ? (choices.shift() ?? null) : null;
    },
    saveAs: async (_title, suggestedName) => join(options.saveDir, suggestedName),
    ...(options.printToPdf ? { printToPdf: options.printToPdf } : {}),
  };
  const dispatch = createDispatcher(
    createHandlers({
      station,
      credentials,
      jobs,
      journal,
      listDrives: createDriveLister({
        platform: 'linux',
        ...(options.linuxRoots ? { linuxRoots: options.linuxRoots } : {}),
      }),
      ...(options.eject ? { eject: options.eject } : {}),
      shell,
      env,
      platform: 'linux',
      version: ferryVersion,
    }),
    (line) => console.error(`bridge: ${line}`),
  );

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname.startsWith('/ipc/') && req.method === 'POST') {
        if (req.headers['x-ferry-token'] !== token) {
          res.writeHead(403).end();
          return;
        }
        const channel = decodeURIComponent(url.pathname.slice('/ipc/'.length));
        const result = await dispatch(channel, await body(req));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
        return;
      }
      if (url.pathname === '/events') {
        if (url.searchParams.get('token') !== token) {
          res.writeHead(403).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      const file = req.method === 'GET' ? rendererFile(options.rendererDir, url.pathname) : undefined;
      const bytes = file ? await readFile(file).catch(() => undefined) : undefined;
      if (!file || !bytes) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': contentType(file), 'cache-control': 'no-store' }).end(bytes);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    shim: bridgeShim(token),
    jobs,
    journal,
    credentials,
    choices,
    dialogs,
    async stop() {
      await jobs.cancelAll();
      await journal.flushed();
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
