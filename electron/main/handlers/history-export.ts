// An auditor's export of a filtered list of transfers (an audit period, one image, the failures): the
// transfers History lists for the filter, in one file written by the engine's report writers — HTML
// and CSV as `ferry report` writes them for one transfer, PDF printed from the HTML by the shell.
import type { HistoryFilter, ReportFormat } from '../../../shared/dto.ts';
import { UsageError } from '../../engine/api/errors.ts';
import { renderReports, transferReport } from '../../engine/api/ledger.ts';
import type { Station } from '../../engine/api/station.ts';
import { listTransfers } from './history.ts';

/** The filter in words, for the report's header and the file name. */
export function selectionText(filter: HistoryFilter): string {
  const parts = [
    filter.from ? `from ${filter.from}` : '',
    filter.to ? `to ${filter.to}` : '',
    filter.image ? `image contains "${filter.image}"` : '',
    filter.digest ? `digest ${filter.digest}` : '',
    filter.outcome ? `outcome ${filter.outcome}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'every transfer';
}

export async function exportTransfers(
  station: Station,
  filter: HistoryFilter,
  format: ReportFormat,
  printToPdf: ((html: string) => Promise<Buffer>) | undefined,
): Promise<{ name: string; content: string | Buffer }> {
  const rows = listTransfers(station, filter).filter((r) => !r.transferId.startsWith('(no transfer id)'));
  if (rows.length === 0)
    throw new UsageError('no transfer matches the filter: change or clear it, then export');
  const reports = rows.map((r) => transferReport(station.ledger, r.transferId, station.host));
  const period =
    [filter.from, filter.to].filter(Boolean).join('_to_') || new Date().toISOString().slice(0, 10);
  const name = `ferry-transfers-${period.replace(/[^0-9A-Za-z_-]/g, '')}`;
  if (format === 'pdf') {
    if (!printToPdf)
      throw new UsageError(
        'PDF export needs the desktop app: export HTML and print it to PDF from a browser',
      );
    return {
      name: `${name}.pdf`,
      content: await printToPdf(renderReports(reports, 'html', selectionText(filter), station.host)),
    };
  }
  return {
    name: `${name}.${format}`,
    content: renderReports(reports, format, selectionText(filter), station.host),
  };
}
