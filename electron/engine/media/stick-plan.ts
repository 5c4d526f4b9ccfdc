// Which files go on which stick. Chunks keep their order (stick 1 holds the first ones), each stick
// keeps room for the transfer manifest and its signature (every stick carries them, so any stick says
// which transfer it belongs to), and a file never spans two sticks: a chunk larger than a stick is an
// error that asks for a smaller chunk size. Sticks of one size (the app's plan, `ferry media plan`)
// and the sticks actually plugged in, each with its own free space (`ferry media copy`), are filled
// by the same loop.
import type { StickAssignment, StickPlan } from '../../../shared/dto.ts';
import { formatBytes } from '../../../shared/format.ts';
import { UsageError } from '../errors.ts';

/** Room kept on every stick for ferry-manifest.json, its signature and filesystem slack. */
export const STICK_RESERVE = 4 * 1024 * 1024;

type File = { file: string; size: number };

/** Fills sticks in order; `capacityOf(i)` is stick i's size (0-based), undefined when none is left. */
function fillSticks(
  files: File[],
  capacityOf: (index: number) => number | undefined,
  reserve: number,
): StickAssignment[] {
  const sticks: StickAssignment[] = [];
  const roomOf = (index: number) => {
    const capacity = capacityOf(index);
    if (capacity === undefined) return undefined;
    const room = capacity - reserve;
    if (room <= 0)
      throw new UsageError(`a stick of ${formatBytes(capacity)} is too small: choose a larger one`);
    return room;
  };
  let room = roomOf(0);
  for (const [at, f] of files.entries()) {
    let current = sticks[sticks.length - 1];
    if (!current || current.bytes + f.size > (room ?? 0)) {
      if (current) room = roomOf(sticks.length);
      if (room === undefined) {
        const left = files.slice(at).reduce((n, x) => n + x.size, 0);
        throw new UsageError(
          `the bundle needs more than the ${sticks.length} stick(s) given: ${files.length - at} file(s), ${formatBytes(left)} still have no stick; add another`,
        );
      }
      if (f.size > room) {
        throw new UsageError(
          `${f.file} (${formatBytes(f.size)}) does not fit on a stick with ${formatBytes(room)} of room: choose a chunk size below ${formatBytes(room)}`,
        );
      }
      current = { index: sticks.length + 1, files: [], bytes: 0 };
      sticks.push(current);
    }
    current.files.push(f);
    current.bytes += f.size;
  }
  return sticks;
}

/** How many sticks of `stickBytes` the files need, and which files go on each. */
export function planSticks(files: File[], stickBytes: number, reserve = STICK_RESERVE): StickPlan {
  return {
    stickBytes,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    sticks: fillSticks(files, () => stickBytes, reserve),
  };
}

/** The files spread over the given sticks (their free space, in order); an error if they do not fit. */
export function planOntoSticks(
  files: File[],
  freeBytes: number[],
  reserve = STICK_RESERVE,
): StickAssignment[] {
  return fillSticks(files, (i) => freeBytes[i], reserve);
}
