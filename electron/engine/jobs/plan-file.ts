// A copy plan saved as JSON (manifest bytes as base64), so an interrupted pull resumes with exactly
// the manifests it started with even if a tag moved meanwhile: the same command gives the same bundle.
import type { CopyPlan } from '../plan/image-graph.ts';
import type { RawManifest } from '../oci/types.ts';

export function serializePlan(plan: CopyPlan): unknown {
  return JSON.parse(
    JSON.stringify(plan, (_key, value: unknown) =>
      value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer'
        ? { base64: Buffer.from((value as { data: number[] }).data).toString('base64') }
        : value,
    ),
  );
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.base64 === 'string' && Object.keys(obj).length === 1)
      return Buffer.from(obj.base64, 'base64');
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

export function deserializePlan(data: unknown): CopyPlan {
  const plan = revive(data) as CopyPlan;
  // Manifests shared between an image's lists must stay one object for identity-keyed maps.
  for (const img of plan.images) {
    const byDigest = new Map<string, RawManifest>(img.manifests.map((m) => [m.digest, m]));
    img.root = byDigest.get(img.root.digest) ?? img.root;
  }
  return plan;
}
