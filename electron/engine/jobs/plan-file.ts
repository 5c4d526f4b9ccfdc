// A copy plan saved as JSON (manifest bytes as base64), so an interrupted pull resumes with exactly
// the manifests it started with even if a tag moved meanwhile: the same command gives the same bundle.
import type { CopyPlan } from '../plan/image-graph.ts';
import type { RawManifest } from '../oci/types.ts';
import { inPieces } from '../util/json-file-text.ts';

/** Manifest bytes as { base64 }. The replacer reads the raw Buffer (`this[key]`): the value it is
 *  handed is Buffer's toJSON, an array of one number per byte. */
function withBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return Buffer.isBuffer(raw) ? { base64: raw.toString('base64') } : value;
}

/**
 * The resume state as JSON text, `plan` last, in pieces of about a MiB: the plan of an edition is
 * tens of MB as text, and one string of it (then one Buffer of that string) was the largest thing a
 * pull of 10,000 images held. The pieces join into one JSON document, which resume parses whole.
 */
export function planFileText(state: object, plan: CopyPlan): Generator<string> {
  const empty = JSON.stringify({ ...state, plan: { images: [] } });
  const tail = ']}}';
  if (!empty.endsWith(`[${tail}`)) throw new Error('the plan must be the last member of the resume state');
  return inPieces(
    (function* () {
      yield empty.slice(0, -tail.length);
      for (let i = 0; i < plan.images.length; i++)
        yield (i ? ',' : '') + JSON.stringify(plan.images[i], withBase64);
      yield tail;
    })(),
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
