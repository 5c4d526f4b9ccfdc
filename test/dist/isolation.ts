// Runs commands the way they run on the isolated side of the air gap: in a fresh network namespace
// (`unshare --net`: only a loopback, brought up so a registry started inside is reachable, nothing
// outside is), each command under `env -i` with PATH=/usr/bin:/bin and an empty HOME, from an empty
// folder. Optionally a docker-registry is started inside the same namespace first.
//
// The namespace is also a PID namespace whose init is the script: if the test dies, the kernel kills
// everything started inside, the registry included.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../harness/registry.ts';

export interface IsolatedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Isolation {
  /** The empty HOME every command gets. */
  home: string;
  /** The storage root of the registry started inside, when asked for. */
  registryData: string;
}

export const ISOLATED_REGISTRY_PORT = 5000;

/** The tools this needs, or an Error naming the Debian package to install. */
export function requireIsolationTools(): void {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root: run the tests as root');
  requireTool('unshare', 'util-linux');
  requireTool('ip', 'iproute2');
  requireTool('bash', 'bash');
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs each of `commands` (argv arrays) in order in one isolated namespace; returns one result per
 * command. With `registry`, a docker-registry listens on 127.0.0.1:5000 inside for all of them;
 * `cwd` replaces the empty folder they start in.
 */
export async function runIsolated(
  work: string,
  commands: string[][],
  options: { registry?: boolean; cwd?: string } = {},
): Promise<IsolatedRun[] & Isolation> {
  requireIsolationTools();
  const dir = mkdtempSync(join(work, 'isolated-'));
  const home = join(dir, 'home');
  const cwd = join(dir, 'cwd');
  const results = join(dir, 'results');
  const registryData = join(dir, 'registry');
  for (const d of [home, cwd, results, registryData]) mkdirSync(d);

  const lines = ['set -u', 'ip link set lo up'];
  if (options.registry) {
    const registry = requireTool('docker-registry', 'docker-registry');
    const config = join(dir, 'registry.yml');
    // JSON is YAML; only loopback, storage in the test's folder.
    writeFileSync(
      config,
      JSON.stringify({
        version: 0.1,
        log: { level: 'warn', accesslog: { disabled: true } },
        storage: { filesystem: { rootdirectory: registryData }, delete: { enabled: true } },
        http: { addr: `127.0.0.1:${ISOLATED_REGISTRY_PORT}` },
      }),
    );
    lines.push(
      `${quote(registry)} serve ${quote(config)} >${quote(join(dir, 'registry.log'))} 2>&1 &`,
      'registry=$!',
      'trap \'kill "$registry" 2>/dev/null; wait "$registry" 2>/dev/null\' EXIT',
      `for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/${ISOLATED_REGISTRY_PORT}) 2>/dev/null && break; sleep 0.05; done`,
    );
  }
  lines.push(`cd ${quote(options.cwd ?? cwd)}`);
  commands.forEach((argv, i) => {
    const out = join(results, String(i));
    lines.push(
      `env -i PATH=/usr/bin:/bin HOME=${quote(home)} ${argv.map(quote).join(' ')} >${quote(`${out}.out`)} 2>${quote(`${out}.err`)}`,
      `echo $? >${quote(`${out}.code`)}`,
    );
  });
  const script = join(dir, 'run.sh');
  writeFileSync(script, `${lines.join('\n')}\n`);
  await promisify(execFile)('unshare', ['--net', '--pid', '--fork', '--kill-child', 'bash', script], {
    env: { PATH: '/usr/bin:/bin' },
    timeout: 120_000,
  });
  const runs = commands.map((_, i) => {
    const read = (ext: string) => readFileSync(join(results, `${i}.${ext}`), 'utf8');
    return { code: Number(read('code').trim()), stdout: read('out'), stderr: read('err') };
  });
  return Object.assign(runs, { home, registryData });
}
