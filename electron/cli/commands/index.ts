// The commands `ferry --help` lists, in the order a transfer goes.
import type { Command } from '../command.ts';
import { auditCommand } from './audit.ts';
import { historyCommand } from './history.ts';
import { inspectCommand } from './inspect.ts';
import { keyCommand } from './key.ts';
import { pullCommand } from './pull.ts';
import { pushCommand } from './push.ts';
import { receiptCommand } from './receipt.ts';
import { reportCommand } from './report.ts';
import { secretCommand } from './secret.ts';
import { verifyCommand } from './verify.ts';

export const commands: Command[] = [
  pullCommand,
  inspectCommand,
  verifyCommand,
  pushCommand,
  secretCommand,
  receiptCommand,
  historyCommand,
  reportCommand,
  auditCommand,
  keyCommand,
];
