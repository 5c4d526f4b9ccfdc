// `ferry pull --dry-run` against a real registry: what would travel and how many bytes, from the
// manifests alone; nothing written, nothing recorded. Its byte count is what the real pull then carries.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SelectionPreview } from '../../shared/dto.ts';
import type { TransferManifest } from '../../electron/engine/bundle/transfer-manifest.ts';
import { startRegistry, type RunningRegistry } from '../harness/registry.ts';
import { seedGeneric, type GenericSeed } from '../harness/seed-generic.ts';
import { ferry } from '../support/cli.ts';

let source: RunningRegistry;
let seed: GenericSeed;
let work: string;

beforeAll(async () => {
  source = await startRegistry('http');
  seed = await seedGeneric(source);
  work = mkdtempSync(join(tmpdir(), 'ferry-dry-run-'));
});
afterAll(async () => {
  await source?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const images = () => seed.imageRefs.flatMap((r) => ['--image', r]);

describe('ferry pull --dry-run', () => {
  it('lists every image with its digest and size, and the bytes in all; writes nothing', async () => {
    const dir = join(work, 'dry');
    const r = await ferry(['pull', dir, ...images(), '--insecure', '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head, ...rest] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(
      new RegExp(
        `^dry run: ${seed.imageRefs.length} image\\(s\\), \\d+ blob\\(s\\), .* would travel into ${dir}; nothing was written$`,
      ),
    );
    for (const [i, ref] of seed.imageRefs.entries()) {
      expect(rest[i]).toContain(`  ${ref}  ${seed.images[i]!.digest}  `);
    }
    expect(rest.find((l) => l.includes('vendor/app:v1.0'))).toMatch(
      /linux\/amd64, linux\/arm64\/v8\s{2}→ vendor\/app:v1\.0$/,
    );
    expect(rest.at(-1)).toMatch(/^sticks it takes: ferry media plan \d+ --to <mount>$/);
    expect(existsSync(dir)).toBe(false);
  });

  it('counts the layer and config bytes the pull then carries, every blob once (manifests aside), and the same counts', async () => {
    const json = await ferry([
      'pull',
      join(work, 'dry-json'),
      ...images(),
      '--insecure',
      '--dry-run',
      '--json',
    ]);
    const preview = JSON.parse(json.stdout) as SelectionPreview & { type: string };
    expect(preview.type).toBe('preview');
    expect(preview.failed).toEqual([]);
    const dir = join(work, 'real');
    expect((await ferry(['pull', dir, ...images(), '--insecure'])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'ferry-manifest.json'), 'utf8')) as TransferManifest;
    // The bundle also stores every manifest as a blob: a few KiB on top of the layers and configs.
    const manifestBytes = manifest.totals.blobBytes - preview.totalBytes;
    expect(manifestBytes).toBeGreaterThan(0);
    expect(manifestBytes).toBeLessThan(manifest.totals.blobBytes / 10);
    // The one count rule (shared/counts.ts): blobs are distinct digests, manifests included, and
    // images distinct source repository + digest, in the preview as in the bundle's totals.
    expect(preview.blobCount).toBe(manifest.totals.blobs);
    expect(preview.images.length).toBe(manifest.totals.images);
  });

  it('names an image that does not resolve and exits as the pull would (4: registry)', async () => {
    const missing = `${source.host}/vendor/nope:1`;
    const r = await ferry([
      'pull',
      join(work, 'dry-missing'),
      '--image',
      seed.imageRefs[1]!,
      '--image',
      missing,
      '--insecure',
      '--dry-run',
    ]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^dry run: 1 image\(s\)/);
    expect(r.stdout).toContain(`  ✗ ${missing}: `);
  });
});
