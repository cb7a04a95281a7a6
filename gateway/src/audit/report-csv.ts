import { CSV_LINE_END } from './report-format';
import type { AuditReport, ReportEvent } from './schemas';

const COLUMNS = ['timestamp', 'blockNumber', 'txId', 'kind', 'id', 'action', 'agencyId', 'mspId', 'counterparties', 'role'] as const;

/** RFC 4180 §2: a field with a comma, quote or line break is quoted, its quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function line(values: readonly string[]): string {
  return values.map(field).join(',') + CSV_LINE_END;
}

function cells(event: ReportEvent): string[] {
  return COLUMNS.map((column) => (column === 'counterparties' ? event.counterparties.join(' ') : event[column]));
}

/**
 * The report as CSV (UTF-8, CRLF): a header line and one line per event, then a `# report` line that
 * names the agency, the period and how far the index reached, so the signature that follows binds the
 * events to what they are a report of.
 */
export function reportCsv(report: AuditReport): string {
  const { agency, period, generatedAt, ledger, counts } = report;
  const context = [
    `# report ${report.format}`,
    `agency=${agency.agencyId}`,
    `from=${period.from}`,
    `to=${period.to}`,
    `generatedAt=${generatedAt}`,
    `indexedTo=${ledger.indexedTo?.blockNumber ?? 'none'}`,
    `events=${counts.events}`,
  ].join(' ');
  return line(COLUMNS) + report.events.map((e) => line(cells(e))).join('') + context + CSV_LINE_END;
}
