// The isolated side's job: open the bundle (no unpacking: blobs are read out of the chunk files),
// map every image to `<registry>/<path>/<target repository>:<tag>`, and copy bundle → registry.
// Damaged images are refused and listed; the intact ones are pushed; nothing else is written.
import { formatBytes } from '../../../shared/format.ts';
import type { JobEventListener } from '../../../shared/jobs.ts';
import { copyPlan, defaultConcurrency } from '../copy/copy.ts';
import type { ImageGraph, ImageRequest } from '../plan/image-graph.ts';
import { resolveImage } from '../copy/resolve.ts';
import { openBundle, type OpenedBundle } from '../bundle/open-bundle.ts';
import { joinPath } from '../bundle/d8-layout.ts';
import type { PushLayout } from '../bundle/push-layout.ts';
import type { ImageRecord } from '../bundle/transfer-manifest.ts';
import { SignatureError, toFerryError } from '../errors.ts';
import { OperationRecorder } from '../ledger/recorder.ts';
import type { Station } from '../ledger/station.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import { BundleSource } from '../bundle/bundle-source.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { createTransport } from '../transport/transport.ts';
import type { TransportOptions } from '../transport/types.ts';
import {
  checkManifestSignature,
  requireAcceptedSignature,
  type SignatureCheck,
} from '../signing/manifest-signature.ts';
import type { TrustedKey } from '../signing/public-key.ts';
import pLimit from 'p-limit';
import { OmittedBlobMounter } from '../store/mount-omitted.ts';
import { ProgressMeter } from './progress-meter.ts';
import {
  describeImageSignature,
  signatureAccepted,
  type ImageSignatureVerdict,
} from '../verify/image-signature-verdict.ts';
import { checkBundleImageSignatures } from '../verify/signature-check.ts';
import { policyRecord, type SignaturePolicy } from '../verify/signature-policy.ts';

export interface PushOptions {
  /** The bundle folder, or one folder per stick. */
  bundleDir: string | readonly string[];
  /** Only these archives of the bundle (`x.tar`): d8's push of one `.tar`, one chunk or `--file`s. */
  archives?: readonly string[];
  /** `host[:port][/path]` */
  target: string;
  transport: TransportOptions;
  concurrency?: number;
  dryRun?: boolean;
  /**
   * Where images go beyond `<target path>/<repository>`, and what follows the copy (Deckhouse
   * modules): made for the target's path, the push-side twin of pull's `placement`.
   */
  layout?: (prefix: string) => PushLayout;
  /** The station whose ledger records the push (dry runs are not recorded). */
  station?: Station;
  /** Refuse a bundle not signed by this key. */
  trustedKey?: TrustedKey;
  /** Refuse each image without the cosign signature this policy asks of it (`--key` or `--policy`). */
  signaturePolicy?: SignaturePolicy;
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

export interface PushedImage {
  source: string;
  target: string;
  digest: string;
  status: 'pushed' | 'refused' | 'planned';
  error?: string;
  /** With cosign keys: the image's signature verdict (an image not 'signed' is refused). */
  signatureVerdict?: ImageSignatureVerdict;
}

export interface PushReport {
  transferId: string;
  registry: string;
  images: PushedImage[];
  ok: boolean;
  /** Deckhouse bundles: the modules pushed, and the repository their discovery tags are in. */
  modules?: { repository: string; names: string[] };
  /** Deckhouse bundles: the packages pushed, and the repository their discovery tags are in. */
  packages?: { repository: string; names: string[] };
  /** Who signed the bundle's manifest. */
  signature?: SignatureCheck;
}

function targetRef(registry: string, image: ImageGraph): string {
  const t = image.request.target;
  return `${registry}/${t.repository}${t.tag ? `:${t.tag}` : `@${image.root.digest}`}`;
}

/**
 * Checks the bundle's signature (refusing, with a trusted key, any other signer or none), pushes, and
 * with a station records the push — every image's result and the blobs the target now holds.
 */
export async function push(options: PushOptions): Promise<PushReport> {
  const bundle = await openBundle(options.bundleDir, options.archives ? { archives: options.archives } : {});
  try {
    return await pushOpened(bundle, options);
  } finally {
    await bundle.close();
  }
}

async function pushOpened(bundle: OpenedBundle, options: PushOptions): Promise<PushReport> {
  const { manifest, manifestDir } = bundle;
  const signature = await checkManifestSignature(manifestDir, options.trustedKey);
  const policy = options.signaturePolicy;
  const verdicts = async () =>
    policy
      ? new Map(
          (await checkBundleImageSignatures(bundle, policy, signature.status === 'signed')).map((r) => [
            r.source,
            r.verdict,
          ]),
        )
      : undefined;
  const station = options.station;
  if (!station || options.dryRun) {
    requireAcceptedSignature(signature, manifestDir);
    return { ...(await pushBundle(bundle, options, await verdicts())), signature };
  }
  const { registry, path } = parseRepositoryPath(options.target);
  const recorder = OperationRecorder.begin(station, {
    direction: 'push',
    bundleDir: manifestDir,
    transferId: manifest.transferId,
    target: { registry, path },
    options: {
      trustedKey: options.trustedKey?.fingerprint ?? null,
      ...(policy ? policyRecord(policy, manifest.trustedRoot) : {}),
    },
  });
  try {
    requireAcceptedSignature(signature, manifestDir);
  } catch (err) {
    recorder.refused(signature, err, manifest);
    throw err;
  }
  let report: PushReport;
  try {
    report = await pushBundle(bundle, options, await verdicts());
  } catch (err) {
    recorder.recordFailure(err, manifest);
    throw err;
  }
  recorder.pushed(manifest, report, signature);
  return { ...report, signature };
}

async function pushBundle(
  opened: OpenedBundle,
  options: PushOptions,
  verdicts?: ReadonlyMap<string, ImageSignatureVerdict>,
): Promise<PushReport> {
  const emit = options.onEvent ?? (() => {});
  const { registry, path } = parseRepositoryPath(options.target);
  const prefix = path.replace(/^\/+|\/+$/g, '');
  const layout = options.layout?.(prefix);
  const targetOf = (record: ImageRecord) =>
    layout ? layout.targetOf(record) : joinPath(prefix, record.target.repository);
  const bundle = await BundleSource.of(opened);
  const withVerdicts = (list: PushedImage[]): PushedImage[] =>
    list.map((i) => {
      const verdict = verdicts?.get(i.source);
      return verdict ? { ...i, signatureVerdict: verdict } : i;
    });
  const concurrency = options.concurrency ?? defaultConcurrency;
  // As many connections as transfers run at once (undici's pool would queue the rest).
  const transport = createTransport({ maxConnectionsPerHost: concurrency, ...options.transport });
  try {
    emit({
      type: 'phase',
      phase: 'plan',
      message: `reading ${bundle.manifest.images.length} image(s) from the bundle`,
    });
    const limit = pLimit(concurrency);
    // The record each request came from, for the layout's after-copy step.
    const recordOf = new Map<ImageRequest, ImageRecord>();
    // Every destination is valid before any read starts (a throw mid-way would leave reads running).
    for (const record of bundle.manifest.images) targetOf(record);
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
              repository: targetOf(record),
              ...(record.target.tag ? { tag: record.target.tag } : {}),
            },
          };
          recordOf.set(request, record);
          // An image without a valid signature by the operator's keys is refused like an unreadable one.
          const verdict = verdicts?.get(record.source);
          if (verdict && !signatureAccepted(verdict)) {
            return { request, error: new SignatureError(describeImageSignature(verdict)) };
          }
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
              // The manifest records the digest even when the image's bytes cannot be read.
              digest: recordOf.get(r.request)?.digest ?? '',
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
        ...layout?.planned(bundle.manifest.images),
        images: withVerdicts([
          ...images.map((i) => ({
            source: i.request.sourceText,
            target: targetRef(registry, i),
            digest: i.root.digest,
            status: 'planned' as const,
          })),
          ...unreadable,
        ]),
      };
    }

    const meter = new ProgressMeter({ images }, emit);
    emit({
      type: 'phase',
      phase: 'push',
      message: `pushing ${meter.imagesTotal} image(s), ${formatBytes(meter.bytesTotal)} to ${registry}`,
    });
    const target = new RegistryStore(registry, transport);
    const omitted = bundle.manifest.omitted ?? [];
    const result = await copyPlan(
      bundle,
      omitted.length ? new OmittedBlobMounter(target, omitted) : target,
      { images },
      {
        concurrency,
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
    const failed = [
      ...result.failed.map((f) => f.image.request),
      ...resolved.flatMap((r) => (r.error ? [r.request] : [])),
    ].flatMap((r) => recordOf.get(r) ?? []);
    const extras = await layout?.afterCopy(
      target,
      { records: bundle.manifest.images, failed },
      { registry, ...(options.signal ? { signal: options.signal } : {}), onEvent: emit },
    );
    return {
      transferId: bundle.manifest.transferId,
      registry,
      ...extras,
      images: withVerdicts([...pushed, ...refused, ...unreadable]),
      ok: refused.length + unreadable.length === 0,
    };
  } finally {
    await transport.close();
  }
}
