// app://ferry/ serves the built renderer and nothing outside it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerAppProtocol } from './app-protocol.ts';
import { rendererFile } from './renderer-files.ts';

const root = mkdtempSync(join(tmpdir(), 'ferry-protocol-'));
const renderer = join(root, 'renderer');
mkdirSync(join(renderer, 'assets'), { recursive: true });
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Ferry</title>');
writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'not for the page');
afterAll(() => rmSync(root, { recursive: true, force: true }));

let handler: ((request: Request) => Response | Promise<Response>) | undefined;
let registered = '';
registerAppProtocol(
  {
    handle: (scheme, fn) => {
      registered = scheme;
      handler = fn;
    },
  },
  renderer,
);
const get = (url: string) => handler!(new Request(url));

describe('app:// protocol', () => {
  it('serves the renderer with content types', async () => {
    expect(registered).toBe('app');
    const index = await get('app://ferry/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Ferry</title>');
    const js = await get('app://ferry/assets/app.js?v=1');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('never serves a file outside the renderer folder, nor another host', async () => {
    for (const url of [
      'app://ferry/../secret.txt',
      'app://ferry/%2e%2e/secret.txt',
      'app://ferry/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://other/index.html',
      'app://ferry/missing.js',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect(rendererFile(renderer, '/assets/..%2f..%2fsecret.txt')).toBeUndefined();
    expect(rendererFile(renderer, '/a%00b')).toBeUndefined();
    expect(rendererFile(renderer, '/%E0%A4%A')).toBeUndefined();
  });
});
