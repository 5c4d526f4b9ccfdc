// The preload script with 'electron' mocked: it exposes exactly one object, window.ferry, whose
// invoke reaches IPC only for contract channels and whose events reach the page without Electron's
// event object.
import { describe, expect, it, vi } from 'vitest';
import { channels, type FerryApi } from '../../shared/ipc.ts';

type Listener = (...args: unknown[]) => void;

const h = vi.hoisted(() => {
  const exposed: Array<[string, unknown]> = [];
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<Listener>>();
  return {
    exposed,
    invoked,
    listeners,
    electron: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
      ipcRenderer: {
        invoke: (channel: string, request: unknown) => {
          invoked.push([channel, request]);
          return Promise.resolve({ ok: true, value: { echoed: channel } });
        },
        on: (channel: string, fn: Listener) => {
          listeners.set(channel, (listeners.get(channel) ?? new Set()).add(fn));
        },
        removeListener: (channel: string, fn: Listener) => listeners.get(channel)?.delete(fn),
      },
    },
  };
});

vi.mock('electron', () => h.electron);

await import('./preload.ts');
const api = h.exposed[0]?.[1] as FerryApi;

describe('preload', () => {
  it('exposes one api object as window.ferry, with invoke and on only', () => {
    expect(h.exposed.map(([key]) => key)).toEqual(['ferry']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards every contract channel to ipcRenderer.invoke', async () => {
    for (const channel of channels) {
      expect(await api.invoke(channel, {})).toEqual({ ok: true, value: { echoed: channel } });
    }
    expect(h.invoked.map(([c]) => c)).toEqual(channels);
  });

  it('refuses a channel outside the contract without touching IPC', async () => {
    const before = h.invoked.length;
    const result = await api.invoke('shell:openExternal' as never, {} as never);
    expect(result).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_USAGE' } });
    expect(h.invoked.length).toBe(before);
  });

  it('delivers event payloads without the IPC event, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('job:event', (payload) => got.push(payload));
    const fire = (payload: unknown) => {
      for (const fn of h.listeners.get('job:event') ?? []) fn({ sender: 'secret ipc object' }, payload);
    };
    fire({ jobId: 'a', event: { type: 'log', level: 'info', message: 'hi' } });
    expect(got).toEqual([{ jobId: 'a', event: { type: 'log', level: 'info', message: 'hi' } }]);
    off();
    fire({ jobId: 'b' });
    expect(got).toHaveLength(1);
    expect(h.listeners.get('job:event')?.size).toBe(0);
  });

  it('refuses to subscribe to anything but the contract events', () => {
    expect(() => api.on('ipc:anything' as never, () => {})).toThrow(/not an app event/);
    expect(h.listeners.has('ipc:anything')).toBe(false);
  });
});
