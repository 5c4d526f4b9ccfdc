// The Electron bootstrap with 'electron' mocked (no Electron binary runs here): one instance, the
// app:// scheme, a hardened window and session, every contract channel registered and answered only
// for the app's own frame, job events forwarded to the window, a clean quit, and the close guard's
// question when the window closes or the app quits mid-transfer, each answer carried out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/errors.ts';
import { channels } from '../../shared/ipc.ts';
import { startGateProxy, type GateProxy } from '../../test/e2e/gate-proxy.ts';
import { startRegistry, type RunningRegistry } from '../../test/harness/registry.ts';
import { seedGeneric } from '../../test/harness/seed-generic.ts';

type Listener = (...args: unknown[]) => unknown;

// Vitest clears vi.fn() call records before each test; what the bootstrap did at import time is kept
// in these plain recorders instead.
const h = vi.hoisted(() => {
  const recorder = <R = void>(result?: R) => {
    const calls: unknown[][] = [];
    return Object.assign((...args: unknown[]) => (calls.push(args), result as R), { calls });
  };
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
      return this;
    }
    once(event: string, fn: Listener) {
      return this.on(event, fn);
    }
    emit(event: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args);
    }
  }
  class WebContents extends Emitter {
    openHandler: Listener | undefined;
    sent: Array<[string, unknown]> = [];
    setWindowOpenHandler(fn: Listener) {
      this.openHandler = fn;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return false;
    }
  }
  const windows: BrowserWindow[] = [];
  class BrowserWindow extends Emitter {
    options: Record<string, unknown>;
    webContents = new WebContents();
    loaded: string[] = [];
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      windows.push(this);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    closed = 0;
    close() {
      this.closed++;
    }
    show() {}
    focus() {}
    isMinimized() {
      return false;
    }
    restore() {}
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    lock: true,
    requestSingleInstanceLock: () => app.lock,
    quit: recorder(),
    exit: recorder(),
    enableSandbox: recorder(),
    whenReady: () => Promise.resolve(),
  });
  const ipc = new Map<string, Listener>();
  const menus: unknown[] = [];
  const Menu = {
    buildFromTemplate: (template: unknown) => ({ template }),
    setApplicationMenu: (menu: unknown) => menus.push(menu),
  };
  const prompts: unknown[][] = [];
  const answer = { label: '' };
  const permission = { request: undefined as Listener | undefined, check: undefined as Listener | undefined };
  return {
    app,
    windows,
    ipc,
    permission,
    WebContents,
    menus,
    prompts,
    answer,
    electron: {
      app,
      BrowserWindow,
      Menu,
      ipcMain: { handle: (channel: string, fn: Listener) => ipc.set(channel, fn) },
      protocol: { registerSchemesAsPrivileged: recorder(), handle: recorder() },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (fn: Listener) => (permission.request = fn),
          setPermissionCheckHandler: (fn: Listener) => (permission.check = fn),
          setDevicePermissionHandler: recorder(),
        },
      },
      safeStorage: {
        isEncryptionAvailable: () => false,
        encryptString: recorder(),
        decryptString: recorder(),
      },
      dialog: {
        showOpenDialog: recorder(),
        showSaveDialog: recorder(),
        // Answers with the button named in `answer` (the close guard's question), else the first.
        showMessageBox: (...args: unknown[]) => {
          prompts.push(args);
          const options = args.at(-1) as { buttons?: string[] };
          return Promise.resolve({ response: Math.max(0, options.buttons?.indexOf(answer.label) ?? 0) });
        },
      },
    },
  };
});

vi.mock('electron', () => h.electron);

const home = mkdtempSync(join(tmpdir(), 'ferry-main-'));
const appFrame = { senderFrame: { url: 'app://ferry/index.html' } };
const invoke = (channel: string, request: unknown, event: unknown = appFrame) =>
  h.ipc.get(channel)!(event, request) as Promise<Result<unknown>>;

beforeAll(async () => {
  vi.stubEnv('FERRY_HOME', home);
  await import('./main.ts');
  await vi.waitFor(() => expect(h.windows[0]?.loaded).toEqual(['app://ferry/index.html']));
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

describe('Electron main process', () => {
  it('takes the single-instance lock, sandboxes every renderer and registers app:// as a secure scheme', () => {
    expect(h.app.enableSandbox.calls).toHaveLength(1);
    expect(h.app.listeners.has('second-instance')).toBe(true);
    expect(h.electron.protocol.registerSchemesAsPrivileged.calls).toEqual([
      [
        [
          expect.objectContaining({
            scheme: 'app',
            privileges: expect.objectContaining({ standard: true, secure: true }) as unknown,
          }),
        ],
      ],
    ]);
    expect(h.electron.protocol.handle.calls).toEqual([['app', expect.any(Function)]]);
  });

  it('opens one hardened 1280×800 window with the preload script', () => {
    expect(h.windows).toHaveLength(1);
    const options = h.windows[0]!.options;
    expect(options).toMatchObject({ width: 1280, height: 800 });
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(
      (options.webPreferences as { preload: string }).preload.endsWith(`${sep}preload${sep}preload.cjs`),
    ).toBe(true);
  });

  it('denies every permission, new window, navigation and webview', () => {
    const granted = vi.fn();
    h.permission.request!({}, 'media', granted, { requestingUrl: 'app://ferry/index.html' });
    expect(granted).toHaveBeenCalledWith(false);
    expect(h.permission.check!({}, 'notifications')).toBe(false);
    // Copy needs the clipboard write permission: granted to the app's page, nothing else, no one else.
    expect(h.permission.check!({}, 'clipboard-sanitized-write', 'app://ferry')).toBe(true);
    expect(h.permission.check!({}, 'clipboard-sanitized-write', 'https://example.com')).toBe(false);
    expect(h.permission.check!({}, 'clipboard-read', 'app://ferry')).toBe(false);
    const copy = vi.fn();
    h.permission.request!({}, 'clipboard-sanitized-write', copy, { requestingUrl: 'app://ferry/index.html' });
    expect(copy).toHaveBeenCalledWith(true);
    const denied = vi.fn();
    h.permission.request!({}, 'media', denied, { requestingUrl: 'app://ferry/index.html' });
    expect(denied).toHaveBeenCalledWith(false);

    const contents = new h.WebContents();
    h.app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() };
      contents.emit(event, e, 'https://example.com');
      expect(e.preventDefault, event).toHaveBeenCalled();
    }
  });

  it('registers exactly the contract channels and answers the app with a Result envelope', async () => {
    expect([...h.ipc.keys()].sort()).toEqual([...channels].sort());
    const info = await invoke('app:info', {});
    expect(info).toEqual({
      ok: true,
      value: expect.objectContaining({
        dataFolder: home,
        credentialStorage: 'session-only',
        platform: process.platform,
      }) as unknown,
    });
  });

  it('refuses IPC from any other frame, and requests that break the contract', async () => {
    const foreign = await invoke('app:info', {}, { senderFrame: { url: 'https://evil.example/' } });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_FORBIDDEN' } });
    const bad = await invoke('registry:test', { registry: 'x', insecure: 'yes', tlsSkipVerify: false });
    expect(bad).toMatchObject({ ok: false, error: { code: 'FERRY_ERR_USAGE' } });
    expect((bad as { error: { message: string } }).error.message).toContain(
      'request.insecure must be true or false',
    );
  });

  it('runs a job and sends its state to the window', async () => {
    const notABundle = mkdtempSync(join(home, 'empty-'));
    const started = (await invoke('job:verify', { folders: [notABundle] })) as Result<{
      jobId: string;
    }>;
    expect(started.ok).toBe(true);
    const jobId = started.ok ? started.value.jobId : '';
    const sent = h.windows[0]!.webContents.sent;
    await vi.waitFor(() =>
      expect(sent).toContainEqual([
        'job:state',
        expect.objectContaining({
          jobId,
          kind: 'verify',
          status: 'failed',
          error: expect.objectContaining({ code: 'FERRY_ERR_BUNDLE_INVALID' }) as unknown,
        }),
      ]),
    );
    expect(sent).toContainEqual(['job:state', { jobId, kind: 'verify', status: 'running' }]);
  });

  it('sets a menu; a development build keeps Reload and DevTools (production: menu.test.ts)', () => {
    expect(h.menus).toHaveLength(1);
    const roles = JSON.stringify((h.menus[0] as { template: unknown }).template);
    expect(roles).toContain('"toggleDevTools"');
    expect(roles).toContain('"reload"');
  });

  it('closes the window without asking when no transfer runs', () => {
    const event = { preventDefault: vi.fn() };
    h.windows[0]!.emit('close', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(h.prompts).toEqual([]);
  });

  it('lets running jobs stop before it quits', async () => {
    const event = { preventDefault: vi.fn() };
    h.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(h.app.quit.calls.length).toBeGreaterThan(0));
  });
});

// The close guard as main wires it: the window's 'close' and the app's 'before-quit' while a pull is
// held mid-copy (a real registry behind the gate proxy) ask the question, and the answer is carried
// out: Keep leaves the window, the app and the job; Pause and Cancel stop the job, then close or quit.
describe('closing or quitting mid-transfer', () => {
  let source: RunningRegistry;
  let gate: GateProxy;
  beforeAll(async () => {
    source = await startRegistry('http');
    await seedGeneric(source, { layerSize: 256 * 1024 });
    gate = await startGateProxy(source.host);
  });
  afterAll(async () => {
    gate?.open();
    await gate?.stop();
    await source?.stop();
  });

  type Window = (typeof h.windows)[number];
  /** Main started afresh (its own job runner and window), as a new launch of the app. */
  async function freshMain(): Promise<Window> {
    vi.resetModules();
    for (const event of ['before-quit', 'second-instance', 'web-contents-created', 'window-all-closed'])
      h.app.listeners.delete(event);
    h.app.quit.calls.length = 0;
    h.prompts.length = 0;
    const before = h.windows.length;
    await import('./main.ts');
    await vi.waitFor(() => expect(h.windows[before]?.loaded).toEqual(['app://ferry/index.html']));
    return h.windows[before]!;
  }

  /** A pull through main's own IPC, held mid-copy by the closed gate. */
  async function heldPull(name: string): Promise<string> {
    gate.close();
    const held = gate.held;
    const started = (await invoke('job:pull', {
      source: { registry: gate.host, insecure: true, tlsSkipVerify: false },
      images: ['vendor/app:v1.0', 'vendor/tool:2.0'],
      platforms: [],
      signatures: false,
      bundleDir: join(home, name),
      force: false,
    })) as Result<{ jobId: string }>;
    if (!started.ok) throw new Error(started.error.message);
    await vi.waitFor(() => expect(gate.held).toBeGreaterThan(held), { timeout: 10_000 });
    return started.value.jobId;
  }

  const statusOf = async (jobId: string) => {
    const list = (await invoke('job:list', {})) as Result<Array<{ jobId: string; status: string }>>;
    return list.ok ? list.value.find((j) => j.jobId === jobId)?.status : undefined;
  };
  /** What main asked, once it has: the close guard's question with its three buttons. */
  const asked = async () => {
    await vi.waitFor(() => expect(h.prompts).toHaveLength(1));
    const options = h.prompts[0]!.at(-1) as { message: string; buttons: string[] };
    expect(h.prompts[0]![0]).toBeInstanceOf(h.electron.BrowserWindow);
    expect(options.message).toBe('A transfer is still in progress.');
    expect(options.buttons).toEqual(['Keep transferring', 'Pause and close', 'Cancel transfer and close']);
    h.prompts.length = 0;
  };
  const closeWindow = (win: Window) => {
    const event = { preventDefault: vi.fn() };
    win.emit('close', event);
    return event;
  };
  const quit = () => {
    const event = { preventDefault: vi.fn() };
    h.app.emit('before-quit', event);
    return event;
  };

  it('Keep transferring: neither the window closes nor the app quits, and the pull goes on', async () => {
    const win = await freshMain();
    const jobId = await heldPull('kept');
    h.answer.label = 'Keep transferring';
    expect(closeWindow(win).preventDefault).toHaveBeenCalled();
    await asked();
    // Once that answer is carried out (while the question is up, another close asks nothing).
    await new Promise((r) => setTimeout(r, 20));
    expect(quit().preventDefault).toHaveBeenCalled();
    await asked();
    await new Promise((r) => setTimeout(r, 50));
    expect(win.closed).toBe(0);
    expect(h.app.quit.calls).toHaveLength(0);
    expect(await statusOf(jobId)).toBe('running');
    await invoke('job:cancel', { jobId });
  });

  it.each([
    ['Pause and close', 'paused'],
    ['Cancel transfer and close', 'cancelled'],
  ])('%s: the pull is %s, then the window closes', async (label, status) => {
    const win = await freshMain();
    const jobId = await heldPull(`closed-${status}`);
    h.answer.label = label;
    expect(closeWindow(win).preventDefault).toHaveBeenCalled();
    await asked();
    await vi.waitFor(() => expect(win.closed).toBe(1));
    expect(await statusOf(jobId)).toBe(status);
    // Decided: closing now goes through without asking again.
    expect(closeWindow(win).preventDefault).not.toHaveBeenCalled();
  });

  it.each([
    ['Pause and close', 'paused'],
    ['Cancel transfer and close', 'cancelled'],
  ])('quitting asks the same: %s, the pull is %s, then the app quits', async (label, status) => {
    const win = await freshMain();
    const jobId = await heldPull(`quit-${status}`);
    h.answer.label = label;
    expect(quit().preventDefault).toHaveBeenCalled();
    await asked();
    await vi.waitFor(() => expect(h.app.quit.calls.length).toBeGreaterThan(0));
    expect(await statusOf(jobId)).toBe(status);
    expect(win.closed).toBe(0);
  });
});

describe('a second instance', () => {
  it('quits at once and opens no window', async () => {
    vi.resetModules();
    h.app.lock = false;
    h.app.quit.calls.length = 0;
    const before = h.windows.length;
    await import('./main.ts');
    expect(h.app.quit.calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.windows.length).toBe(before);
  });
});
