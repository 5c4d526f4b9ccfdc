// The isolated side's job: open the bundle (no unpacking: blobs are read out of the chunk files),
// map every image to `<registry>/<path>/<target repository>:<tag>`, and copy bundle → registry.
// Damaged images are refused and listed; the intact ones are pushed; nothing else is written.
import type { JobEventListener } from '../../../shared/jobs.ts';
import { copyPlan } from '../copy/copy.ts';
import type { ImageGraph, ImageRequest } from '../copy/image-graph.ts';
import { resolveImage } from '../copy/resolve.ts';
import { toFerryError } from '../errors.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import { BundleReaderStore } from '../store/bundle-reader-store.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';
import { createLimiter } from '../util/limit.ts';
import { ProgressMeter } from './progress-meter.ts';

export interface PushOptions {
  bundleDir: string;
  /** `host[:port][/path]` */
  target: string;
  transport: TransportOptions;
  concurrency?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

export interface PushedImage {
  source: string;
  target: string;
  digest: string;
  status: 'pushed' | 'refused' | 'planned';
  error?: string;
}

export interface PushReport {
  transferId: string;
  registry: string;
  images: PushedImage[];
  ok: boolean;
}

function targetRef(registry: string, image: ImageGraph): string {
  const t = image.request.target;
  return `${registry}/${t.repository}${t.tag ? `:${t.tag}` : `@${image.root.digest}`}`;
}

export async function push(options: PushOptions): Promise<PushReport> {
  const emit = options.onEvent ?? (() => {});
  const { registry, path } = parseRepositoryPath(options.target);
  const prefix = path.replace(/^\/+|\/+$/g, '');
  const bundle = await BundleReaderStore.open(options.bundleDir);
  const transport = createTransport(options.transport);
  try {
    emit({
      type: 'phase',
      phase: 'plan',
      message: `reading ${bundle.manifest.images.length} image(s) from the bundle`,
    });
    const limit = createLimiter(options.concurrency ?? 8);
    const resolved = await Promise.all(
      bundle.manifest.images.map((record) =>
        limit(async () => {
          const request: ImageRequest = {
            sourceText: record.source,
            source: {
              registry: bundle.name,
              repository: record.target.repository,
              reference: record.target.tag ?? record.digest,
            },
            target: {
              repository: prefix ? `${prefix}/${record.target.repository}` : record.target.repository,
              ...(record.target.tag ? { tag: record.target.tag } : {}),
            },
          };
          try {
            return { image: await resolveImage(bundle, request, { signatures: true }) };
          } catch (err) {
            return { request, error: toFerryError(err) };
          }
        }),
      ),
    );
    const images = resolved.flatMap((r) => (r.image ? [r.image] : []));
    const unreadable = resolved.flatMap((r) =>
      r.error
        ? [
            {
              source: r.request.sourceText,
              target: `${registry}/${r.request.target.repository}`,
              digest: '',
              status: 'refused' as const,
              error: r.error.message,
            },
          ]
        : [],
    );

    if (options.dryRun) {
      return {
        transferId: bundle.manifest.transferId,
        registry,
        ok: unreadable.length === 0,
        images: [
          ...images.map((i) => ({
            source: i.request.sourceText,
            target: targetRef(registry, i),
            digest: i.root.digest,
            status: 'planned' as const,
          })),
          ...unreadable,
        ],
      };
    }

    const meter = new ProgressMeter({ images }, emit);
    emit({
      type: 'phase',
      phase: 'push',
      message: `pushing ${images.length} image(s), ${meter.bytesTotal} bytes to ${registry}`,
    });
    const result = await copyPlan(
      bundle,
      new RegistryStore(registry, transport),
      { images },
      {
        concurrency: options.concurrency ?? 8,
        ...(options.signal ? { signal: options.signal } : {}),
        progress: meter.copyProgress(),
      },
    );
    const pushed = result.copied.map((i) => ({
      source: i.request.sourceText,
      target: targetRef(registry, i),
      digest: i.root.digest,
      status: 'pushed' as const,
    }));
    const refused = result.failed.map(({ image, error }) => ({
      source: image.request.sourceText,
      target: targetRef(registry, image),
      digest: image.root.digest,
      status: 'refused' as const,
      error: error.message,
    }));
    return {
      transferId: bundle.manifest.transferId,
      registry,
      images: [...pushed, ...refused, ...unreadable],
      ok: refused.length + unreadable.length === 0,
    };
  } finally {
    await bundle.close();
    await transport.close();
  }
}
