// window.ferry: the one api object the preload script exposes (and, in end-to-end tests, a shim with
// the same contract that talks to the test bridge).
import type { FerryApi } from '../shared/ipc.ts';

declare global {
  interface Window {
    ferry?: FerryApi;
  }
}
