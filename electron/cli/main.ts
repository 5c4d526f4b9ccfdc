// Entry point of the `ferry` command line: dispatches to commands, turns every failure into one line
// on stderr and a documented exit code. No stack traces reach the user.
import { parseArgs } from 'node:util';
import { ferryVersion, toFerryError, UsageError } from '../engine/api/errors.ts';
import type { Command, CommandIO, OptionSpec, ParsedArgs } from './command.ts';
import { commands, type CommandEntry } from './commands/index.ts';
import { exitCodeFor, exitCodeHelp, ExitCodes } from './exit-codes.ts';
import { expandValueLists } from './value-lists.ts';

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `Ferry ${ferryVersion} — carry container images across an air gap.

Usage: ferry <command> [flags]

Commands:
${lines.join('\n')}

Run 'ferry <command> --help' for a command's flags.

${exitCodeHelp}
`;
}

export function commandHelp(entry: CommandEntry, cmd: Command): string {
  const rows = Object.entries(cmd.options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const arg = spec.type === 'string' ? ` ${spec.arg ?? 'VALUE'}` : '';
    return [`  ${short}--${name}${arg}`, spec.help + (spec.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
  const body = rows.map(([left, help]) => `${left.padEnd(width)}${help}`).join('\n');
  return `Usage: ${cmd.usage}\n\n${entry.summary}\n\nFlags:\n${body}\n  -h, --help${' '.repeat(Math.max(2, width - 12))}show this help\n`;
}

function parseOptions(options: Record<string, OptionSpec>) {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    out[name] = { type: spec.type };
    if (spec.short) out[name].short = spec.short;
    if (spec.multiple) out[name].multiple = true;
  }
  out.help = { type: 'boolean', short: 'h' };
  return out;
}

export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name === undefined ? ExitCodes.usage : ExitCodes.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${ferryVersion}\n`);
    return ExitCodes.ok;
  }
  const entry = commands.find((c) => c.name === name);
  try {
    if (!entry)
      throw new UsageError(`unknown command '${name}'. Run 'ferry --help' for the list of commands.`);
    const cmd = await entry.load();
    let parsed;
    try {
      parsed = parseArgs({
        args: expandValueLists(rest, cmd.options),
        options: parseOptions(cmd.options),
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      throw new UsageError(`${message.replace(/\.$/, '')}. Run 'ferry ${cmd.name} --help'.`);
    }
    if (parsed.values.help) {
      io.stdout.write(commandHelp(entry, cmd));
      return ExitCodes.ok;
    }
    return await cmd.run(parsed as ParsedArgs, io);
  } catch (err) {
    const e = toFerryError(err);
    const prefix = entry ? `ferry ${entry.name}` : 'ferry';
    io.stderr.write(`${prefix}: error: ${e.message}\n`);
    if (io.env.FERRY_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCodeFor(e.code);
  }
}
