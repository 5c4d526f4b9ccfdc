// What a pull would carry, before anything is written: every image resolved against its registry
// (manifests only, no layer is downloaded), with its digest, platforms and bytes, and the bytes that
// would travel (every blob once across all images). For a Deckhouse distribution, also what the
// release channels point at and which modules travel. The app's Source step and `ferry pull
// --dry-run` show this; an image that does not resolve is named, not fatal.
import type { SelectionPreview } from '../../../shared/dto.ts';
import { parseSelection, planDeckhouse, type DeckhousePlan } from '../deckhouse/planner.ts';
import { UsageError } from '../errors.ts';
import { allBlobs, type ImageRequest } from '../plan/image-graph.ts';
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
    const preview: PullPreview = { images: [], failed: [], totalBytes: 0, blobCount: 0 };
    for (const r of resolved) {
      if ('error' in r) {
        preview.failed.push({ source: r.request.sourceText, error: r.error.toDTO() });
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
