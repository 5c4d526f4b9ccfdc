// Logins typed into the app: kept for the session, written to disk only encrypted (safeStorage), never
// in clear, never when safeStorage has only its built-in key.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeSafeStorage } from '../../../test/e2e/fake-safe-storage.ts';
import { redact } from '../../engine/redact.ts';
import { CredentialStore, loginKey } from './credential-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-logins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `logins-${++n}.json`);

describe('CredentialStore', () => {
  it('keys logins by registry host, whatever path or case was typed', () => {
    expect(loginKey('Registry.Example.com:5000/mirror/apps')).toBe('registry.example.com:5000');
    expect(loginKey(' 127.0.0.1:5000 ')).toBe('127.0.0.1:5000');
  });

  it('writes a remembered login encrypted, and reads it back in a new session', async () => {
    const path = file();
    const safe = fakeSafeStorage();
    const store = new CredentialStore(path, safe);
    expect(store.storage()).toBe('encrypted');
    expect(
      store.save({
        registry: 'reg.local:5000/mirror',
        username: 'admin',
        password: 'S3cret-pass!',
        remember: true,
      }),
    ).toEqual({
      registry: 'reg.local:5000',
      username: 'admin',
      kept: 'encrypted',
    });
    const onDisk = readFileSync(path, 'utf8');
    expect(onDisk).not.toContain('S3cret-pass!');
    expect(onDisk).not.toContain('admin');
    expect(onDisk).toContain('reg.local:5000');

    const next = new CredentialStore(path, safe);
    expect(next.get('reg.local:5000')).toEqual({ username: 'admin', password: 'S3cret-pass!' });
    expect(await next.source()('reg.local:5000')).toEqual({ username: 'admin', password: 'S3cret-pass!' });
    expect(next.list()).toEqual([{ registry: 'reg.local:5000', username: 'admin', kept: 'encrypted' }]);
    // Every password the store learns is masked in any message.
    expect(redact('login S3cret-pass! refused')).toBe('login *** refused');
  });

  it('keeps a login for the session only when not asked to remember it', () => {
    const path = file();
    const store = new CredentialStore(path, fakeSafeStorage());
    expect(store.save({ registry: 'a:1', username: 'u', password: 'pw-session', remember: false }).kept).toBe(
      'session',
    );
    expect(store.get('a:1')?.password).toBe('pw-session');
    expect(readFileSync(path, 'utf8')).not.toContain('pw-session');
    expect(new CredentialStore(path, fakeSafeStorage()).get('a:1')).toBeUndefined();
  });

  it('never writes a login when safeStorage has only its built-in key (Linux without a keyring)', () => {
    const path = file();
    const store = new CredentialStore(path, fakeSafeStorage({ backend: 'basic_text' }));
    expect(store.storage()).toBe('weak');
    expect(store.save({ registry: 'a:1', username: 'u', password: 'pw-weak', remember: true }).kept).toBe(
      'session',
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ logins: {} });
  });

  it('works with encryption unavailable, in memory only', () => {
    const store = new CredentialStore(file(), fakeSafeStorage({ available: false }));
    expect(store.storage()).toBe('session-only');
    store.save({ registry: 'a:1', username: 'u', password: 'pw-none', remember: true });
    expect(store.list()).toEqual([{ registry: 'a:1', username: 'u', kept: 'session' }]);
  });

  it('forgets a login on disk too', () => {
    const path = file();
    const safe = fakeSafeStorage();
    const store = new CredentialStore(path, safe);
    store.save({ registry: 'a:1', username: 'u', password: 'pw-forget', remember: true });
    expect(store.forget('a:1/any/path')).toBe(true);
    expect(store.forget('a:1')).toBe(false);
    expect(new CredentialStore(path, safe).list()).toEqual([]);
  });

  it('survives a damaged file or a key it cannot decrypt (another user), losing only those logins', () => {
    const damaged = file();
    writeFileSync(damaged, '{ not json');
    const a = new CredentialStore(damaged, fakeSafeStorage());
    expect(a.list()).toEqual([]);
    expect(a.unreadable).toEqual([damaged]);

    const path = file();
    new CredentialStore(path, fakeSafeStorage()).save({
      registry: 'b:2',
      username: 'u',
      password: 'pw-other',
      remember: true,
    });
    const otherKey = new CredentialStore(path, fakeSafeStorage());
    expect(otherKey.list()).toEqual([]);
    expect(otherKey.unreadable).toEqual(['b:2']);
    expect(existsSync(path)).toBe(true);
  });
});
