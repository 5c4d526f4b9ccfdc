// Registry logins typed into the app. Held in memory for the session; with "remember", written to
// `<data folder>/logins.json` encrypted by Electron's safeStorage (the OS keychain: Keychain, DPAPI,
// libsecret/kwallet). Where safeStorage only has its built-in key (Linux without a keyring, backend
// 'basic_text') the login is NOT written: that would be obfuscation, not encryption. Never in the
// ledger, never in a log; every password is registered for redaction.
//
// safeStorage is passed in (not imported) so this module runs, and is tested, without Electron.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CredentialStorage, LoginRequest, SavedLogin } from '../../../shared/dto.ts';
import { IoError, registerSecret, UsageError } from '../../engine/api/errors.ts';
import { type Credentials, type CredentialSource, parseRepositoryPath } from '../../engine/api/input.ts';

/** The part of Electron's safeStorage this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

interface FileFormat {
  format: 'ferry-logins';
  version: 1;
  /** registry host → base64 of safeStorage.encryptString(JSON {username,password}). */
  logins: Record<string, string>;
}

/** `host[:port]` of a registry or push target, lower-cased: logins belong to hosts, not paths. */
export function loginKey(registry: string): string {
  return parseRepositoryPath(registry.trim()).registry.toLowerCase();
}

export class CredentialStore {
  readonly file: string;
  readonly #safeStorage: SafeStorageLike;
  readonly #logins = new Map<string, Credentials & { username: string; kept: SavedLogin['kept'] }>();
  #loaded = false;
  /** A stored login that could not be decrypted (another user, another machine): reported once. */
  unreadable: string[] = [];

  constructor(file: string, safeStorage: SafeStorageLike) {
    this.file = file;
    this.#safeStorage = safeStorage;
  }

  storage(): CredentialStorage {
    if (!this.#safeStorage.isEncryptionAvailable()) return 'session-only';
    const backend = this.#safeStorage.getSelectedStorageBackend?.();
    return backend === 'basic_text' || backend === 'unknown' ? 'weak' : 'encrypted';
  }

  save(request: LoginRequest): SavedLogin {
    this.#load();
    const registry = loginKey(request.registry);
    if (!request.username.trim()) throw new UsageError('the login is empty: type the user name');
    registerSecret(request.password);
    const kept = request.remember && this.storage() === 'encrypted' ? 'encrypted' : 'session';
    this.#logins.set(registry, { username: request.username, password: request.password, kept });
    // Remembering nothing is also a choice: an earlier remembered login for this host goes.
    this.#write();
    return { registry, username: request.username, kept };
  }

  list(): SavedLogin[] {
    this.#load();
    return [...this.#logins].map(([registry, l]) => ({ registry, username: l.username, kept: l.kept }));
  }

  get(registry: string): (Credentials & { username: string }) | undefined {
    this.#load();
    const login = this.#logins.get(loginKey(registry));
    return login ? { username: login.username, password: login.password ?? '' } : undefined;
  }

  forget(registry: string): boolean {
    this.#load();
    const removed = this.#logins.delete(loginKey(registry));
    if (removed) this.#write();
    return removed;
  }

  /** The engine's view: credentials per registry host (the transport asks by host). */
  source(): CredentialSource {
    return async (host) => {
      const login = this.get(host);
      return login ? { username: login.username, password: login.password } : undefined;
    };
  }

  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    let parsed: FileFormat;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8')) as FileFormat;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      // A damaged file loses remembered logins, not the app: they can be typed again.
      this.unreadable.push(this.file);
      return;
    }
    if (parsed.format !== 'ferry-logins' || typeof parsed.logins !== 'object') return;
    if (!this.#safeStorage.isEncryptionAvailable()) {
      this.unreadable.push(...Object.keys(parsed.logins));
      return;
    }
    for (const [registry, sealed] of Object.entries(parsed.logins)) {
      try {
        const plain = JSON.parse(this.#safeStorage.decryptString(Buffer.from(sealed, 'base64'))) as {
          username?: unknown;
          password?: unknown;
        };
        if (typeof plain.username !== 'string' || typeof plain.password !== 'string')
          throw new Error('shape');
        registerSecret(plain.password);
        this.#logins.set(registry, { username: plain.username, password: plain.password, kept: 'encrypted' });
      } catch {
        this.unreadable.push(registry);
      }
    }
  }

  #write(): void {
    const logins: Record<string, string> = {};
    for (const [registry, l] of this.#logins) {
      if (l.kept !== 'encrypted') continue;
      const sealed = this.#safeStorage.encryptString(
        JSON.stringify({ username: l.username, password: l.password }),
      );
      logins[registry] = sealed.toString('base64');
    }
    const body: FileFormat = { format: 'ferry-logins', version: 1, logins };
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(`${this.file}.tmp`, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
      renameSync(`${this.file}.tmp`, this.file);
    } catch (err) {
      throw new IoError(
        `cannot save the login in ${this.file}: ${(err as Error).message}; check the folder's permissions`,
        {
          cause: err,
        },
      );
    }
  }
}
