// The station's Ed25519 key pair: created on first use in the data folder, the private key readable
// by its owner only (0600). It signs transfer manifests, receipts and the ledger's head, so the other
// side can tell which station a bundle came from, not only that it is intact.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { IoError } from '../errors.ts';
import { syncFolderSync } from '../util/write-file-atomic.ts';
import { fingerprintOf, rawPublicKey, SIGNATURE_ALGORITHM } from './public-key.ts';

export const KEY_FOLDER = 'keys';
export const PRIVATE_KEY_FILE = 'station-ed25519.key';
export const PUBLIC_KEY_FILE = 'station-ed25519.pub';
/** A rotation's new key, written before the ledger records the change and installed after it. */
export const STAGED_KEY_FILE = 'station-ed25519.key.next';

export interface Signature {
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  fingerprint: string;
  /** Ed25519 signature, base64. */
  signature: string;
}

export class StationKey {
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
  /** Raw 32-byte public key, base64. */
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly created: boolean;
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject, privateKeyPath: string, publicKeyPath: string, created: boolean) {
    this.#privateKey = privateKey;
    this.privateKeyPath = privateKeyPath;
    this.publicKeyPath = publicKeyPath;
    this.created = created;
    this.publicKey = rawPublicKey(createPublicKey(privateKey));
    this.fingerprint = fingerprintOf(this.publicKey);
  }

  publicKeyPem(): string {
    return createPublicKey(this.#privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(message: Buffer): Signature {
    return {
      algorithm: SIGNATURE_ALGORITHM,
      publicKey: this.publicKey,
      fingerprint: this.fingerprint,
      signature: sign(null, message, this.#privateKey).toString('base64'),
    };
  }
}

const cache = new Map<string, StationKey>();

function ioError(what: string, path: string, err: unknown): IoError {
  return new IoError(`cannot ${what} the station key ${path}: ${(err as Error).message}`, { cause: err });
}

/** Drops this process's copy of the key in `home` (tests that replace keys/ underneath it). */
export function forgetStationKey(home: string): void {
  cache.delete(home);
}

/** The station key in `home`, created (0600) when there is none yet; one instance per process. */
export function stationKey(home: string): StationKey {
  const cached = cache.get(home);
  if (cached) return cached;
  const folder = join(home, KEY_FOLDER);
  const privatePath = join(folder, PRIVATE_KEY_FILE);
  const publicPath = join(folder, PUBLIC_KEY_FILE);
  let pem: string | undefined;
  let created = false;
  try {
    pem = readFileSync(privatePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('read', privatePath, err);
  }
  if (pem === undefined) {
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const pair = generateKeyPairSync('ed25519');
      const fresh = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      // 'wx': if another process created the key a moment ago, keep theirs.
      writeFileSync(privatePath, fresh, { mode: 0o600, flag: 'wx' });
      chmodSync(privatePath, 0o600); // the umask may have taken bits the mode asked for; make sure
      pem = fresh;
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create', privatePath, err);
      pem = readFileSync(privatePath, 'utf8');
    }
  }
  const key = new StationKey(keyFromPem(pem, privatePath), privatePath, publicPath, created);
  try {
    if (created || !existsSync(publicPath)) writeFileSync(publicPath, key.publicKeyPem(), { mode: 0o644 });
  } catch {
    // The public half is a convenience copy; the private key holds it too.
  }
  cache.set(home, key);
  return key;
}

// Key rotation (ledger/key-rotation.ts decides when): the new key is staged beside the current one,
// durably, before the ledger records the change; it replaces the current one only after that, so a
// crash at any point leaves either the old key in force or a staged key the ledger already names.

function keyFromPem(pem: string, path: string): KeyObject {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw ioError('load', path, err);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new IoError(
      `${path} is not an Ed25519 private key: restore the station key from a backup (moved aside, Ferry makes a new one, which 'ferry audit verify' reports as a key not made by 'ferry key rotate')`,
    );
  return privateKey;
}

/** Creates a new key pair as the staged key (0600, flushed to disk), replacing any earlier one. */
export function stageStationKey(home: string): StationKey {
  const folder = join(home, KEY_FOLDER);
  const path = join(folder, STAGED_KEY_FILE);
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    rmSync(path, { force: true });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeFileSync(fd, pem);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600);
    syncFolderSync(folder);
  } catch (err) {
    throw ioError('stage', path, err);
  }
  return new StationKey(keyFromPem(pem, path), path, join(folder, PUBLIC_KEY_FILE), true);
}

/** The staged key, when a rotation left one. */
export function stagedStationKey(home: string): StationKey | undefined {
  const folder = join(home, KEY_FOLDER);
  const path = join(folder, STAGED_KEY_FILE);
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return new StationKey(keyFromPem(pem, path), path, join(folder, PUBLIC_KEY_FILE), true);
}

/** Makes the staged key the station key (a rename, flushed); the old private key is gone. */
export function installStagedKey(home: string): StationKey {
  const folder = join(home, KEY_FOLDER);
  const staged = join(folder, STAGED_KEY_FILE);
  const privatePath = join(folder, PRIVATE_KEY_FILE);
  try {
    renameSync(staged, privatePath);
    syncFolderSync(folder);
  } catch (err) {
    throw ioError('install', staged, err);
  }
  cache.delete(home);
  const key = stationKey(home);
  try {
    writeFileSync(key.publicKeyPath, key.publicKeyPem(), { mode: 0o644 });
  } catch {
    // the public half is a convenience copy
  }
  return key;
}

/** Removes a staged key the ledger never recorded (a rotation stopped before it was recorded). */
export function discardStagedKey(home: string): void {
  rmSync(join(home, KEY_FOLDER, STAGED_KEY_FILE), { force: true });
}
