// The station key is pinned in the ledger's first entry: the head must be signed by that key, and a
// key found in keys/ that is not the pinned one is reported, so dropping a key of one's own into the
// station folder (and signing a new head with it) does not make forged history pass.
import type { StationKey } from '../signing/station-key.ts';
import type { NewEntry } from './entry.ts';
import type { Ledger } from './ledger.ts';

/** The operation id of the station's own entries (they belong to no transfer). */
export const STATION_OPERATION = 'station';

export interface KeyPinBody {
  event: 'pinned';
  fingerprint: string;
  publicKey: string;
}

export function keyPinEntry(key: StationKey): NewEntry {
  const body: KeyPinBody = { event: 'pinned', fingerprint: key.fingerprint, publicKey: key.publicKey };
  return { kind: 'key', subject: key.fingerprint, body };
}

/** Reads a pin from an entry's stored body; undefined when it is not one. */
export function keyPinOf(body: string): KeyPinBody | undefined {
  try {
    const v = JSON.parse(body) as Partial<KeyPinBody> | null;
    if (v?.event === 'pinned' && typeof v.fingerprint === 'string' && typeof v.publicKey === 'string')
      return { event: 'pinned', fingerprint: v.fingerprint, publicKey: v.publicKey };
  } catch {
    // a damaged entry: the audit reports it by its hash
  }
  return undefined;
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
