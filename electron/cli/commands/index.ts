// The commands `ferry --help` lists, in the order a transfer goes.
import type { Command } from '../command.ts';

export const commands: Command[] = [];
