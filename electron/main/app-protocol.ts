// app://ferry/… serves the built renderer from inside the package: a standard, secure origin of its
// own (so the CSP's 'self' means the app and nothing else) instead of file://, which would reach the
// whole disk.
import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { contentType, rendererFile } from './renderer-files.ts';

export const APP_SCHEME = 'app';

export const appSchemePrivileges = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'ferry' ? rendererFile(rendererRoot, url.pathname) : undefined;
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: { 'content-type': contentType(file) } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
