// Which files go on which stick. Chunks keep their order (stick 1 holds the first ones), each stick
// keeps room for the transfer manifest and its signature (every stick carries them, so any stick says
// which transfer it belongs to), and a file never spans two sticks: a chunk larger than a stick is an
// error that asks for a smaller chunk size.
import type { StickPlan } from '../../../shared/dto.ts';
import { UsageError } from '../../engine/errors.ts';
import { formatBytes } from '../../../shared/format.ts';

/** Room kept on every stick for ferry-manifest.json, its signature and filesystem slack. */
export const STICK_RESERVE = 4 * 1024 * 1024;

export function planSticks(
  files: Array<{ file: string; size: number }>,
  stickBytes: number,
  reserve = STICK_RESERVE,
): StickPlan {
  const room = stickBytes - reserve;
  if (room <= 0)
    throw new UsageError(`a stick of ${formatBytes(stickBytes)} is too small: choose a larger one`);
  const sticks: StickPlan['sticks'] = [];
  for (const f of files) {
    if (f.size > room) {
      throw new UsageError(
        `${f.file} (${formatBytes(f.size)}) does not fit on a stick with ${formatBytes(room)} of room: choose a chunk size below ${formatBytes(room)}`,
      );
    }
    let current = sticks[sticks.length - 1];
    if (!current || current.bytes + f.size > room) {
      current = { index: sticks.length + 1, files: [], bytes: 0 };
      sticks.push(current);
    }
    current.files.push(f);
    current.bytes += f.size;
  }
  return { stickBytes, totalBytes: files.reduce((n, f) => n + f.size, 0), sticks };
}
