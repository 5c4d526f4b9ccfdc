// The page-side half of the test bridge: a script injected (only in tests, by Playwright's
// addInitScript) that defines window.ferry with the same FerryApi contract the preload exposes in
// Electron, carried over fetch (invoke) and server-sent events (on). The page's code is unchanged.
import { eventChannels } from '../../shared/ipc.ts';

export function bridgeShim(token: string): string {
  return `(() => {
  const token = ${JSON.stringify(token)};
  const events = ${JSON.stringify(eventChannels)};
  const listeners = new Map(events.map((e) => [e, new Set()]));
  let source;
  const connect = () => {
    if (source) return;
    source = new EventSource('/events?token=' + encodeURIComponent(token));
    for (const channel of events) {
      source.addEventListener(channel, (e) => {
        const payload = JSON.parse(e.data);
        for (const listener of listeners.get(channel)) listener(payload);
      });
    }
  };
  window.ferry = Object.freeze({
    async invoke(channel, request) {
      const res = await fetch('/ipc/' + encodeURIComponent(channel), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ferry-token': token },
        body: JSON.stringify(request),
      });
      return res.json();
    },
    on(channel, listener) {
      if (!listeners.has(channel)) throw new Error(channel + ' is not an app event');
      connect();
      listeners.get(channel).add(listener);
      return () => listeners.get(channel).delete(listener);
    },
  });
})();`;
}
