// The facade's station: its data folder, ledger and signing key.
export { Station } from '../ledger/station.ts';
export { closeLedgers } from '../ledger/ledger.ts';
export { readTrustedKey, type TrustedKey } from '../signing/public-key.ts';
