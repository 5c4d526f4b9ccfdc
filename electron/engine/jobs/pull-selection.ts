// What a pull carries, said once for both adapters: a list of images, or a Deckhouse distribution
// (planned from its registry into images). The CLI's flags and the app's Source step each build one
// of these; the engine decides what to do with each, for the pull and for its preview.
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import type { DeckhouseSelection } from '../deckhouse/planner.ts';
import type { ImageRequest } from '../plan/image-graph.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import { pullDeckhouse } from './pull-deckhouse.ts';
import { pull, type PullOptions } from './pull.ts';

export type PullSelection = { images: ImageRequest[] } | { deckhouse: DeckhouseSelection };

export type PullRequest = Omit<PullOptions, 'images' | 'placement'> & PullSelection;

/** The registries a selection reads from (for the logins a pull needs). */
export function sourceRegistries(selection: PullSelection): string[] {
  return 'deckhouse' in selection
    ? [parseRepositoryPath(selection.deckhouse.source).registry]
    : [...new Set(selection.images.map((i) => i.source.registry))];
}

/** Pulls the images, or the Deckhouse distribution in d8's layout, into a bundle. */
export async function pullSelection(request: PullRequest): Promise<TransferManifest> {
  if ('deckhouse' in request) {
    const { deckhouse, ...options } = request;
    return (await pullDeckhouse({ ...options, selection: deckhouse })).manifest;
  }
  return pull(request);
}
