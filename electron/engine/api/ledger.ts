// The facade's ledger views: history, reports, the chain audit, the station's keys.
export { history, parseSince, type OperationSummary } from '../ledger/history.ts';
export { transferReport, type TransferReport } from '../ledger/report.ts';
export { renderReport, renderReports, type ReportFileFormat } from '../ledger/report-file.ts';
export { auditLedger } from '../ledger/audit.ts';
export { keyChain } from '../ledger/key-pin.ts';
export { rotateStationKey } from '../ledger/key-rotation.ts';
