// Records one job — a pull, verify or push — in the station's ledger: an 'operation' entry as it
// starts (so an interrupted job still shows), then at the end, in one transaction, everything it
// carried or checked (signature, media, images, artifacts, archives, chunks, blobs, verification
// results, per-image push results) and its outcome. Jobs call this; the CLI and the app never do.
import { randomUUID } from 'node:crypto';
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import { toFerryError } from '../errors.ts';
import type { SignatureCheck } from '../signing/manifest-signature.ts';
import type { ImageSignatureVerdict } from '../verify/image-signature-verdict.ts';
import type { VerifyReport } from '../verify/verify-report.ts';
import { ferryVersion } from '../version.ts';
import type {
  ArchiveBody,
  ArtifactBody,
  BlobBody,
  ChunkBody,
  Direction,
  ImageBody,
  OperationBody,
  OutcomeBody,
  OutcomeStatus,
  SignatureBody,
  VerificationBody,
} from './bodies.ts';
import type { NewEntry } from './entry.ts';
import type { Ledger } from './ledger.ts';
import { describeMedia } from '../media/media-info.ts';
import type { Station } from './station.ts';
import { interruptedPulls, supersededEntry, transferEntry } from './interrupted-pulls.ts';

export interface OperationStart {
  direction: Direction;
  bundleDir: string;
  transferId?: string;
  sources?: string[];
  target?: { registry: string; path: string };
  requested?: string[];
  options?: Record<string, unknown>;
}

/** What push reports per image (jobs/push.ts's PushReport fits). */
export interface PushResultInput {
  images: Array<{
    source: string;
    target: string;
    digest: string;
    status: string;
    error?: string;
    signatureVerdict?: ImageSignatureVerdict;
  }>;
}

/** Extra facts about a pull the manifest does not hold. */
export interface PullFacts {
  receipts?: string[];
}

function sizesOf(manifest: TransferManifest): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const b of manifest.blobs) sizes.set(b.digest, b.size);
  for (const o of manifest.omitted ?? []) sizes.set(o.digest, o.size);
  return sizes;
}

function totalsOf(manifest: TransferManifest): NonNullable<OutcomeBody['totals']> {
  const t = manifest.totals;
  return {
    images: t.images,
    blobs: t.blobs,
    blobBytes: t.blobBytes,
    files: t.files,
    archiveBytes: t.archiveBytes,
  };
}

/** Images, their artifacts, archives, chunks and blobs of a transfer manifest, as entries, one at
 *  a time: an edition's are 80,000, and gathered into one list they were the end of a pull's peak. */
export function* manifestEntries(
  manifest: TransferManifest,
  perImage: (source: string, index: number) => Partial<ImageBody> = () => ({}),
  perChunk: (file: string) => Partial<ChunkBody> = () => ({}),
  perBlob: (digest: string) => Partial<BlobBody> = () => ({}),
): Generator<NewEntry> {
  const sizes = sizesOf(manifest);
  for (const [index, img] of manifest.images.entries()) {
    const body: ImageBody = {
      source: img.source,
      digest: img.digest,
      mediaType: img.mediaType,
      size: img.size,
      bytes: img.contents.reduce((n, d) => n + (sizes.get(d) ?? 0), 0),
      platforms: img.platforms,
      target: img.target,
      archive: img.archive,
      layout: img.layout,
      signatures: img.artifacts.length,
      ...perImage(img.source, index),
    };
    yield { kind: 'image', subject: img.source, digest: img.digest, body };
    for (const a of img.artifacts) {
      const artifact: ArtifactBody = {
        image: img.source,
        kind: a.kind,
        subject: a.subject,
        ...(a.tag ? { tag: a.tag } : {}),
        digest: a.digest,
        mediaType: a.mediaType,
      };
      yield { kind: 'artifact', subject: img.source, digest: a.digest, body: artifact };
    }
  }
  for (const a of manifest.archives) {
    const archive: ArchiveBody = {
      name: a.name,
      size: a.size,
      chunked: a.chunked,
      files: a.parts.length,
      layouts: a.layouts,
    };
    yield { kind: 'archive', subject: a.name, body: archive };
    for (const p of a.parts) {
      const chunk: ChunkBody = {
        archive: a.name,
        file: p.file,
        index: p.index,
        start: p.start,
        size: p.size,
        sha256: p.sha256,
        ...(p.streebog256 ? { streebog256: p.streebog256 } : {}),
        ...perChunk(p.file),
      };
      yield { kind: 'chunk', subject: p.file, digest: `sha256:${p.sha256}`, body: chunk };
    }
  }
  const blobs = new Map<string, BlobBody>();
  for (const b of manifest.blobs) {
    const known = blobs.get(b.digest);
    if (known) {
      if (!known.archives.includes(b.archive)) known.archives.push(b.archive);
      continue;
    }
    blobs.set(b.digest, { digest: b.digest, size: b.size, archives: [b.archive] });
  }
  for (const o of manifest.omitted ?? []) {
    if (blobs.has(o.digest)) continue;
    blobs.set(o.digest, {
      digest: o.digest,
      size: o.size,
      archives: [],
      omitted: { registry: o.registry, repositories: o.repositories, receipt: o.receipt },
    });
  }
  for (const blob of blobs.values()) {
    yield { kind: 'blob', digest: blob.digest, body: { ...blob, ...perBlob(blob.digest) } };
  }
}

/** Entries from lists and generators in order, never gathered into one list. */
function* inOrder(...parts: Iterable<NewEntry>[]): Generator<NewEntry> {
  for (const part of parts) yield* part;
}

/** `registry/repo/sitory:tag` or `…@sha256:…` → `repo/sitory`, as push reports its targets. */
export function repositoryOf(target: string, registry: string): string {
  const rest = target.startsWith(`${registry}/`) ? target.slice(registry.length + 1) : target;
  return rest.replace(/@[a-z0-9]+:[a-f0-9]+$/, '').replace(/:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, '');
}

export class OperationRecorder {
  readonly operationId: string = randomUUID();
  readonly direction: Direction;
  transferId: string;
  private readonly ledger: Ledger;
  private readonly started = performance.now();
  private readonly start: OperationStart;
  /** The folder as the start entry records it (interrupted runs into it are matched by it). */
  private bundleDir = '';
  private finished = false;

  private constructor(ledger: Ledger, start: OperationStart) {
    this.ledger = ledger;
    this.start = start;
    this.direction = start.direction;
    this.transferId = start.transferId ?? '';
  }

  /** Opens the ledger (a damaged one stops the job here) and records that the job started. */
  static begin(station: Station, start: OperationStart): OperationRecorder {
    const recorder = new OperationRecorder(station.ledger, start);
    const body: OperationBody = {
      direction: start.direction,
      operator: station.operator,
      host: station.host,
      startedAt: new Date().toISOString(),
      tool: { name: 'ferry', version: ferryVersion },
      bundleDir: describeMedia(start.bundleDir).bundleDir,
      ...(start.sources ? { sources: start.sources } : {}),
      ...(start.target ? { target: start.target } : {}),
      ...(start.requested ? { requested: start.requested } : {}),
      ...(start.options ? { options: start.options } : {}),
    };
    recorder.bundleDir = body.bundleDir;
    recorder.append([{ kind: 'operation', subject: start.direction, body }]);
    return recorder;
  }

  /** The job knows its transfer now: recorded at once, so a run killed later is still tied to it. */
  workingOn(transferId: string): void {
    if (this.transferId === transferId) return;
    this.transferId = transferId;
    this.append([transferEntry(transferId)]);
  }

  private append(entries: NewEntry[]): void {
    this.ledger.append({ operationId: this.operationId, transferId: this.transferId }, entries);
  }

  private outcome(status: OutcomeStatus, extra: Partial<OutcomeBody> = {}): NewEntry {
    const body: OutcomeBody = {
      status,
      endedAt: new Date().toISOString(),
      seconds: Math.round(performance.now() - this.started) / 1000,
      ...extra,
    };
    return { kind: 'outcome', subject: status, body };
  }

  private finish(entries: Iterable<NewEntry>, others: Parameters<Ledger['appendGroups']>[0] = []): void {
    if (this.finished) return;
    this.finished = true;
    this.ledger.appendGroups([
      { context: { operationId: this.operationId, transferId: this.transferId }, entries },
      ...others,
    ]);
  }

  private media(): NewEntry {
    return { kind: 'media', body: describeMedia(this.start.bundleDir) };
  }

  pulled(manifest: TransferManifest, signature: SignatureBody, facts: PullFacts = {}): void {
    this.transferId = manifest.transferId;
    const omitted = manifest.omitted ?? [];
    const incremental = omitted.length
      ? {
          omittedBlobs: omitted.length,
          omittedBytes: omitted.reduce((n, o) => n + o.size, 0),
          receipts: facts.receipts ?? [...new Set(omitted.map((o) => o.receipt))],
          registry: omitted[0]!.registry,
        }
      : undefined;
    // Earlier runs of this transfer that were killed: closed here, in the same transaction.
    const resumed = interruptedPulls(this.ledger, {
      operationId: this.operationId,
      transferId: manifest.transferId,
      bundleDir: this.bundleDir,
    });
    this.finish(
      inOrder(
        [{ kind: 'signature', digest: undefined, body: signature }, this.media()],
        manifestEntries(manifest),
        [
          this.outcome('succeeded', {
            totals: totalsOf(manifest),
            ...(incremental ? { incremental } : {}),
            ...(manifest.skipped?.length ? { skipped: manifest.skipped } : {}),
            ...(resumed.length ? { resumed } : {}),
          }),
        ],
      ),
      resumed.map((r) => ({
        context: { operationId: r.operationId, transferId: manifest.transferId },
        entries: [supersededEntry(this.operationId)],
      })),
    );
  }

  verified(manifest: TransferManifest, report: VerifyReport, signature: SignatureCheck): void {
    this.transferId = manifest.transferId;
    const okBySource = new Map(report.images.map((i) => [i.source, i.ok]));
    const verdicts = new Map((report.imageSignatures ?? []).map((i) => [i.source, i.verdict]));
    const fileStatus = new Map(report.files.map((f) => [f.file, f.status]));
    const count = (s: string) => report.files.filter((f) => f.status === s).length;
    const verification: VerificationBody = {
      ok: report.ok,
      files: { ok: count('ok'), missing: count('missing'), size: count('size'), checksum: count('checksum') },
      images: {
        ok: report.images.filter((i) => i.ok).length,
        damaged: report.images.filter((i) => !i.ok).length,
      },
      blobsChecked: report.blobsChecked,
      bytesChecked: report.bytesChecked,
      seconds: report.seconds,
      problems: report.problems,
    };
    this.finish(
      inOrder(
        [{ kind: 'signature', body: signature }, this.media()],
        manifestEntries(
          manifest,
          (source) => {
            const verdict = verdicts.get(source);
            return {
              verified: okBySource.get(source) ?? false,
              ...(verdict ? { signatureVerdict: verdict } : {}),
            };
          },
          (file) => {
            const status = fileStatus.get(file);
            return status ? { status } : {};
          },
        ),
        [
          { kind: 'verification', body: verification },
          this.outcome(report.ok ? 'succeeded' : 'failed', { totals: totalsOf(manifest) }),
        ],
      ),
    );
  }

  pushed(manifest: TransferManifest, report: PushResultInput, signature: SignatureCheck): void {
    this.transferId = manifest.transferId;
    const registry = this.start.target?.registry ?? '';
    const results = new Map(report.images.map((i) => [i.source, i]));
    // Which repositories on the target now hold each blob: those of the images that were pushed.
    const holders = new Map<string, Set<string>>();
    for (const img of manifest.images) {
      const pushed = results.get(img.source);
      if (pushed?.status !== 'pushed') continue;
      const repository = repositoryOf(pushed.target, registry);
      for (const d of img.contents) {
        const set = holders.get(d) ?? new Set<string>();
        set.add(repository);
        holders.set(d, set);
      }
    }
    const pushed = report.images.filter((i) => i.status === 'pushed').length;
    const refused = report.images.length - pushed;
    this.finish(
      inOrder(
        [{ kind: 'signature', body: signature }, this.media()],
        manifestEntries(
          manifest,
          (source) => {
            const r = results.get(source);
            if (!r) return {};
            return {
              push: {
                status: r.status === 'pushed' ? 'pushed' : 'refused',
                target: r.target,
                ...(r.error ? { error: r.error } : {}),
              },
              ...(r.signatureVerdict ? { signatureVerdict: r.signatureVerdict } : {}),
            };
          },
          () => ({}),
          (digest) => ({ repositories: [...(holders.get(digest) ?? [])].sort() }),
        ),
        [
          this.outcome(refused === 0 ? 'succeeded' : pushed === 0 ? 'failed' : 'partial', {
            totals: totalsOf(manifest),
            pushed,
            refused,
          }),
        ],
      ),
    );
  }

  /** The bundle's signature stopped the job (wrong key, unsigned with a trusted key, invalid). */
  refused(signature: SignatureCheck, err: unknown, manifest?: TransferManifest): void {
    if (manifest) this.transferId = manifest.transferId;
    const e = toFerryError(err);
    this.finish(
      inOrder(
        [{ kind: 'signature', body: signature }, this.media()],
        manifest ? manifestEntries(manifest) : [],
        [this.outcome('refused', { error: { code: e.code, message: e.message } })],
      ),
    );
  }

  /**
   * Records a failure without letting a ledger problem hide the job's own error: the user needs the
   * job's error; the operation's start entry already shows it did not finish.
   */
  recordFailure(err: unknown, manifest?: TransferManifest): void {
    try {
      this.failed(err, manifest);
    } catch {
      // see above
    }
  }

  failed(err: unknown, manifest?: TransferManifest): void {
    if (manifest) this.transferId = manifest.transferId;
    const e = toFerryError(err);
    this.finish([
      this.outcome(e.code === 'FERRY_ERR_CANCELLED' ? 'cancelled' : 'failed', {
        error: { code: e.code, message: e.message },
      }),
    ]);
  }
}
