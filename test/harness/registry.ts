// Starts a real CNCF distribution registry (Debian's `docker-registry`) on 127.0.0.1 for tests and
// benchmarks: plain HTTP, TLS with a CA generated for this run, or TLS plus htpasswd Basic auth.
// Every registry is tracked so it dies with the process, even when a test fails or the worker is
// killed: in-process 'exit'/signal handlers, plus pid files that the vitest global teardown sweeps.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Agent, request } from 'undici';

export type RegistryVariant = 'http' | 'tls' | 'tls-auth';

export interface RunningRegistry {
  variant: RegistryVariant;
  /** '127.0.0.1:PORT' — the registry part of image references. */
  host: string;
  /** 'http://127.0.0.1:PORT' or 'https://127.0.0.1:PORT'. */
  url: string;
  /** Path of the PEM of the CA generated for this run (tls variants). */
  caFile?: string;
  caPem?: string;
  /** Basic-auth credentials (tls-auth variant). */
  username?: string;
  password?: string;
  /** Filesystem storage root of the registry. */
  dataDir: string;
  /** Stops the registry and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Fixed port; without it a free port is picked (and re-picked if another process takes it first). */
  port?: number;
}

/** Set by test/harness/global-setup.ts: a directory where each started registry leaves a pid file. */
export const RUN_DIR_ENV = 'FERRY_TEST_REGISTRY_RUN_DIR';

/** What a pid file in the run directory holds, so the global teardown can kill leftovers. */
export interface RegistryPidRecord {
  pid: number;
  configFile: string;
  workDir: string;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const PORT_ATTEMPTS = 5;

/** Absolute path of `binary` on PATH, or an Error that names the Debian package to install. */
export function requireTool(binary: string, aptPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`\`${binary}\` not found: install it with \`apt-get install -y ${aptPackage}\``);
}

interface Tracked {
  child: ChildProcess;
  workDir: string;
  pidFile: string | undefined;
}

const tracked = new Set<Tracked>();
let handlersInstalled = false;

/** Synchronous last-resort cleanup: runs on 'exit', where nothing asynchronous can happen. */
function killAllNow(): void {
  for (const entry of tracked) {
    try {
      entry.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    rmSync(entry.workDir, { recursive: true, force: true });
    if (entry.pidFile !== undefined) rmSync(entry.pidFile, { force: true });
  }
  tracked.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      process.removeListener(signal, onSignal);
      // Keep the default behaviour (die by the signal) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** A port that was free a moment ago (the registry start retries if it is taken meanwhile). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function generateTls(dir: string): { caFile: string; caPem: string; certFile: string; keyFile: string } {
  const openssl = requireTool('openssl', 'openssl');
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  // P-256 keys: generated in milliseconds, unlike RSA.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  const extensions = (...values: string[]): string[] => values.flatMap((value) => ['-addext', value]);
  const run = (args: string[]): void => {
    execFileSync(openssl, ['req', '-x509', ...newKey, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  run([
    ...['-keyout', caKey, '-out', caFile, '-subj', '/CN=Ferry test CA'],
    ...extensions('basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'),
  ]);
  run([
    ...['-CA', caFile, '-CAkey', caKey, '-keyout', keyFile, '-out', certFile, '-subj', '/CN=127.0.0.1'],
    ...extensions(
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ),
  ]);
  return { caFile, caPem: readFileSync(caFile, 'utf8'), certFile, keyFile };
}

interface Prepared {
  workDir: string;
  dataDir: string;
  tls?: { caFile: string; caPem: string; certFile: string; keyFile: string };
  auth?: { username: string; password: string; htpasswdFile: string };
}

function prepare(workDir: string, variant: RegistryVariant): Prepared {
  const dataDir = join(workDir, 'data');
  const prepared: Prepared = { workDir, dataDir };
  if (variant !== 'http') prepared.tls = generateTls(workDir);
  if (variant === 'tls-auth') {
    const htpasswd = requireTool('htpasswd', 'apache2-utils');
    const htpasswdFile = join(workDir, 'htpasswd');
    const username = 'ferry';
    const password = randomBytes(12).toString('hex');
    execFileSync(htpasswd, ['-Bbc', '-C', '4', htpasswdFile, username, password], { stdio: 'ignore' });
    prepared.auth = { username, password, htpasswdFile };
  }
  return prepared;
}

function configFor(prepared: Prepared, port: number): string {
  // JSON is valid YAML, and distribution's loader reads it.
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: prepared.dataDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Content-Type-Options': ['nosniff'] },
      ...(prepared.tls ? { tls: { certificate: prepared.tls.certFile, key: prepared.tls.keyFile } } : {}),
    },
  };
  if (prepared.auth) config.auth = { htpasswd: { realm: 'ferry-test', path: prepared.auth.htpasswdFile } };
  return JSON.stringify(config, null, 2);
}

/** Polls GET /v2/ until the registry answers 200 (open) or 401 (auth), or its process exits. */
async function waitReady(url: string, caPem: string | undefined, exited: Promise<string>): Promise<string> {
  const dispatcher = new Agent({
    connect: caPem === undefined ? { timeout: 1000 } : { ca: caPem, timeout: 1000 },
    headersTimeout: 2000,
    bodyTimeout: 2000,
  });
  // Whatever answers on the port, a request must never outlive the registry process.
  const exitedFirst = exited.then((reason) => ({ exited: reason }));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      const probe = request(`${url}/v2/`, { method: 'GET', dispatcher }).then(
        async (res) => {
          await res.body.dump();
          return { status: res.statusCode };
        },
        () => ({ status: 0 }),
      );
      const outcome = await Promise.race([probe, exitedFirst]);
      if ('exited' in outcome) return outcome.exited;
      if (outcome.status === 200 || outcome.status === 401) return 'ready';
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return `not ready after ${READY_TIMEOUT_MS} ms`;
  } finally {
    await dispatcher.destroy();
  }
}

/** Starts `docker-registry serve` on 127.0.0.1 and resolves once GET /v2/ answers. */
export async function startRegistry(
  variant: RegistryVariant,
  options: StartRegistryOptions = {},
): Promise<RunningRegistry> {
  const binary = requireTool('docker-registry', 'docker-registry');
  installExitHandlers();
  const workDir = await mkdtemp(join(tmpdir(), `ferry-registry-${variant}-`));
  let prepared: Prepared;
  try {
    prepared = prepare(workDir, variant);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const scheme = variant === 'http' ? 'http' : 'https';
  const configFile = join(workDir, 'config.yml');
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  let lastFailure = '';

  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    await writeFile(configFile, configFor(prepared, port));
    // The registry logs to a file, not a pipe: a parent blocked in spawnSync (a CLI run in a test or
    // the demo) would stop draining a pipe, the registry would block writing its log, and hang.
    const logFile = join(workDir, `registry-${attempt}.log`);
    const logFd = openSync(logFile, 'a');
    const child = spawn(binary, ['serve', configFile], { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    // A registry never keeps the process alive on its own: a script that forgets stop() still
    // exits, and the 'exit' handler kills the registry.
    child.unref();
    const readLog = (): string => {
      try {
        return readFileSync(logFile, 'utf8').slice(-8192);
      } catch {
        return '';
      }
    };
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(`exited (${signal ?? `code ${code}`})`));
      child.once('error', (error) => resolve(`failed to start: ${error.message}`));
    });
    const entry: Tracked = { child, workDir, pidFile: undefined };
    tracked.add(entry);
    entry.pidFile = await writePidFile(child, configFile, workDir);

    const url = `${scheme}://127.0.0.1:${port}`;
    const outcome = await waitReady(url, prepared.tls?.caPem, exited);
    if (outcome === 'ready') {
      return makeRunning(variant, port, url, prepared, entry, exited);
    }
    // Failed: make sure it is dead, then retry on another port if the address was taken.
    child.kill('SIGKILL');
    await exited;
    tracked.delete(entry);
    if (entry.pidFile !== undefined) await rm(entry.pidFile, { force: true });
    const output = readLog();
    lastFailure = `${outcome}; last output: ${output.trim() || '(none)'}`;
    if (!/address already in use/i.test(output)) break;
  }
  await rm(workDir, { recursive: true, force: true });
  throw new Error(`docker-registry (${variant}) did not start: ${lastFailure}`);
}

async function writePidFile(
  child: ChildProcess,
  configFile: string,
  workDir: string,
): Promise<string | undefined> {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir === undefined || runDir === '' || child.pid === undefined) return undefined;
  const pidFile = join(runDir, `${child.pid}.json`);
  const record: RegistryPidRecord = { pid: child.pid, configFile, workDir };
  try {
    await writeFile(pidFile, JSON.stringify(record));
    return pidFile;
  } catch {
    return undefined; // the run dir is gone (teardown already ran); in-process handlers still cover us
  }
}

function makeRunning(
  variant: RegistryVariant,
  port: number,
  url: string,
  prepared: Prepared,
  entry: Tracked,
  exited: Promise<string>,
): RunningRegistry {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (entry.child.exitCode === null && entry.child.signalCode === null) {
        entry.child.kill('SIGTERM');
        const timer = setTimeout(() => entry.child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      tracked.delete(entry);
      await rm(prepared.workDir, { recursive: true, force: true });
      if (entry.pidFile !== undefined) await rm(entry.pidFile, { force: true });
    })();
    return stopping;
  };
  const running: RunningRegistry = {
    variant,
    host: `127.0.0.1:${port}`,
    url,
    dataDir: prepared.dataDir,
    stop,
  };
  if (prepared.tls) {
    running.caFile = prepared.tls.caFile;
    running.caPem = prepared.tls.caPem;
  }
  if (prepared.auth) {
    running.username = prepared.auth.username;
    running.password = prepared.auth.password;
  }
  return running;
}

/**
 * Kills registries recorded in `runDir` whose process is still a `docker-registry` serving the
 * recorded config (so a recycled pid is never hit), and removes their temporary directories.
 * Used by the vitest global teardown for workers that died without cleaning up.
 */
export function killRecordedRegistries(runDir: string): number {
  let killed = 0;
  let names: string[];
  try {
    names = readdirSync(runDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(runDir, name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as RegistryPidRecord;
      const cmdline = readCmdline(record.pid);
      if (cmdline.includes('docker-registry') && cmdline.includes(record.configFile)) {
        process.kill(record.pid, 'SIGKILL');
        killed++;
      }
      rmSync(record.workDir, { recursive: true, force: true });
    } catch {
      // unreadable record or process already gone
    }
    rmSync(file, { force: true });
  }
  return killed;
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Creates the per-run pid directory (used by global-setup). */
export function createRunDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-registry-run-'));
  writeFileSync(join(dir, 'README'), 'pid files of docker-registry processes started by Ferry tests\n');
  return dir;
}
