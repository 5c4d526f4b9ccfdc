// `ferry audit verify`: was the ledger edited? Recomputes the hash chain; names the first broken entry.
import { UsageError } from '../../engine/api/errors.ts';
import { auditLedger } from '../../engine/api/ledger.ts';
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { stationFor } from '../station.ts';

export const auditCommand: Command = {
  name: 'audit',
  usage: 'ferry audit verify [--json]',
  options: {
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  async run(args, io) {
    const [action, ...extra] = args.positionals;
    if (action !== 'verify' || extra.length) throw new UsageError('usage: ferry audit verify [--json]');
    const ledger = stationFor(args, io).ledger;
    const report = auditLedger(ledger);
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify({ ledger: ledger.path, ...report }, null, 2)}\n`);
    } else if (report.ok) {
      if (report.interrupted) io.stdout.write(`! ${report.interrupted.message}\n`);
      io.stdout.write(
        `✓ ledger ${ledger.path} intact: ${report.entries} entries${report.head ? `, head #${report.head.seq} ${report.head.hash}` : ''}\n`,
      );
    } else {
      for (const p of report.problems) io.stdout.write(`✗ ${p.message}\n`);
      if (report.moreProblems) io.stdout.write(`  … and ${report.moreProblems} more\n`);
      io.stdout.write(
        `✗ ledger ${ledger.path} was EDITED outside Ferry${report.firstBroken !== undefined ? `: the first broken entry is #${report.firstBroken}` : ''} (${report.entries} entries checked)\n`,
      );
    }
    return report.ok ? ExitCodes.ok : ExitCodes.verification;
  },
};
