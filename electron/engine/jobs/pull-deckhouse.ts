// The Deckhouse pull job: plan the distribution from the source registry (planner.ts), then run the
// ordinary pull with d8's archive placement. Resume, chunking, GOST sidecars and the transfer
// manifest all come from jobs/pull.ts; an interrupted Deckhouse pull resumes when the plan is the
// same (the channels have not moved in between). Like d8 (platform.go), a pull that reads the
// channels writes deckhousereleases.yaml beside the archives once the bundle is whole; a
// --deckhouse-tag pull does not.
import { join } from 'node:path';
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import { DECKHOUSE_RELEASES_FILE } from '../deckhouse/deckhouse-releases.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';
import { bundleDeckhouseReleases } from './deckhouse-releases.ts';
import { UsageError } from '../errors.ts';
import { pull, type PullOptions } from './pull.ts';
import { RegistryStore } from '../store/registry-store.ts';
import { createTransport } from '../transport/transport.ts';
import { deckhousePlacement } from '../deckhouse/layout-paths.ts';
import {
  parseSelection,
  planDeckhouse,
  type DeckhousePlan,
  type DeckhouseSelection,
} from '../deckhouse/planner.ts';

export interface DeckhousePullOptions extends Omit<PullOptions, 'images' | 'placement'> {
  selection: DeckhouseSelection;
}

export interface DeckhousePullResult {
  manifest: TransferManifest;
  plan: DeckhousePlan;
}

/** Reads the source and plans the distribution; writes nothing (d8's --dry-run stops here). */
export async function planDeckhousePull(
  options: Pick<DeckhousePullOptions, 'selection' | 'transport' | 'signal' | 'onEvent' | 'concurrency'>,
): Promise<DeckhousePlan> {
  const selection = parseSelection(options.selection);
  const emit = options.onEvent ?? (() => {});
  emit({
    type: 'phase',
    phase: 'plan',
    message: `reading the Deckhouse distribution at ${selection.registry}/${selection.root}`,
  });
  const transport = createTransport(options.transport);
  try {
    return await planDeckhouse(new RegistryStore(selection.registry, transport), selection, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
  } finally {
    await transport.close();
  }
}

export async function pullDeckhouse(options: DeckhousePullOptions): Promise<DeckhousePullResult> {
  const { selection: _selection, ...pullOptions } = options;
  const plan = await planDeckhousePull(options);
  if (plan.requests.length === 0) {
    throw new UsageError(`nothing to pull from ${plan.source}: the selection matches no image`);
  }
  const manifest = await pull({
    ...pullOptions,
    images: plan.requests,
    placement: deckhousePlacement,
    ...(plan.skipped.length ? { skipped: plan.skipped } : {}),
  });
  if (plan.platform && options.selection.deckhouseTag === undefined)
    await writeDeckhouseReleases(options.bundleDir, options);
  return { manifest, plan };
}

/** d8 warns when deckhousereleases.yaml cannot be made and keeps the bundle; so does Ferry. */
async function writeDeckhouseReleases(bundleDir: string, options: DeckhousePullOptions): Promise<void> {
  const emit = options.onEvent ?? (() => {});
  const warn = (message: string) => emit({ type: 'log', level: 'warn', message });
  try {
    const releases = await bundleDeckhouseReleases(bundleDir, options.signal);
    for (const problem of releases.problems) warn(`${DECKHOUSE_RELEASES_FILE}: left out ${problem}`);
    if (!releases.versions.length) return;
    await writeFileAtomic(join(bundleDir, DECKHOUSE_RELEASES_FILE), releases.yaml);
    emit({
      type: 'log',
      level: 'info',
      message: `wrote ${DECKHOUSE_RELEASES_FILE} (${releases.versions.length} DeckhouseRelease(s)): kubectl apply -f it on the isolated cluster after the push`,
    });
  } catch (err) {
    warn(`${DECKHOUSE_RELEASES_FILE} not written: ${(err as Error).message}`);
  }
}
