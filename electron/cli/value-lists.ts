// Flags that take a list of values or none (`--carry-ferry`, `--carry-ferry linux/amd64 windows/amd64`),
// which node:util parseArgs cannot express: before parsing, the words after such a flag that look like
// its values become `--flag=value` each, and a flag with none becomes `--flag=` (the empty value
// meaning "the default"). A word that does not match the flag's pattern (the bundle folder, another
// flag) is left alone.
import type { OptionSpec } from './command.ts';

export function expandValueLists(args: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const pattern = arg.startsWith('--') ? options[arg.slice(2)]?.valueList : undefined;
    if (!pattern) {
      out.push(arg);
      continue;
    }
    let taken = 0;
    for (; i + 1 < args.length && pattern.test(args[i + 1]!); taken++) out.push(`${arg}=${args[++i]!}`);
    if (taken === 0) out.push(`${arg}=`);
  }
  return out;
}
