// The transfer manifest's detached signature: `ferry-manifest.sig.json` beside `ferry-manifest.json`,
// an Ed25519 signature over the manifest file's exact bytes. Pull writes it; verify and push check it
// and name the signer's fingerprint; with a trusted key they refuse a bundle signed by another key, or
// not signed at all. A signature that does not match the manifest is always refused: the manifest was
// changed after the station signed it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRANSFER_MANIFEST } from '../bundle/transfer-manifest.ts';
import { SignatureError } from '../errors.ts';
import { fingerprintOf, SIGNATURE_ALGORITHM, verifySignature, type TrustedKey } from './public-key.ts';
import type { Signature, StationKey } from './station-key.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';

export const MANIFEST_SIGNATURE = 'ferry-manifest.sig.json';

export interface SignatureFile extends Signature {
  /** The file signed, beside this one. */
  signed: typeof TRANSFER_MANIFEST;
  signedAt: string;
}

/** What verify and push found; 'signed' means the signature matches the manifest. */
export type SignatureCheck =
  | {
      status: 'signed';
      fingerprint: string;
      publicKey: string;
      signedAt?: string;
      /** True when the manifest names the station key, and it is the signer. */
      stationNamed?: boolean;
      /** Set when a trusted key was given: true when the signer is that key. */
      trusted?: boolean;
      trustedFingerprint?: string;
    }
  | { status: 'unsigned'; trustedFingerprint?: string }
  | { status: 'invalid'; reason: string; fingerprint?: string; trustedFingerprint?: string };

/** Signs the manifest in `dir` as it is on disk now. */
export async function signManifest(dir: string, key: StationKey): Promise<SignatureFile> {
  const bytes = await readFile(join(dir, TRANSFER_MANIFEST));
  const file: SignatureFile = {
    ...key.sign(bytes),
    signed: TRANSFER_MANIFEST,
    signedAt: new Date().toISOString(),
  };
  const path = join(dir, MANIFEST_SIGNATURE);
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

async function readSignatureFile(dir: string): Promise<Partial<SignatureFile> | null | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_SIGNATURE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as Partial<SignatureFile> | null;
  } catch {
    return null;
  }
}

/** The station key the manifest names (pull writes it; older bundles have none). */
function stationNamed(bytes: Buffer): string | undefined {
  try {
    const fp = (JSON.parse(bytes.toString('utf8')) as { station?: { fingerprint?: unknown } } | null)?.station
      ?.fingerprint;
    return typeof fp === 'string' ? fp : undefined;
  } catch {
    return undefined; // not JSON: opening the bundle reports it
  }
}

/** Checks the bundle's signature (never throws for a bad one: the caller records, then refuses). */
export async function checkManifestSignature(dir: string, trusted?: TrustedKey): Promise<SignatureCheck> {
  const trust = trusted ? { trustedFingerprint: trusted.fingerprint } : {};
  const parsed = await readSignatureFile(dir);
  if (parsed === undefined) return { status: 'unsigned', ...trust };
  const sig = parsed;
  if (
    !sig ||
    sig.algorithm !== SIGNATURE_ALGORITHM ||
    typeof sig.publicKey !== 'string' ||
    typeof sig.signature !== 'string'
  ) {
    return { status: 'invalid', reason: `${MANIFEST_SIGNATURE} is not a Ferry Ed25519 signature`, ...trust };
  }
  const fingerprint = fingerprintOf(sig.publicKey);
  if (sig.fingerprint !== undefined && sig.fingerprint !== fingerprint) {
    return {
      status: 'invalid',
      reason: `${MANIFEST_SIGNATURE} names fingerprint ${sig.fingerprint} but holds the key ${fingerprint}`,
      fingerprint,
      ...trust,
    };
  }
  const bytes = await readFile(join(dir, TRANSFER_MANIFEST));
  if (!verifySignature(sig.publicKey, bytes, sig.signature)) {
    return {
      status: 'invalid',
      reason: `${TRANSFER_MANIFEST} does not match the signature of ${fingerprint}: it was changed after it was signed`,
      fingerprint,
      ...trust,
    };
  }
  const named = stationNamed(bytes);
  if (named !== undefined && named !== fingerprint) {
    return {
      status: 'invalid',
      reason: `${TRANSFER_MANIFEST} names the station key ${named} but is signed by ${fingerprint}`,
      fingerprint,
      ...trust,
    };
  }
  return {
    status: 'signed',
    fingerprint,
    publicKey: sig.publicKey,
    ...(named !== undefined ? { stationNamed: true } : {}),
    ...(typeof sig.signedAt === 'string' ? { signedAt: sig.signedAt } : {}),
    ...(trusted
      ? { trusted: trusted.fingerprint === fingerprint, trustedFingerprint: trusted.fingerprint }
      : {}),
  };
}

/** Throws SignatureError when the check must stop verify or push; returns a note otherwise. */
export function requireAcceptedSignature(check: SignatureCheck, dir: string): void {
  if (check.status === 'invalid') {
    throw new SignatureError(`bundle ${dir} refused: ${check.reason}`, { details: { signature: check } });
  }
  if (check.trustedFingerprint === undefined) return;
  if (check.status === 'unsigned') {
    throw new SignatureError(
      `bundle ${dir} is not signed, and --trusted-key asks for a signature by ${check.trustedFingerprint}: refused`,
      { details: { signature: check } },
    );
  }
  if (!check.trusted) {
    throw new SignatureError(
      `bundle ${dir} is signed by ${check.fingerprint}, not by the trusted key ${check.trustedFingerprint}: refused`,
      { details: { signature: check } },
    );
  }
}

/** One line for people: who signed, and whether that is the key they trust. */
export function describeSignature(check: SignatureCheck): string {
  switch (check.status) {
    case 'signed':
      return `signed by ${check.fingerprint}${check.trusted === true ? ' (the trusted key)' : check.trusted === false ? ' (NOT the trusted key)' : ''}${check.stationNamed ? ', the station key the manifest names' : ''}`;
    case 'unsigned':
      return 'not signed: where the bundle came from cannot be checked';
    case 'invalid':
      return `signature INVALID: ${check.reason}`;
  }
}
