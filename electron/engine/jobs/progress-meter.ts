// Turns copy callbacks into job events: bytes done of the total, images done, at most ~10 per second,
// and each image's share of finished blobs (a blob shared by several images counts for each), so the
// app can say "downloading 40%" per image although blobs move in parallel across images.
// Images are counted by the one rule (shared/counts.ts): a plan lists an image once per target (a
// Deckhouse release under its version and each channel on it), the meter counts it once, names it
// by its first listing, and calls it done when every listing is. A resumed pull starts from what the
// interrupted run finished (`startFrom`), so its first event is not 0.
import { imageKey } from '../../../shared/counts.ts';
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { CopyProgress } from '../copy/copy.ts';
import { allBlobs, type CopyPlan, type ImageGraph } from '../plan/image-graph.ts';

/** One distinct image: its name in events, its bytes, and its listings not finished yet. */
interface Distinct {
  name: string;
  total: number;
  done: number;
  left: number;
  failed?: string;
}

/** Progress events go out at most this often: a listener redraws on each. */
const EMIT_EVERY_MS = 100;

/**
 * Counts images as they resolve and says so (the first, then at most every EMIT_EVERY_MS, and the
 * last): the plan phase of an edition is minutes of round trips that would otherwise show nothing.
 */
export function resolveCounter(imagesTotal: number, emit: JobEventListener): () => void {
  let imagesDone = 0;
  let lastEmit = 0;
  return () => {
    imagesDone++;
    const now = Date.now();
    if (imagesDone < imagesTotal && now - lastEmit < EMIT_EVERY_MS) return;
    lastEmit = now;
    emit({ type: 'resolving', imagesDone, imagesTotal });
  };
}

export class ProgressMeter {
  readonly bytesTotal: number;
  readonly blobCount: number;
  /** Distinct images (source repository + digest), not listings. */
  readonly imagesTotal: number;
  bytesDone = 0;
  imagesDone = 0;
  /** Blobs by how they reached the destination: copied, already present, or mounted. */
  readonly blobs = { copied: 0, present: 0, mounted: 0, copiedBytes: 0 };
  private lastEmit = 0;
  private readonly emit: JobEventListener;
  private readonly distinct = new Map<string, Distinct>();
  /** Each listing's distinct image. */
  private readonly imageOf = new Map<ImageGraph, Distinct>();
  /** Listings finished: a set, so one done at the start is not counted again when the copy ends it. */
  private readonly finished = new Set<ImageGraph>();
  /** The distinct images each blob belongs to. A list needs no check for repeats: each distinct image
   *  is added once per blob (allBlobs lists a digest once), and a list of one is a third of a Set's
   *  memory, for the 40,000 blobs of an edition. */
  private readonly imagesOfBlob = new Map<string, Distinct[]>();
  /** Blob sizes by digest, each once. */
  private readonly sizes = new Map<string, number>();
  /** Blobs already in the destination before the copy began, counted by `startFrom`. */
  private readonly counted = new Set<string>();

  constructor(plan: CopyPlan, emit: JobEventListener) {
    for (const img of plan.images) for (const b of allBlobs(img)) this.sizes.set(b.digest, b.size);
    this.blobCount = this.sizes.size;
    this.bytesTotal = [...this.sizes.values()].reduce((n, s) => n + s, 0);
    this.emit = emit;
    for (const img of plan.images) {
      const key = imageKey({ source: img.request.sourceText, digest: img.root.digest });
      const known = this.distinct.get(key);
      if (known) {
        known.left++;
        this.imageOf.set(img, known);
        continue;
      }
      const entry: Distinct = { name: img.request.sourceText, total: 0, done: 0, left: 1 };
      for (const b of allBlobs(img)) {
        const of = this.imagesOfBlob.get(b.digest);
        if (of) of.push(entry);
        else this.imagesOfBlob.set(b.digest, [entry]);
        entry.total += b.size;
      }
      this.distinct.set(key, entry);
      this.imageOf.set(img, entry);
    }
    this.imagesTotal = this.distinct.size;
  }

  /**
   * Counts what is already in the destination (a resumed pull: the blobs the interrupted run
   * finished) before the copy begins, and says so at once: the bytes, each image's share, and the
   * images whose every blob is there. The copy then reports those blobs as present; they are not
   * counted twice.
   */
  async startFrom(has: (digest: string) => Promise<boolean>): Promise<void> {
    for (const [digest, size] of this.sizes) {
      if (!(await has(digest))) continue;
      this.counted.add(digest);
      this.bytesDone += size;
      this.blobDone(digest, size);
    }
    if (this.counted.size === 0) return;
    for (const [image, entry] of this.imageOf) {
      if (allBlobs(image).every((b) => this.counted.has(b.digest))) this.listingDone(image, entry);
    }
    this.tick(true);
  }

  private blobDone(digest: string, size: number): void {
    for (const entry of this.imagesOfBlob.get(digest) ?? []) {
      entry.done = Math.min(entry.total, entry.done + size);
      this.emit({ type: 'image-bytes', image: entry.name, bytesDone: entry.done, bytesTotal: entry.total });
    }
  }

  /** One listing finished; its image is done (or failed) once every listing of it is. */
  private listingDone(image: ImageGraph, entry: Distinct, error?: Error): void {
    const first = !this.finished.has(image);
    if (!first && !error) return; // counted done by startFrom
    if (first) {
      this.finished.add(image);
      entry.left--;
      if (entry.left === 0) this.imagesDone++;
    }
    if (error) entry.failed ??= error.message;
    if (entry.left > 0 && !error) return;
    this.emit({
      type: 'image',
      image: entry.name,
      status: entry.failed ? 'failed' : 'done',
      ...(entry.failed ? { message: entry.failed } : {}),
    });
  }

  private tick(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < EMIT_EVERY_MS) return;
    this.lastEmit = now;
    this.emit({
      type: 'progress',
      bytesDone: Math.min(this.bytesDone, this.bytesTotal),
      bytesTotal: this.bytesTotal,
      imagesDone: this.imagesDone,
      imagesTotal: this.imagesTotal,
    });
  }

  copyProgress(): CopyProgress {
    return {
      onBytes: (n) => {
        this.bytesDone += n;
        this.tick();
      },
      onBlobDone: (digest, size, how) => {
        this.blobs[how]++;
        if (how === 'copied') this.blobs.copiedBytes += size;
        if (this.counted.has(digest)) return;
        this.blobDone(digest, size);
        if (how === 'copied') return;
        // Present or mounted: nothing streamed, so its bytes count now.
        this.bytesDone += size;
        this.tick();
      },
      onImageDone: (image, error) => {
        const entry = this.imageOf.get(image);
        if (entry) this.listingDone(image, entry, error);
        this.tick(true);
      },
    };
  }
}
