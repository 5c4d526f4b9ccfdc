// The whole transfer against real registries: pull from a plain-HTTP registry into chunks, verify,
// push into a TLS + htpasswd registry, and compare every digest on the target.
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  readSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { createRegistryClient } from '../harness/registry-client.ts';
import { requireTool, startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let target: RunningRegistry;
let seed: GenericSeed;
let work: string;
const CHUNK = 1024 * 1024;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
  seed = await seedGeneric(source, { layerSize: 256 * 1024, layersPerImage: 2 });
  work = mkdtempSync(join(tmpdir(), 'ferry-it-'));
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const readManifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;

function copyBundle(from: string, to: string) {
  execFileSync('cp', ['-r', from, to]);
  return to;
}

describe('pull → verify → push', () => {
  let bundle: string;

  it('pulls every image with its signature and referrers into chunks of at most the chunk size', async () => {
    bundle = join(work, 'bundle');
    const run = await ferry([
      'pull',
      bundle,
      ...seed.imageRefs.flatMap((r) => ['--image', r]),
      '--insecure',
      '--chunk-size',
      String(CHUNK),
    ]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pulled 4 image\(s\)/);

    const m = readManifest(bundle);
    expect(m.images.map((i) => i.digest).sort()).toEqual(seed.images.map((i) => i.digest).sort());
    const app = m.images.find((i) => i.target.repository === 'vendor/app' && i.target.tag === 'v1.0')!;
    expect(app.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(app.artifacts.map((a) => a.digest)).toContain(seed.signature.digest);
    const app11 = m.images.find((i) => i.target.tag === 'v1.1')!;
    expect(app11.artifacts.map((a) => a.digest)).toContain(seed.referrersIndex.digest);
    expect(app11.contents).toEqual(
      expect.arrayContaining([seed.artifact.digest, ...seed.artifact.layers.map((l) => l.digest)]),
    );

    const files = readdirSync(bundle).filter((n) => n.endsWith('.chunk'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(statSync(join(bundle, f)).size).toBeLessThanOrEqual(CHUNK);
    expect(readdirSync(bundle).filter((n) => n.endsWith('.tmp') || n.startsWith('.ferry'))).toEqual([]);
    // The shared base layer is stored once.
    expect(m.blobs.filter((b) => b.digest === seed.sharedLayer.digest)).toHaveLength(1);
  });

  it('writes standard OCI layouts that skopeo reads once the chunks are joined', async () => {
    requireTool('skopeo', 'skopeo');
    const out = join(work, 'joined');
    execFileSync('mkdir', ['-p', out]);
    const chunks = readdirSync(bundle)
      .filter((n) => n.endsWith('.chunk'))
      .sort();
    writeFileSync(join(work, 'joined.tar'), Buffer.concat(chunks.map((c) => readFileSync(join(bundle, c)))));
    execFileSync('tar', ['-xf', join(work, 'joined.tar'), '-C', out]);
    const raw = execFileSync('skopeo', ['inspect', '--raw', `oci:${out}:${seed.imageRefs[0]}`]);
    expect(`sha256:${(await import('node:crypto')).createHash('sha256').update(raw).digest('hex')}`).toBe(
      seed.appIndex.digest,
    );
  });

  it('verifies the bundle and inspect shows it', async () => {
    const run = await ferry(['verify', bundle]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/verified/);
    const inspect = await ferry(['inspect', bundle]);
    expect(inspect.stdout).toContain(seed.appIndex.digest);
    expect(inspect.stdout).toContain('images.tar.0000.chunk');
  });

  it('pushes into a TLS + auth registry with every digest unchanged and no password in the output', async () => {
    const run = await ferry(
      ['push', bundle, `${target.host}/mirror`, '-u', target.username!, '-p', target.password!],
      {
        SSL_CERT_FILE: target.caFile!,
      },
    );
    expect(run.stderr + run.stdout).not.toContain(target.password!);
    expect(run.code).toBe(0);
    const client = createRegistryClient(target);
    try {
      for (const img of seed.images) {
        const got = await client.getManifest(`mirror/${img.repository}`, img.tags[0]!);
        expect(got.digest).toBe(img.digest);
      }
      expect(
        (await client.headManifest('mirror/vendor/app', `sha256-${seed.appIndex.digest.slice(7)}.sig`))
          ?.digest,
      ).toBe(seed.signature.digest);
      expect(
        (await client.headManifest('mirror/vendor/app', `sha256-${seed.app.digest.slice(7)}`))?.digest,
      ).toBe(seed.referrersIndex.digest);
      expect((await client.catalog()).every((r) => r.startsWith('mirror/'))).toBe(true);
    } finally {
      await client.close();
    }
    // A rerun finds everything already there.
    const again = await ferry(
      ['push', bundle, `${target.host}/mirror`, '-u', target.username!, '-p', target.password!],
      {
        SSL_CERT_FILE: target.caFile!,
      },
    );
    expect(again.code).toBe(0);
  });

  it('locates a flipped byte: the chunk, the range and the images; push refuses only those images', async () => {
    const damaged = copyBundle(bundle, join(work, 'damaged'));
    const m = readManifest(damaged);
    const blob = m.blobs.find((b) => b.digest === seed.tool.layers[1]!.digest)!;
    const part = m.archives[0]!.parts.find((p) => p.start <= blob.offset && blob.offset < p.start + p.size)!;
    const fd = openSync(join(damaged, part.file), 'r+');
    const at = blob.offset - part.start;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, at);
    closeSync(fd);

    const run = await ferry(['verify', damaged]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(part.file);
    expect(run.stdout).toContain(seed.tool.layers[1]!.digest);
    expect(run.stdout).toMatch(/images affected: .*vendor\/tool:2\.0/);
    expect(run.stdout).not.toMatch(/images affected: .*vendor\/app:v1\.0/);

    const pushed = await ferry(
      ['push', damaged, `${target.host}/damaged`, '-u', target.username!, '-p', target.password!],
      {
        SSL_CERT_FILE: target.caFile!,
      },
    );
    expect(pushed.code).toBe(3);
    expect(pushed.stdout).toMatch(/✗ .*vendor\/tool:2\.0/);
    const client = createRegistryClient(target);
    try {
      expect(await client.headManifest('damaged/vendor/tool', '2.0')).toBeUndefined();
      expect((await client.headManifest('damaged/vendor/app', 'v1.0'))?.digest).toBe(seed.appIndex.digest);
    } finally {
      await client.close();
    }
  });

  it('--deep re-hashes every blob: it catches a blob whose chunk checksum was rewritten to match', async () => {
    const forged = copyBundle(bundle, join(work, 'forged'));
    const m = readManifest(forged);
    const blob = m.blobs.find((b) => b.digest === seed.base.layers[1]!.digest)!;
    const part = m.archives[0]!.parts.find((p) => p.start <= blob.offset && blob.offset < p.start + p.size)!;
    const path = join(forged, part.file);
    const bytes = readFileSync(path);
    const at = blob.offset - part.start;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(path, bytes);
    part.sha256 = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(forged, 'ferry-manifest.json'), JSON.stringify(m));
    rmSync(join(forged, 'ferry-manifest.sig.json'), { force: true });

    expect((await ferry(['verify', forged])).code).toBe(0);
    const deep = await ferry(['verify', forged, '--deep']);
    expect(deep.code).toBe(3);
    expect(deep.stdout).toContain(seed.base.layers[1]!.digest);
  });

  it('names a missing chunk', async () => {
    const gap = copyBundle(bundle, join(work, 'gap'));
    rmSync(join(gap, 'images.tar.0002.chunk'));
    const run = await ferry(['verify', gap]);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/images\.tar\.0002\.chunk is missing/);
  });

  it('checks every chunk present though one is missing: a damaged one is named in the same pass', async () => {
    const both = copyBundle(bundle, join(work, 'gap-and-damage'));
    rmSync(join(both, 'images.tar.0002.chunk'));
    const damaged = join(both, 'images.tar.0000.chunk');
    const bytes = readFileSync(damaged);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(damaged, bytes);
    const run = await ferry(['verify', both]);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/images\.tar\.0002\.chunk is missing/);
    expect(run.stdout).toMatch(/images\.tar\.0000\.chunk is damaged/);
  });
});
