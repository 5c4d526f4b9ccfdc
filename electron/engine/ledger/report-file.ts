// A transfer report as a file: HTML to print, CSV for a spreadsheet, JSON for a script. `ferry report`
// and the app's History export write the same text.
import { reportCsv, reportsCsv } from './report-csv.ts';
import { reportHtml, reportsHtml } from './report-html.ts';
import type { TransferReport } from './report.ts';

export type ReportFileFormat = 'html' | 'csv' | 'json';

export function renderReport(report: TransferReport, format: ReportFileFormat): string {
  switch (format) {
    case 'html':
      return reportHtml(report);
    case 'csv':
      return reportCsv(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
  }
}

/**
 * Several transfers in one file (an audit period, a filtered list): HTML one page with a list and
 * each transfer's report; CSV the same rows as one report's, every transfer's after the header once;
 * JSON an array of reports.
 */
export function renderReports(
  reports: TransferReport[],
  format: ReportFileFormat,
  selection: string,
  station: string,
): string {
  switch (format) {
    case 'html':
      return reportsHtml(reports, selection, station);
    case 'csv':
      return reportsCsv(reports);
    case 'json':
      return `${JSON.stringify(reports, null, 2)}\n`;
  }
}
