// The station key is pinned in the ledger's first entry, and every change of it is a ledger entry
// signed by the key before it (`ferry key rotate`): the ledger alone says which key was in force
// when each entry was appended. The head must be signed by that key, and a key found in keys/ that
// is not the one in force is reported, so dropping a key of one's own into the station folder (and
// signing a new head with it) does not make forged history pass, and neither does a key change
// written into the database without the old key's signature.
import { signJson, verifyJson } from '../signing/signed-json.ts';
import type { Signature, StationKey } from '../signing/station-key.ts';
import type { NewEntry } from './entry.ts';
import type { Ledger } from './ledger.ts';

/** The operation id of the station's own entries (they belong to no transfer). */
export const STATION_OPERATION = 'station';

export interface KeyPinBody {
  event: 'pinned';
  fingerprint: string;
  publicKey: string;
}

/** What the old key signs when the station key changes. */
export interface KeyRotationStatement {
  event: 'rotated';
  /** The key in force until this entry (it signs the statement). */
  from: string;
  fingerprint: string;
  publicKey: string;
  rotatedAt: string;
}

export interface KeyRotationBody extends KeyRotationStatement {
  signature: Signature;
}

export function keyPinEntry(key: StationKey): NewEntry {
  const body: KeyPinBody = { event: 'pinned', fingerprint: key.fingerprint, publicKey: key.publicKey };
  return { kind: 'key', subject: key.fingerprint, body };
}

export function keyRotationEntry(from: StationKey, to: StationKey, at = new Date()): NewEntry {
  const statement: KeyRotationStatement = {
    event: 'rotated',
    from: from.fingerprint,
    fingerprint: to.fingerprint,
    publicKey: to.publicKey,
    rotatedAt: at.toISOString(),
  };
  const body: KeyRotationBody = { ...statement, signature: signJson(statement, from) };
  return { kind: 'key', subject: to.fingerprint, body };
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // a damaged entry: the audit reports it by its hash
  }
}

/** Reads a pin from an entry's stored body; undefined when it is not one. */
export function keyPinOf(body: string): KeyPinBody | undefined {
  const v = parse(body);
  if (v?.event === 'pinned' && typeof v.fingerprint === 'string' && typeof v.publicKey === 'string')
    return { event: 'pinned', fingerprint: v.fingerprint, publicKey: v.publicKey };
  return undefined;
}

export interface KeyInForce {
  fingerprint: string;
  publicKey: string;
  /** The entry that pinned or rotated to it. */
  since: number;
}

export interface KeyChain {
  /** The first key (undefined for a ledger begun before pinning). */
  pinned?: KeyInForce;
  /** The key in force after the last entry. */
  current?: KeyInForce;
  /** Each accepted change, in order. */
  rotations: Array<{ seq: number; from: string; to: string; rotatedAt: string }>;
  /** Key entries that do not hold: a change not signed by the key before it, a second pin. */
  problems: Array<{ seq: number; message: string }>;
  /** The key that appended entry `seq` (a rotation entry is appended, and its head signed, by the old key). */
  keyAt(seq: number): KeyInForce | undefined;
}

/** Walks the ledger's key entries: the pin, then each change, checking each is signed by the key before it. */
export function keyChain(ledger: Ledger): KeyChain {
  const rows = ledger.run(
    (db) =>
      db.prepare("SELECT seq, body FROM entries WHERE kind = 'key' ORDER BY seq").all() as Array<{
        seq: number;
        body: string;
      }>,
  );
  const inForce: KeyInForce[] = [];
  const rotations: KeyChain['rotations'] = [];
  const problems: KeyChain['problems'] = [];
  for (const { seq, body } of rows) {
    const current = inForce.at(-1);
    const pin = keyPinOf(body);
    if (pin) {
      if (current)
        problems.push({
          seq,
          message: `entry #${seq} pins a second station key ${pin.fingerprint}: a key change must be signed by the key before it ('ferry key rotate')`,
        });
      else inForce.push({ fingerprint: pin.fingerprint, publicKey: pin.publicKey, since: seq });
      continue;
    }
    const v = parse(body);
    if (v?.event !== 'rotated') continue;
    const statement: KeyRotationStatement = {
      event: 'rotated',
      from: String(v.from),
      fingerprint: String(v.fingerprint),
      publicKey: String(v.publicKey),
      rotatedAt: String(v.rotatedAt),
    };
    const signer = verifyJson(statement, v.signature as Partial<Signature> | undefined);
    if (!current || statement.from !== current.fingerprint || signer !== current.fingerprint) {
      problems.push({
        seq,
        message: `entry #${seq} changes the station key to ${statement.fingerprint} without the signature of the key in force (${current?.fingerprint ?? 'none'}): it was not made by 'ferry key rotate'`,
      });
      continue;
    }
    inForce.push({ fingerprint: statement.fingerprint, publicKey: statement.publicKey, since: seq });
    rotations.push({ seq, from: statement.from, to: statement.fingerprint, rotatedAt: statement.rotatedAt });
  }
  return {
    ...(inForce[0] ? { pinned: inForce[0] } : {}),
    ...(inForce.length ? { current: inForce.at(-1)! } : {}),
    rotations,
    problems,
    keyAt: (seq) => inForce.filter((k) => k.since < seq || k === inForce[0]).at(-1),
  };
}

/** The key the ledger pins (its first 'key' entry); undefined for a ledger begun before pinning. */
export function pinnedKey(ledger: Ledger): KeyPinBody | undefined {
  const row = ledger.run(
    (db) =>
      db.prepare("SELECT body FROM entries WHERE kind = 'key' ORDER BY seq LIMIT 1").get() as
        { body: string } | undefined,
  );
  return row ? keyPinOf(row.body) : undefined;
}
