// `ferry report`: one transfer as an auditor needs it — HTML to print, CSV for a spreadsheet, JSON.

import { extname } from 'node:path';
import { UsageError } from '../../engine/api/errors.ts';
import { writeFileAtomic } from '../../engine/api/files.ts';
import { renderReport, transferReport } from '../../engine/api/ledger.ts';
import type { Command } from '../command.ts';
import { stationFor } from '../station.ts';

const FORMATS = ['html', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const reportCommand: Command = {
  name: 'report',
  usage: 'ferry report <transfer-id> [--format html|csv|json] [-o FILE]',
  options: {
    format: {
      type: 'string',
      arg: 'FORMAT',
      help: 'html (printable page), csv or json (default: from -o, else html)',
    },
    output: { type: 'string', short: 'o', arg: 'FILE', help: 'write to FILE instead of standard output' },
  },
  async run(args, io) {
    const [transferId, ...extra] = args.positionals;
    if (!transferId || extra.length)
      throw new UsageError('usage: ferry report <transfer-id> [--format html|csv|json] [-o FILE]');
    const out = args.values.output as string | undefined;
    const fromName = out ? extname(out).slice(1).toLowerCase() : '';
    const format = ((args.values.format as string | undefined) ??
      ((FORMATS as readonly string[]).includes(fromName) ? fromName : 'html')) as Format;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format '${format as string}' must be html, csv or json`);
    const station = stationFor(args, io);
    const report = transferReport(station.ledger, transferId, station.host);
    const text = renderReport(report, format);
    if (out) {
      await writeFileAtomic(out, text);
      io.stderr.write(
        `wrote the ${format.toUpperCase()} report of transfer ${report.transferId} (${report.operations.length} operation(s)) to ${out}\n`,
      );
    } else io.stdout.write(text);
    if (!report.chain.ok) io.stderr.write(`warning: the ledger chain is BROKEN (run 'ferry audit verify')\n`);
    return 0;
  },
};
