// How a bundle's images land in a target registry, for layouts that need more than
// `<push root>/<image's repository>`: the push-side twin of the writer's Placement. A Deckhouse
// bundle moves its modules under a modules path and, once the copy is done, tags each module that
// arrived whole so a cluster can discover it (deckhouse/push-layout.ts); the generic push knows
// neither.
import type { BlobSink } from '../store/store.ts';
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { ImageRecord } from './transfer-manifest.ts';

/** What a layout adds to the push report. */
export interface PushLayoutReport {
  /** Deckhouse bundles: the modules pushed, and the repository their discovery tags are in. */
  modules?: { repository: string; names: string[] };
  /** Deckhouse bundles: the packages pushed, and the repository their discovery tags are in. */
  packages?: { repository: string; names: string[] };
}

export interface PushLayout {
  /** The repository a record goes to under the push root; throws when it cannot go anywhere. */
  targetOf(record: ImageRecord): string;
  /** A dry run: what the layout would report. */
  planned(records: ImageRecord[]): PushLayoutReport;
  /** After the copy, knowing which records did not arrive whole: the layout's own writes. */
  afterCopy(
    target: BlobSink,
    outcome: { records: ImageRecord[]; failed: ImageRecord[] },
    options: { registry: string; signal?: AbortSignal; onEvent?: JobEventListener },
  ): Promise<PushLayoutReport>;
}
