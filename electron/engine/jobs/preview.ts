// What a pull would carry, before anything is written: every image resolved against its registry
// (manifests only, no layer is downloaded), with its digest, platforms and bytes, and the bytes that
// would travel (every blob once across all images). One row per distinct image (source repository and
// digest: shared/counts.ts) with every target it goes to, so a Deckhouse release on three channels is
// one row, as the bundle's totals count it. For a Deckhouse distribution, also what the release
// channels point at and which modules travel, and each row's role (image-roles.ts). The app's Source
// step and `ferry pull --dry-run` show this; an image that does not resolve is named, not fatal.
import type { PreviewImage, SelectionPreview } from '../../../shared/dto.ts';
import { imageKey } from '../../../shared/counts.ts';
import { deckhouseImageRole } from '../deckhouse/image-roles.ts';
import { parseSelection, planDeckhouse, type DeckhousePlan } from '../deckhouse/planner.ts';
import { UsageError } from '../errors.ts';
import { allBlobs, allManifests, type ImageGraph, type ImageRequest } from '../plan/image-graph.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';
import type { PullSelection } from './pull-selection.ts';
import { registryStores, tryResolveRequests } from './resolve-requests.ts';

export type PullPreview = SelectionPreview;

export interface PreviewOptions {
  transport: TransportOptions;
  /** Count signatures, attestations and referrers as the pull would (default true). */
  signatures?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
}

function planSummary(plan: DeckhousePlan): NonNullable<PullPreview['deckhouse']> {
  return {
    channels: (plan.platform?.channels ?? []).map((c) => ({ channel: c.channel, version: c.version })),
    versions: plan.platform?.versions ?? [],
    modules: plan.modules.map((m) => ({ name: m.name, versions: m.versions })),
    securityDatabases: plan.security,
  };
}

/** A plain list's entries are grouped by the registry they come from. */
function plainRole(request: ImageRequest): Pick<PreviewImage, 'role' | 'group'> {
  return { role: 'image', group: request.source.registry };
}

function rowOf(image: ImageGraph, target: string, role: Pick<PreviewImage, 'role' | 'group'>): PreviewImage {
  const blobs = allBlobs(image);
  return {
    source: image.request.sourceText,
    digest: image.root.digest,
    mediaType: image.root.mediaType,
    platforms: image.platforms,
    bytes: blobs.reduce((n, b) => n + b.size, 0),
    blobs: blobs.length,
    artifacts: image.artifacts.length,
    target,
    targets: [target],
    ...role,
  };
}

export async function previewPull(selection: PullSelection, options: PreviewOptions): Promise<PullPreview> {
  const transport = createTransport(options.transport);
  const storeFor = registryStores(transport);
  const signal = options.signal ? { signal: options.signal } : {};
  try {
    let requests: ImageRequest[];
    let plan: DeckhousePlan | undefined;
    if ('deckhouse' in selection) {
      const parsed = parseSelection(selection.deckhouse);
      plan = await planDeckhouse(storeFor(parsed.registry), parsed, {
        ...signal,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      });
      if (plan.requests.length === 0) {
        throw new UsageError(
          `nothing to carry from ${plan.source}: the selection matches no image; widen the filters`,
        );
      }
      requests = plan.requests;
    } else {
      requests = selection.images;
    }
    const resolved = await tryResolveRequests(requests, storeFor, {
      signatures: options.signatures !== false,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...signal,
    });
    const all = new Map<string, number>();
    const manifests = new Set<string>();
    const preview: PullPreview = { images: [], failed: [], totalBytes: 0, blobCount: 0 };
    const rows = new Map<string, PreviewImage>();
    for (const r of resolved) {
      if ('error' in r) {
        preview.failed.push({ source: r.request.sourceText, error: r.error.toDTO() });
        continue;
      }
      for (const b of allBlobs(r.image)) all.set(b.digest, b.size);
      for (const m of allManifests(r.image)) manifests.add(m.digest);
      const t = r.request.target;
      const target = `${t.repository}${t.tag ? `:${t.tag}` : ''}`;
      const key = imageKey({ source: r.request.sourceText, digest: r.image.root.digest });
      const row = rows.get(key);
      if (row) {
        if (!row.targets.includes(target)) row.targets.push(target);
        continue;
      }
      const made = rowOf(r.image, target, plan ? deckhouseImageRole(t) : plainRole(r.request));
      rows.set(key, made);
      preview.images.push(made);
    }
    if (plan) preview.deckhouse = planSummary(plan);
    for (const d of all.keys()) manifests.delete(d);
    preview.blobCount = all.size + manifests.size;
    preview.totalBytes = [...all.values()].reduce((n, s) => n + s, 0);
    return preview;
  } finally {
    await transport.close();
  }
}
