// "What to carry": turns the references typed (or an images file) into the engine's image requests,
// then resolves each one against its registry — manifests only, no layer is downloaded — to show what
// will travel and how many bytes, before anything is written.
import type { ImageSelection, SelectionPreview } from '../../../shared/dto.ts';
import { allBlobs, type ImageRequest } from '../../engine/plan/image-graph.ts';
import { resolveImage } from '../../engine/copy/resolve.ts';
import { toFerryError, UsageError } from '../../engine/errors.ts';
import { imageRequest, readImagesFile } from '../../engine/jobs/image-list.ts';
import { parsePlatform } from '../../engine/oci/platform.ts';
import { parseRepositoryPath } from '../../engine/ref/reference.ts';
import { RegistryStore } from '../../engine/store/registry-store.ts';
import { createTransport } from '../../engine/transport/transport.ts';
import type { CredentialSource } from '../../engine/transport/types.ts';
import { createLimiter } from '../../engine/util/limit.ts';
import { parseSelection, planDeckhouse, type DeckhousePlan } from '../../engine/deckhouse/planner.ts';
import { transportFor } from './connection.ts';
import { deckhouseSelection, planSummary } from './deckhouse.ts';

/**
 * A name without a registry host comes from the source registry: with source `127.0.0.1:5000`,
 * `vendor/app:1` is `127.0.0.1:5000/vendor/app:1`. A first component with a dot or a port, or
 * `localhost`, is a host (the rule docker uses).
 */
export function qualifyReference(text: string, sourceRegistry: string): string {
  const ref = text.trim();
  const first = ref.split('/')[0] ?? '';
  const hasHost =
    ref.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  if (hasHost || !sourceRegistry.trim()) return ref;
  const { registry, path } = parseRepositoryPath(sourceRegistry.trim());
  return `${registry}/${path ? `${path}/` : ''}${ref}`;
}

export async function imageRequests(selection: ImageSelection): Promise<ImageRequest[]> {
  const platforms = selection.platforms.map(parsePlatform);
  const lines = selection.images.map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
  const requests = lines.map((l) => imageRequest(qualifyReference(l, selection.source.registry), platforms));
  if (selection.imagesFile) requests.push(...(await readImagesFile(selection.imagesFile, platforms)));
  if (requests.length === 0) {
    throw new UsageError('nothing to carry: type at least one image reference or choose an images file');
  }
  return requests;
}

export async function previewSelection(
  selection: ImageSelection,
  logins: CredentialSource,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<SelectionPreview> {
  const transport = createTransport(transportFor(selection.source, logins, env, 'source'));
  let requests: ImageRequest[];
  let plan: DeckhousePlan | undefined;
  if (selection.deckhouse) {
    const parsed = parseSelection(deckhouseSelection(selection.source.registry, selection.deckhouse));
    plan = await planDeckhouse(
      new RegistryStore(parsed.registry, transport),
      parsed,
      signal ? { signal } : {},
    );
    if (plan.requests.length === 0) {
      await transport.close();
      throw new UsageError(
        `nothing to carry from ${plan.source}: the selection matches no image; widen the filters`,
      );
    }
    requests = plan.requests;
  } else {
    requests = await imageRequests(selection).catch(async (err: unknown) => {
      await transport.close();
      throw err;
    });
  }
  const stores = new Map<string, RegistryStore>();
  const storeFor = (registry: string) => {
    let s = stores.get(registry);
    if (!s) stores.set(registry, (s = new RegistryStore(registry, transport)));
    return s;
  };
  const limit = createLimiter(8);
  try {
    const resolved = await Promise.all(
      requests.map((request) =>
        limit(async () => {
          try {
            const image = await resolveImage(storeFor(request.source.registry), request, {
              signatures: selection.signatures,
              ...(signal ? { signal } : {}),
            });
            return { request, image };
          } catch (err) {
            return { request, error: toFerryError(err).toDTO() };
          }
        }),
      ),
    );
    const all = new Map<string, number>();
    const preview: SelectionPreview = { images: [], failed: [], totalBytes: 0, blobCount: 0 };
    for (const r of resolved) {
      if (!r.image) {
        preview.failed.push({ source: r.request.sourceText, error: r.error });
        continue;
      }
      const blobs = allBlobs(r.image);
      for (const b of blobs) all.set(b.digest, b.size);
      const t = r.request.target;
      preview.images.push({
        source: r.request.sourceText,
        digest: r.image.root.digest,
        mediaType: r.image.root.mediaType,
        platforms: r.image.platforms,
        bytes: blobs.reduce((n, b) => n + b.size, 0),
        blobs: blobs.length,
        artifacts: r.image.artifacts.length,
        target: `${t.repository}${t.tag ? `:${t.tag}` : ''}`,
      });
    }
    if (plan) preview.deckhouse = planSummary(plan);
    preview.blobCount = all.size;
    preview.totalBytes = [...all.values()].reduce((n, s) => n + s, 0);
    return preview;
  } finally {
    await transport.close();
  }
}
