// What the three planners (platform, security databases, modules) share: the source store, the
// edition root, a request list that keeps each destination (path + tag) once, and small helpers
// for the questions they ask the registry.
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { ImageRequest } from '../plan/image-graph.ts';
import { NotFoundError } from '../errors.ts';
import type { BlobSource } from '../store/store.ts';
import pLimit from 'p-limit';
import type { ChannelVersion, ReleaseChannel } from './channels.ts';
import { readImageJson } from './image-files.ts';
import { joinPath } from '../bundle/d8-layout.ts';
import { FERRY_EXTRAS, type FerryExtra } from './ferry-extras.ts';

export class PlanContext {
  readonly store: BlobSource;
  readonly registry: string;
  /** Edition root repository in the source, e.g. 'deckhouse/ee'. */
  readonly root: string;
  readonly signal: AbortSignal | undefined;
  readonly emit: JobEventListener;
  readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly requests = new Map<string, ImageRequest>();
  /** What the plan leaves out where d8 skips and warns (see skip()). */
  readonly skipped: Array<{ item: string; reason: string }> = [];
  /** --strict: refuse instead of skipping. */
  readonly strict: boolean;
  /** What Ferry carries beyond d8 that is left on (ferry-extras.ts). */
  readonly extras: ReadonlySet<FerryExtra>;
  /** Where the plan used an extra, for the plan's summary. */
  readonly extrasUsed: Array<{ extra: FerryExtra; detail: string }> = [];
  /** Look up d8's VEX attestations of tag-referenced images (`<repo>:<tag>.att`); off with --skip-vex-images. */
  readonly vex: boolean;

  constructor(options: {
    store: BlobSource;
    registry: string;
    root: string;
    signal?: AbortSignal;
    emit?: JobEventListener;
    concurrency?: number;
    strict?: boolean;
    vex?: boolean;
    extras?: ReadonlySet<FerryExtra>;
  }) {
    this.extras = options.extras ?? new Set(Object.keys(FERRY_EXTRAS) as FerryExtra[]);
    this.strict = options.strict === true;
    this.vex = options.vex !== false;
    this.store = options.store;
    this.registry = options.registry;
    this.root = options.root;
    this.signal = options.signal;
    this.emit = options.emit ?? (() => {});
    this.limit = pLimit(options.concurrency ?? 8);
  }

  /** Source repository of a path relative to the edition root. */
  repo(path: string): string {
    return joinPath(this.root, path);
  }

  /**
   * Plans `<source repository>:<reference>` to land at `<path>:<tag>`. A digest reference without a
   * tag gets its 64-hex digest as tag (d8's short_tag for digest images). A later request for the
   * same destination replaces an earlier one (an exact channel alias overrides the source's channel).
   */
  add(sourceRepository: string, reference: string, path: string, tag?: string): void {
    const isDigest = reference.startsWith('sha256:');
    const targetTag = tag ?? (isDigest ? reference.slice('sha256:'.length) : reference);
    this.requests.set(`${path}\n${targetTag}`, {
      sourceText: `${this.registry}/${sourceRepository}${isDigest ? '@' : ':'}${reference}`,
      source: { registry: this.registry, repository: sourceRepository, reference },
      target: { repository: path, tag: targetTag },
    });
  }

  /**
   * The VEX attestation d8 carries beside an image referenced by tag: `<repo>:<tag>.att`, when the
   * source has it (d8 platform.go FindVexImage, modules.go findVexImage). Images referenced by digest
   * need no lookup: their cosign `sha256-<hex>.att` travels with them (copy/resolve.ts).
   */
  async addVex(sourceRepository: string, tag: string, path: string): Promise<void> {
    if (!this.vex || tag.startsWith('sha256:')) return;
    const att = `${tag}.att`;
    if (await this.limit(() => this.exists(sourceRepository, att)))
      this.add(sourceRepository, att, path, att);
  }

  /** Sorted by destination, so the same distribution always gives the same plan (resume relies on it). */
  all(): ImageRequest[] {
    const order = (r: ImageRequest) => `${r.target.repository}\n${r.target.tag ?? ''}`;
    return [...this.requests.values()].sort((a, b) =>
      order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0,
    );
  }

  async exists(repository: string, reference: string): Promise<boolean> {
    return (await this.store.headManifest(repository, reference, this.signal)) !== undefined;
  }

  /** Tags of a repository; [] when the repository does not exist. */
  async tags(repository: string): Promise<string[]> {
    try {
      return await this.store.listTags(repository, this.signal);
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      throw err;
    }
  }

  async json(repository: string, reference: string, path: string): Promise<unknown> {
    return readImageJson(this.store, repository, reference, path, this.signal);
  }

  /** version.json of a channel image ({"version": "v1.2.3", "suspend": false}). */
  async channelVersion(repository: string, channel: ReleaseChannel): Promise<ChannelVersion> {
    const doc = (await this.json(repository, channel, 'version.json')) as
      { version?: unknown; suspend?: unknown } | undefined;
    if (!doc || typeof doc.version !== 'string' || doc.version === '') {
      throw new NotFoundError(
        `${this.registry}/${repository}:${channel} holds no version.json with a "version": is this a Deckhouse release channel image?`,
      );
    }
    return { channel, version: doc.version, suspended: doc.suspend === true };
  }

  /**
   * Where d8 skips and warns (a module with no release channel, an odd extra_images.json entry), a
   * multi-hour pull goes on without the item: one warning per item, recorded in the plan. With
   * --strict the pull stops instead.
   */
  skip(item: string, reason: string): void {
    if (this.strict)
      throw new NotFoundError(`${item}: ${reason} (--strict stops here; without it the item is skipped)`);
    // Once per item: an extra image several versions name is one skip, not one per version.
    if (this.skipped.some((s) => s.item === item)) return;
    this.skipped.push({ item, reason });
    this.emit({ type: 'log', level: 'warn', message: `skipped ${item}: ${reason}` });
  }

  /** Records that the plan carries something d8 would not (only while that extra is on). */
  usedExtra(extra: FerryExtra, detail: string): void {
    if (this.extras.has(extra)) this.extrasUsed.push({ extra, detail });
  }

  log(message: string): void {
    this.emit({ type: 'log', level: 'info', message });
  }
}
