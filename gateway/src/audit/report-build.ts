import type { Agency } from '@henan-chain/chaincode';
import { ApiError } from '../errors';
import type { Services } from '../services';
import type { AuditReport, ReportEvent } from './schemas';

/** A report is built in memory and signed whole; a period holding more must be split. */
export const REPORT_MAX_EVENTS = 100_000;
const READ_PAGE = 1_000;

/**
 * 审计报告: every event of the gateway's audit index in which `agencyId` acted or was a counterparty,
 * from `from` to `to` (inclusive UTC instants), with counts by kind and by action. The report says
 * how far the index had followed the ledger, so a reader knows what it can and cannot contain.
 */
export async function buildReport(s: Services, agencyId: string, period: { from: string; to: string }): Promise<AuditReport> {
  // Unknown agencies are the chaincode's NOT_FOUND (404), before any work.
  const agency = await s.query<Agency>('agency:get', agencyId);
  const [height, checkpoint] = await Promise.all([s.ledger.height(), s.index.checkpoint()]);
  const events: ReportEvent[] = [];
  let cursor = '';
  do {
    const page = await s.index.events({ agency: agencyId, ...period, cursor, limit: READ_PAGE });
    for (const e of page.events) {
      events.push({
        timestamp: e.timestamp,
        blockNumber: e.blockNumber,
        txId: e.txId,
        kind: e.kind,
        id: e.id,
        action: e.action,
        agencyId: e.agencyId,
        mspId: e.mspId,
        counterparties: e.counterparties ?? [],
        role: e.agencyId === agencyId ? 'actor' : 'counterparty',
      });
    }
    if (events.length > REPORT_MAX_EVENTS) {
      throw new ApiError(400, 'VALIDATION_FAILED', `query.to: the period holds more than ${REPORT_MAX_EVENTS} events; ask for shorter periods`);
    }
    cursor = page.cursor;
  } while (cursor);

  return {
    format: 'henan-chain/audit-report/v1',
    agency: { agencyId: agency.agencyId, name: agency.name, mspId: agency.mspId, regionCode: agency.regionCode },
    period,
    generatedAt: new Date().toISOString(),
    ledger: { kind: s.ledger.kind, height: height.toString(), indexedTo: checkpoint ?? null },
    counts: {
      events: events.length,
      asActor: events.filter((e) => e.role === 'actor').length,
      asCounterparty: events.filter((e) => e.role === 'counterparty').length,
      byKind: tally(events.map((e) => e.kind)),
      byAction: tally(events.map((e) => `${e.kind}.${e.action}`)),
    },
    events,
  };
}

function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
