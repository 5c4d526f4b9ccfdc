// How a process that runs the engine (the `ferry` command, the app's main process) sets up V8.
import { setFlagsFromString } from 'node:v8';

/**
 * How much V8's old space may grow, in percent of what survived the last full collection, before it
 * collects again. Left alone, V8 picks up to 300% on a machine with memory to spare: a pull of
 * 10,000 images, ~100 MB live, then carried 200–300 MB of garbage, 540–680 MB of RSS in all
 * (docs/performance.md). At 15% the same pull peaks near 300 MB for ~10% more CPU.
 */
export const HEAP_GROWING_PERCENT = 15;

/** Set once, at start-up: the flag is read at every full collection, so it applies from the next one. */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
