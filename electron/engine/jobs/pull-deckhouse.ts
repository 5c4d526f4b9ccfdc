// The Deckhouse pull job: plan the distribution from the source registry (planner.ts), then run the
// ordinary pull with d8's archive placement. Resume, chunking, GOST sidecars and the transfer
// manifest all come from jobs/pull.ts; an interrupted Deckhouse pull resumes when the plan is the
// same (the channels have not moved in between).
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
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
  return { manifest, plan };
}
