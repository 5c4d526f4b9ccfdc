// `pull --incremental`: which blobs of a plan to leave out because imported receipts prove the target
// registry holds them. Manifests always travel (push needs them to write tags, and they are small);
// configs and layers the target has are left out and mounted there by push.
import type { OmittedBlob } from '../plan/omitted-blob.ts';
import { allBlobs, allManifests, type CopyPlan } from '../plan/image-graph.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

export function blobsToLeaveOut(plan: CopyPlan, inTarget: Map<string, OmittedBlob>): OmittedBlob[] {
  const manifests = new Set(plan.images.flatMap((img) => allManifests(img).map((m) => m.digest)));
  const out = new Map<string, OmittedBlob>();
  for (const img of plan.images) {
    for (const b of allBlobs(img)) {
      if (manifests.has(b.digest) || out.has(b.digest)) continue;
      const known = inTarget.get(b.digest);
      if (known) out.set(b.digest, { ...known, size: b.size });
    }
  }
  return [...out.values()].sort((a, b) => byCodeUnits(a.digest, b.digest));
}
