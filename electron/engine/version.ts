// The tool version written into every transfer manifest and ledger record.
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
export const ferryVersion: string = pkg.version;
