import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CopyPlan, ImageGraph } from '../plan/image-graph.ts';
import { deserializePlan, planFileText } from './plan-file.ts';

function image(n: number): ImageGraph {
  const child = {
    bytes: randomBytes(3000),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${String(n).padStart(64, 'c')}`,
  };
  const root = {
    bytes: randomBytes(800),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: `sha256:${String(n).padStart(64, 'a')}`,
  };
  return {
    request: {
      sourceText: `127.0.0.1:5000/app-${n}:1.0`,
      source: { registry: '127.0.0.1:5000', repository: `app-${n}`, reference: '1.0' },
      target: { repository: `app-${n}`, tag: '1.0' },
    },
    root,
    manifests: [child, root],
    blobs: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${'b'.repeat(64)}`, size: 4096 },
    ],
    platforms: ['linux/amd64'],
    artifacts: [],
  };
}

describe('the resume state file', () => {
  it('is written in pieces that join into one JSON document holding the plan byte for byte', () => {
    const plan: CopyPlan = { images: Array.from({ length: 400 }, (_, i) => image(i)) };
    const state = { fingerprint: 'f', transferId: 't', createdAt: '2026-12-02T00:00:00.000Z' };
    const pieces = [...planFileText(state, plan)];
    // 400 images of ~5 KB of base64 each: more than one piece of a MiB, none much larger.
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.length).toBeLessThan(2 << 20);
    const saved = JSON.parse(pieces.join('')) as typeof state & { plan: unknown };
    expect(saved).toMatchObject(state);
    const revived = deserializePlan(saved.plan);
    expect(revived.images).toHaveLength(400);
    revived.images.forEach((img, i) => {
      const was = plan.images[i]!;
      expect(img.request).toEqual(was.request);
      expect(img.manifests.map((m) => m.bytes.toString('hex'))).toEqual(
        was.manifests.map((m) => m.bytes.toString('hex')),
      );
      // The root is the same object as the last manifest, as identity-keyed maps need.
      expect(img.root).toBe(img.manifests[1]);
    });
  });

  it('holds an empty plan too', () => {
    const text = [...planFileText({ fingerprint: 'f' }, { images: [] })].join('');
    expect(JSON.parse(text)).toEqual({ fingerprint: 'f', plan: { images: [] } });
  });
});
