// Turns copy callbacks into job events: bytes done of the total, images done, at most ~10 per second,
// and each image's share of finished blobs (a blob shared by several images counts for each), so the
// app can say "downloading 40%" per image although blobs move in parallel across images. A resumed
// pull starts from what the interrupted run finished (`startFrom`), so its first event is not 0.
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { CopyProgress } from '../copy/copy.ts';
import { allBlobs, type CopyPlan, type ImageGraph } from '../plan/image-graph.ts';

export class ProgressMeter {
  readonly bytesTotal: number;
  readonly blobCount: number;
  readonly imagesTotal: number;
  bytesDone = 0;
  /** Images finished: a set, so one done at the start is not counted again when the copy ends it. */
  private readonly finished = new Set<ImageGraph>();
  private readonly images: readonly ImageGraph[];
  /** Blobs by how they reached the destination: copied, already present, or mounted. */
  readonly blobs = { copied: 0, present: 0, mounted: 0, copiedBytes: 0 };
  private lastEmit = 0;
  private readonly emit: JobEventListener;
  /** Per image (by source text): the bytes of its blobs, and of those already finished. */
  private readonly perImage = new Map<string, { total: number; done: number }>();
  /** A set, not a list: a base layer is shared by every image of an edition (thousands). */
  private readonly imagesOfBlob = new Map<string, Set<string>>();
  /** Blob sizes by digest, each once. */
  private readonly sizes = new Map<string, number>();
  /** Blobs already in the destination before the copy began, counted by `startFrom`. */
  private readonly counted = new Set<string>();

  constructor(plan: CopyPlan, emit: JobEventListener) {
    const blobs = this.sizes;
    for (const img of plan.images) for (const b of allBlobs(img)) blobs.set(b.digest, b.size);
    this.blobCount = blobs.size;
    this.bytesTotal = [...blobs.values()].reduce((n, s) => n + s, 0);
    this.imagesTotal = plan.images.length;
    this.images = plan.images;
    this.emit = emit;
    for (const img of plan.images) {
      const name = img.request.sourceText;
      const entry = this.perImage.get(name) ?? { total: 0, done: 0 };
      for (const b of allBlobs(img)) {
        const names = this.imagesOfBlob.get(b.digest) ?? new Set<string>();
        if (names.has(name)) continue; // the same image listed twice counts its blob once
        names.add(name);
        this.imagesOfBlob.set(b.digest, names);
        entry.total += b.size;
      }
      this.perImage.set(name, entry);
    }
  }

  get imagesDone(): number {
    return this.finished.size;
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
    for (const image of this.images) {
      if (this.finished.has(image) || !allBlobs(image).every((b) => this.counted.has(b.digest))) continue;
      this.finished.add(image);
      this.emit({ type: 'image', image: image.request.sourceText, status: 'done' });
    }
    this.tick(true);
  }

  private blobDone(digest: string, size: number): void {
    for (const name of this.imagesOfBlob.get(digest) ?? []) {
      const entry = this.perImage.get(name);
      if (!entry) continue;
      entry.done = Math.min(entry.total, entry.done + size);
      this.emit({ type: 'image-bytes', image: name, bytesDone: entry.done, bytesTotal: entry.total });
    }
  }

  private tick(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < 100) return;
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
        if (!error && this.finished.has(image)) return; // counted done by startFrom
        this.finished.add(image);
        this.emit({
          type: 'image',
          image: image.request.sourceText,
          status: error ? 'failed' : 'done',
          ...(error ? { message: error.message } : {}),
        });
        this.tick(true);
      },
    };
  }
}
