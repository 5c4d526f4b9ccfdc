// `ferry key rotate`: the station gets a new key, and the change is a ledger entry signed by the old
// one (key-pin.ts), so an auditor can follow the station's keys from the first entry to now. The
// order makes every crash safe: the new key is staged durably beside the old one, the change is
// appended (and the head signed) by the old key, and only then the staged key replaces the old one.
// A crash before the append leaves the old key in force (the staged one is discarded); a crash after
// it leaves a staged key the ledger already names, which the next opening of the station installs.
import { LedgerError } from '../errors.ts';
import {
  discardStagedKey,
  installStagedKey,
  stagedStationKey,
  stageStationKey,
  stationKey,
} from '../signing/station-key.ts';
import { keyChain, keyRotationEntry, STATION_OPERATION } from './key-pin.ts';
import type { Ledger } from './ledger.ts';

export interface KeyRotation {
  from: string;
  to: string;
  /** The ledger entry that records the change. */
  seq: number;
}

/** Installs or discards a key a rotation staged and did not install (it was stopped). */
export function finishInterruptedRotation(ledger: Ledger): void {
  const staged = stagedStationKey(ledger.home);
  if (!staged) return;
  if (keyChain(ledger).current?.fingerprint === staged.fingerprint) installStagedKey(ledger.home);
  else discardStagedKey(ledger.home);
}

export function rotateStationKey(ledger: Ledger): KeyRotation {
  finishInterruptedRotation(ledger);
  const old = stationKey(ledger.home);
  const chain = keyChain(ledger);
  if (chain.current && chain.current.fingerprint !== old.fingerprint) {
    throw new LedgerError(
      `keys/ holds the key ${old.fingerprint}, not the station key the ledger names (${chain.current.fingerprint}): only that key can sign a change; put it back from a backup, and run 'ferry audit verify'`,
    );
  }
  const next = stageStationKey(ledger.home);
  const { last } = ledger.append({ operationId: STATION_OPERATION, transferId: '' }, [
    keyRotationEntry(old, next),
  ]);
  installStagedKey(ledger.home);
  return { from: old.fingerprint, to: next.fingerprint, seq: last };
}
