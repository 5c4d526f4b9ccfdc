// Packaging smoke test: builds the app (scripts/build-app.ts) and runs electron-builder's `dir` target
// for Linux with a stand-in Electron (no Electron binary can be downloaded here; ENVIRONMENT.md), then
// checks what the package holds: the compiled main, preload and renderer in app.asar, no sources, the
// production dependencies only, better-sqlite3 and the worker threads unpacked, the Electron fuses
// flipped, and the command line in resources/cli running on its own files.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMain, buildRenderer } from '../../scripts/build-app.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity,
// only-load-from-asar, browser V8 snapshot, file:// privileges.
const DEFAULT_WIRE = '10110001';

interface Asar {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
}
// @electron/asar comes with electron-builder (app-builder-lib depends on it).
const asar = createRequire(join(root, 'node_modules', 'app-builder-lib', 'package.json'))(
  '@electron/asar',
) as Asar;

let work: string;
let unpacked: string;
let archive: string;
let entries: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ferry-package-'));
  const out = join(root, 'out');
  rmSync(out, { recursive: true, force: true });
  await buildRenderer(join(out, 'renderer'));
  await buildMain(out);

  const dist = join(work, 'electron-dist');
  mkdirSync(dist);
  writeFileSync(
    join(dist, 'electron'),
    `#!/bin/sh\n# stand-in Electron\n${SENTINEL}\x01\x08${DEFAULT_WIRE}\n`,
  );
  chmodSync(join(dist, 'electron'), 0o755);
  const electronVersion = (
    JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  writeFileSync(join(dist, 'version'), electronVersion);

  const output = join(work, 'release');
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  await promisify(execFile)(
    process.execPath,
    [
      cli,
      '--config',
      'build/electron-builder.yml',
      '--linux',
      '--dir',
      `-c.electronDist=${dist}`,
      `-c.directories.output=${output}`,
    ],
    { cwd: root, env: { ...process.env, CI: 'true' }, maxBuffer: 16 << 20 },
  );
  unpacked = join(output, 'linux-unpacked');
  archive = join(unpacked, 'resources', 'app.asar');
  entries = asar.listPackage(archive, { isPack: false }).map((e) => e.replaceAll('\\', '/'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electron-builder package (Linux dir target)', () => {
  it('holds the compiled main process, preload and renderer', () => {
    for (const file of ['/out/main/main.js', '/out/preload/preload.cjs', '/out/renderer/index.html']) {
      expect(entries, file).toContain(file);
    }
    expect(entries.some((e) => /^\/out\/renderer\/assets\/index-[\w-]+\.js$/.test(e))).toBe(true);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as {
      main: string;
      type: string;
    };
    expect(pkg.main).toBe('out/main/main.js');
    expect(pkg.type).toBe('module');
    const main = asar.extractFile(archive, 'out/main/main.js').toString();
    expect(main).toMatch(/from "electron"/);
    // Worker threads start compiled files that are in the package, never a .ts, and outside the asar.
    const workers = [
      ...main.matchAll(
        /new URL\(String\("\.\/workers\/([\w-]+\.mjs)"\), import\.meta\.url\.replace\("\/app\.asar\/", "\/app\.asar\.unpacked\/"\)\)/g,
      ),
    ].map((m) => m[1]);
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) {
      expect(entries).toContain(`/out/main/workers/${w}`);
      expect(
        existsSync(join(unpacked, 'resources', 'app.asar.unpacked', 'out', 'main', 'workers', w!)),
        w,
      ).toBe(true);
    }
    expect(main).not.toMatch(/new URL\(["'][^"']+\.ts["']/);
    expect(asar.extractFile(archive, 'out/preload/preload.cjs').toString()).toMatch(
      /^let electron = require\("electron"\);/,
    );
    expect(asar.extractFile(archive, 'out/renderer/index.html').toString()).toContain(
      `http-equiv="Content-Security-Policy"`,
    );
  });

  it('holds no sources, tests or development tools', () => {
    const own = entries.filter((e) => !e.startsWith('/node_modules/'));
    expect(own.filter((e) => /\.(ts|tsx|map)$/.test(e))).toEqual([]);
    for (const folder of ['/electron', '/renderer', '/shared', '/test', '/scripts', '/build', '/docs']) {
      expect(
        own.some((e) => e === folder || e.startsWith(`${folder}/`)),
        folder,
      ).toBe(false);
    }
    const modules = new Set(
      entries.map((e) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(e)?.[1]).filter(Boolean),
    );
    for (const dep of ['better-sqlite3', 'undici', 'yaml', 'tar-stream', 'semver', 'p-limit'])
      expect(modules.has(dep), dep).toBe(true);
    for (const dev of [
      'electron',
      'vite',
      'react',
      'react-dom',
      'playwright-core',
      'vitest',
      'typescript',
      'electron-builder',
    ]) {
      expect(modules.has(dev), dev).toBe(false);
    }
  });

  it('unpacks better-sqlite3 (native code cannot load from an asar) with its N-API prebuild', () => {
    const prebuild = join(
      unpacked,
      'resources',
      'app.asar.unpacked',
      'node_modules',
      'better-sqlite3',
      'prebuilds',
      'linux-x64.node',
    );
    expect(existsSync(prebuild)).toBe(true);
    // npmRebuild is off: the package carries the very prebuild npm installed, not a failed rebuild.
    const original = join(root, 'node_modules', 'better-sqlite3', 'prebuilds', 'linux-x64.node');
    expect(readFileSync(prebuild).equals(readFileSync(original))).toBe(true);
    expect(entries.some((e) => e.endsWith('.node') && !e.includes('better-sqlite3'))).toBe(false);
  });

  it('starts the hashing worker from app.asar.unpacked, importing nothing that stays in the asar', async () => {
    const worker = join(
      unpacked,
      'resources',
      'app.asar.unpacked',
      'out',
      'main',
      'workers',
      'file-hash-worker.mjs',
    );
    const imports = [...readFileSync(worker, 'utf8').matchAll(/^import .* from "([^"]+)";$/gm)].map(
      (m) => m[1],
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !i!.startsWith('node:'))).toEqual([]);
    const file = join(work, 'sample.bin');
    writeFileSync(file, 'a chunk to hash\n'.repeat(1000));
    const thread = new Worker(worker);
    try {
      const reply = await new Promise<{ session: number; sha256?: string; error?: string }>(
        (resolve, reject) => {
          thread.once('message', resolve);
          thread.once('error', reject);
          thread.postMessage({ kind: 'begin', session: 7, file, gost: false });
          thread.postMessage({ kind: 'advance', session: 7, to: 100 });
          thread.postMessage({ kind: 'digest', session: 7 });
        },
      );
      expect(reply).toEqual({
        session: 7,
        sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      });
    } finally {
      await thread.terminate();
    }
  });

  it('carries the command line in resources/cli, running on its own Node with no other files', async () => {
    const cli = join(unpacked, 'resources', 'cli');
    const dist = JSON.parse(readFileSync(join(cli, 'ferry-dist.json'), 'utf8')) as {
      platform: string;
      version: string;
    };
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(dist).toMatchObject({ platform: 'linux-x64', version });
    const home = mkdtempSync(join(work, 'home-'));
    const { stdout } = await promisify(execFile)(join(cli, 'ferry'), ['--version'], {
      cwd: home,
      env: { PATH: '/usr/bin:/bin', HOME: home },
    });
    expect(stdout).toBe(`${version}\n`);
    // The deb's scripts put exactly this launcher on PATH (electron-builder installs under /opt/Ferry).
    for (const script of ['after-install.tpl', 'after-remove.tpl']) {
      const text = readFileSync(join(root, 'build', 'linux', script), 'utf8');
      const target = /^FERRY_CLI='\/opt\/\$\{sanitizedProductName\}\/(.+)'$/m.exec(text)?.[1];
      expect(target, script).toBe('resources/cli/ferry');
      expect(existsSync(join(unpacked, target!))).toBe(true);
    }
  });

  it('flips the fuses: no RunAsNode, no NODE_OPTIONS, no --inspect; only the asar; no file:// privileges', () => {
    const binary = readFileSync(join(unpacked, 'ferry'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length;
    const wire = binary.subarray(at + 2, at + 2 + binary[at + 1]!).toString('latin1');
    const [runAsNode, cookies, nodeOptions, inspect, integrity, onlyAsar, , fileProtocol] = wire;
    expect({ runAsNode, nodeOptions, inspect, fileProtocol }).toEqual({
      runAsNode: '0',
      nodeOptions: '0',
      inspect: '0',
      fileProtocol: '0',
    });
    expect({ cookies, integrity, onlyAsar }).toEqual({ cookies: '1', integrity: '1', onlyAsar: '1' });
  });
});
