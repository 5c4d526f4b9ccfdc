// Turns copy callbacks into job events: bytes done of the total, images done, at most ~10 per second.
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { CopyProgress } from '../copy/copy.ts';
import { allBlobs, type CopyPlan } from '../plan/image-graph.ts';

export class ProgressMeter {
  readonly bytesTotal: number;
  readonly blobCount: number;
  readonly imagesTotal: number;
  bytesDone = 0;
  imagesDone = 0;
  /** Blobs by how they reached the destination: copied, already present, or mounted. */
  readonly blobs = { copied: 0, present: 0, mounted: 0, copiedBytes: 0 };
  private lastEmit = 0;
  private readonly emit: JobEventListener;

  constructor(plan: CopyPlan, emit: JobEventListener) {
    const blobs = new Map<string, number>();
    for (const img of plan.images) for (const b of allBlobs(img)) blobs.set(b.digest, b.size);
    this.blobCount = blobs.size;
    this.bytesTotal = [...blobs.values()].reduce((n, s) => n + s, 0);
    this.imagesTotal = plan.images.length;
    this.emit = emit;
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
      onBlobDone: (_digest, size, how) => {
        this.blobs[how]++;
        if (how === 'copied') this.blobs.copiedBytes += size;
      },
      onImageDone: (image, error) => {
        this.imagesDone++;
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
