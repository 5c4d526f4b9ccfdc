// The facade's ledger views: history, reports, the chain audit, the pinned key.
export { history, parseSince, type OperationSummary } from '../ledger/history.ts';
export { transferReport, type TransferReport } from '../ledger/report.ts';
export { renderReport, renderReports, type ReportFileFormat } from '../ledger/report-file.ts';
export { auditLedger } from '../ledger/audit.ts';
export { pinnedKey } from '../ledger/key-pin.ts';
