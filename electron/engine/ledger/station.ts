// The station a job runs on: its data folder (ledger and key), who operates it and its host name.
// The CLI builds one from FERRY_HOME and --operator; the desktop app from the same folder and the
// signed-in user. Jobs given a station record what they did in its ledger and sign with its key.
import { hostname, userInfo } from 'node:os';
import { stationKey, type StationKey } from '../signing/station-key.ts';
import { dataFolder } from './data-folder.ts';
import { Ledger } from './ledger.ts';
import { finishInterruptedRotation } from './key-rotation.ts';

/** Folders whose interrupted key rotation (if any) this process has settled. */
const settled = new Set<string>();

export interface StationOptions {
  /** The data folder (see dataFolder()). */
  home: string;
  /** Who runs the job; default the OS user. */
  operator?: string;
  host?: string;
}

/** The OS user, as the ledger records the operator when no name is given. */
export function osUser(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no passwd entry for this uid (containers): fall back to the environment
  }
  return env.USER ?? env.USERNAME ?? env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
}

export class Station {
  readonly home: string;
  readonly operator: string;
  readonly host: string;

  constructor(options: StationOptions) {
    this.home = options.home;
    this.operator = options.operator?.trim() || osUser();
    this.host = options.host ?? hostname();
  }

  /** Station for FERRY_HOME (or the platform folder) in `env`. */
  static fromEnv(env: NodeJS.ProcessEnv, operator?: string): Station {
    return new Station({ home: dataFolder({ env }), operator: operator?.trim() || osUser(env) });
  }

  /** Opened on first use: a corrupt ledger stops the job before any work, with a clear error. */
  get ledger(): Ledger {
    const ledger = Ledger.open(this.home);
    if (!settled.has(this.home)) {
      // Before anything signs with the key: a rotation stopped after the ledger recorded it.
      finishInterruptedRotation(ledger);
      settled.add(this.home);
    }
    return ledger;
  }

  /** Created on first use, private key 0600. */
  get key(): StationKey {
    return stationKey(this.home);
  }
}
