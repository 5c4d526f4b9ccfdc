// A copy plan saved as JSON (manifest bytes as base64), so an interrupted pull resumes with exactly
// the manifests it started with even if a tag moved meanwhile: the same command gives the same bundle.
import type { CopyPlan } from '../plan/image-graph.ts';
import type { RawManifest } from '../oci/types.ts';

/**
 * The resume state as JSON text, manifest bytes as { base64 }. The replacer reads the raw Buffer
 * (`this[key]`): the value it is handed is Buffer's toJSON, an array of one number per byte.
 */
export function stringifyWithPlan(state: object, plan: CopyPlan): string {
  return JSON.stringify({ ...state, plan }, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return Buffer.isBuffer(raw) ? { base64: raw.toString('base64') } : value;
  });
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
