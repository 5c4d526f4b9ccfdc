// A transfer report as a file: HTML to print, CSV for a spreadsheet, JSON for a script. `ferry report`
// and the app's History export write the same text.
import { reportCsv } from './report-csv.ts';
import { reportHtml } from './report-html.ts';
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
