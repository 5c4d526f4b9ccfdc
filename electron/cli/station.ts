// Flags every recording command shares: who the operator is, which key to trust. The station (data
// folder, ledger, key) comes from FERRY_HOME in the command's environment, else the platform folder.
import { readTrustedKey, Station, type TrustedKey } from '../engine/api/station.ts';
import type { CommandIO, OptionSpec, ParsedArgs } from './command.ts';

export const operatorFlag: Record<string, OptionSpec> = {
  operator: {
    type: 'string',
    arg: 'NAME',
    help: 'who runs this, for the ledger (default: the OS user)',
  },
};

export const trustedKeyFlag: Record<string, OptionSpec> = {
  'trusted-key': {
    type: 'string',
    arg: 'FILE',
    help: "refuse bundles not signed by this public key ('ferry key export' on the pulling station)",
  },
};

export function stationFor(args: ParsedArgs, io: CommandIO): Station {
  return Station.fromEnv(io.env, args.values.operator as string | undefined);
}

export async function trustedKeyFrom(args: ParsedArgs): Promise<TrustedKey | undefined> {
  const file = args.values['trusted-key'] as string | undefined;
  return file === undefined ? undefined : readTrustedKey(file);
}
