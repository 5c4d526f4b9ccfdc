// A pulled bundle spread over sticks: the plan (which files go on which stick) for sticks of one size,
// and the copy onto the sticks actually plugged in, each filled as far as its free space allows.
// The app plans and then copies stick by stick as the person swaps them; `ferry media copy` is given
// every stick at once.
import type { CopyResult, StickPlan } from '../../../shared/dto.ts';
import type { JobEventListener } from '../../../shared/jobs.ts';
import { readTransferManifest, type TransferManifest } from '../bundle/transfer-manifest.ts';
import { copyToStick } from './copy-to-stick.ts';
import { planOntoSticks, planSticks } from './stick-plan.ts';
import { describeVolume } from './volume.ts';

/** Every file the sticks must carry besides the manifest: the Ferry the bundle carries first (so it
 *  lands on stick 1, where the administrator starts `./ferry verify`), then the archives' parts in order. */
function partsOf(manifest: TransferManifest): Array<{ file: string; size: number }> {
  return [
    ...(manifest.carriedFerry?.files ?? []).map((f) => ({ file: f.path, size: f.size })),
    ...manifest.archives.flatMap((a) => a.parts.map((p) => ({ file: p.file, size: p.size }))),
  ];
}

export async function planBundleSticks(
  bundleDir: string,
  stickBytes: number,
): Promise<{ transferId: string; plan: StickPlan }> {
  const manifest = await readTransferManifest(bundleDir);
  return { transferId: manifest.transferId, plan: planSticks(partsOf(manifest), stickBytes) };
}

export interface CopyOntoSticksOptions {
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

/** Copies the bundle onto the sticks mounted at `mounts`, in order; nothing is copied unless all fits. */
export async function copyOntoSticks(
  bundleDir: string,
  mounts: string[],
  options: CopyOntoSticksOptions = {},
): Promise<{ transferId: string; sticks: CopyResult[] }> {
  const manifest = await readTransferManifest(bundleDir);
  const volumes = await Promise.all(mounts.map(describeVolume));
  const plan = planOntoSticks(
    partsOf(manifest),
    volumes.map((v) => v.freeBytes),
  );
  const sticks: CopyResult[] = [];
  for (const stick of plan) {
    const request = {
      bundleDir,
      destination: mounts[stick.index - 1]!,
      stick: stick.index,
      files: stick.files.map((f) => f.file),
    };
    sticks.push(await copyToStick(request, options));
  }
  return { transferId: manifest.transferId, sticks };
}
