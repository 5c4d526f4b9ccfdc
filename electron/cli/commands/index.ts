// The commands `ferry --help` lists, in the order a transfer goes.
import type { Command } from '../command.ts';
import { inspectCommand } from './inspect.ts';
import { pullCommand } from './pull.ts';
import { pushCommand } from './push.ts';
import { secretCommand } from './secret.ts';
import { verifyCommand } from './verify.ts';

export const commands: Command[] = [pullCommand, inspectCommand, verifyCommand, pushCommand, secretCommand];
