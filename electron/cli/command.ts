// A CLI command is a thin adapter: parse flags with node:util parseArgs, call the jobs facade, print.
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  /** One line for `ferry <cmd> --help`; the value placeholder goes in `arg`. */
  help: string;
  arg?: string;
  /** A `multiple` string flag that may be followed by several values, or none (value-lists.ts):
   *  the words after it that match this pattern are its values. */
  valueList?: RegExp;
};

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Returns the exit code; throws FerryError for failures. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}
