// Push as both adapters run it: any bundle, with d8's layout for the images of a Deckhouse bundle
// (modules under the modules path, discovery tags after the copy). A Ferry bundle of plain images
// has no module, so the layout leaves it as the generic push would.
import { deckhousePushLayout } from '../deckhouse/push-layout.ts';
import { push, type PushOptions, type PushReport } from './push.ts';

export interface PushTransferOptions extends Omit<PushOptions, 'layout'> {
  /** Deckhouse bundles: where modules go under the target path (default '/modules', as d8). */
  modulesPathSuffix?: string;
}

export function pushTransfer(options: PushTransferOptions): Promise<PushReport> {
  const { modulesPathSuffix, ...rest } = options;
  return push({ ...rest, layout: (prefix) => deckhousePushLayout(prefix, modulesPathSuffix) });
}
