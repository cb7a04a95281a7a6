import { z } from 'zod';
import { RECORD_KINDS, type RecordKind, anchorSchemas, caseSchemas, fields, receiptSchemas, sealSchemas } from '@henan-chain/chaincode';
import { AuditAccess } from '../audit/access';
import { recordHistory } from '../audit/history';
import { buildReport } from '../audit/report-build';
import { reportCsv } from '../audit/report-csv';
import { signReportCsv, signReportJson } from '../audit/report-sign';
import { eventsPage, recordHistory as historySchema, signedReport, type RecordHistory } from '../audit/schemas';
import { orderedPeriod, periodBound } from '../audit/time-range';
import { ApiError } from '../errors';
import { defineRoute, validate } from '../http/route';
import type { Services } from '../services';
import { checkLicenceId } from './licences';

/** Each kind's own id rule, so a malformed id is a 400 naming path.id before the ledger is asked. */
const RECORD_IDS: Record<RecordKind, z.ZodType<string>> = {
  agency: fields.uscc,
  licence: z.string().max(128).transform((id) => checkLicenceId(id, 'path.id')),
  seal: sealSchemas.sealId,
  sealing: sealSchemas.sealingId,
  'ofd-sealing': fields.sm3Hex,
  receipt: receiptSchemas.receiptId,
  case: caseSchemas.caseId,
  anchor: anchorSchemas.anchorIdSchema,
};

const historyPath = z.strictObject({ kind: z.enum(RECORD_KINDS), id: z.string() });

const agencyParam = fields.uscc.optional();

const eventsQuery = z
  .strictObject({
    agency: agencyParam.describe('统一社会信用代码: events this agency made or is a counterparty of; an agency without the auditor role may name only itself (the default)'),
    kind: z.enum(RECORD_KINDS).optional().describe('only events of this record kind'),
    from: periodBound('start').optional(),
    to: periodBound('end').optional(),
    cursor: z.string().max(2048).regex(/^[A-Za-z0-9_-]*$/, 'must be a cursor this API returned').optional().describe('the cursor of the previous page'),
    limit: fields.pageSize.default(50).describe('events per page, 1-200'),
  })
  .superRefine(orderedPeriod);

const reportQuery = z
  .strictObject({
    agency: agencyParam.describe('统一社会信用代码 of the agency reported on; required for governance and auditors, an agency\u2019s own by default'),
    from: periodBound('start'),
    to: periodBound('end'),
    format: z.enum(['json', 'csv']).default('json').describe('json: {report, signature}; csv: RFC 4180 lines and a last signature line'),
  })
  .superRefine(orderedPeriod);

/** Whether a record's history concerns `agencyId`: its own agency record, a version it made, or an event naming it. */
function concerns(history: RecordHistory, agencyId: string): boolean {
  return (
    (history.kind === 'agency' && history.id === agencyId) ||
    history.versions.some((v) => v.agencyId === agencyId) ||
    history.index.events.some((e) => e.agencyId === agencyId || e.counterparties?.includes(agencyId))
  );
}

const ACCESS_NOTE =
  'Governance and agencies holding the auditor role (审计方, read from the agency record on chain) read everything; any other agency reads what concerns itself, else 403.';

export function auditRoutes(s: Services) {
  const access = new AuditAccess(s.query);

  return [
    defineRoute({
      method: 'get',
      path: '/v1/audit/history/:kind/:id',
      tag: 'audit',
      summary: '记录历史: every version of a record, oldest first, with transaction evidence, actor and signature check, beside the audit index',
      description: `kind is one of ${RECORD_KINDS.join(', ')}. From the ledger's key history; index.agrees says whether the gateway's audit index holds the same transactions in the same order. ${ACCESS_NOTE}`,
      access: 'agency-or-governance',
      responses: { 200: { description: 'The history', schema: historySchema } },
      async handler({ params, principal }) {
        const { kind } = validate(historyPath, params, 'path');
        const id = validate(z.object({ id: RECORD_IDS[kind] }), { id: params.id }, 'path').id;
        const scope = await access.scope(principal!);
        const history = await recordHistory(s, kind, id);
        if (scope.kind === 'own' && !concerns(history, scope.agencyId)) {
          throw new ApiError(403, 'FORBIDDEN', `${kind} ${history.id} does not concern agency ${scope.agencyId} (the auditor role reads every record)`);
        }
        return { body: history };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/audit/events',
      tag: 'audit',
      summary: '审计事件: chaincode events from the gateway\u2019s audit index, in time order, a page at a time',
      description: `Filter by agency (as actor or counterparty), record kind and period. ${ACCESS_NOTE}`,
      access: 'agency-or-governance',
      query: eventsQuery,
      responses: { 200: { description: 'One page of events', schema: eventsPage } },
      async handler({ query, principal }) {
        const agency = access.agencyFor(await access.scope(principal!), query.agency);
        const page = await s.index.events({ ...query, agency });
        return { body: { ...page, indexedTo: (await s.index.checkpoint()) ?? null } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/audit/report',
      tag: 'audit',
      summary: '审计报告: what an agency did and what concerned it in a period, counted by kind and action, signed with the gateway\u2019s SM2 key',
      description:
        'JSON: {report, signature} with the SM2-SM3 signature over the RFC 8785 bytes of report. CSV: header, one line per event, a "# report" line naming ' +
        'agency, period and index reach, then "# signature SM2-SM3 <keyId> <publicKey> <DER hex>" over every byte before it. ' +
        `Verify with henan-chain verify-report and the key of GET /v1/gateway/key. ${ACCESS_NOTE}`,
      access: 'agency-or-governance',
      query: reportQuery,
      responses: {
        200: { description: 'The signed report', schema: signedReport, otherMedia: { 'text/csv': z.string().describe('UTF-8 CSV with its signature line') } },
      },
      async handler({ query, principal }) {
        const agencyId = access.agencyFor(await access.scope(principal!), query.agency);
        if (agencyId === undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'query.agency: name the agency to report on');
        const report = await buildReport(s, agencyId, { from: query.from, to: query.to });
        if (query.format === 'json') return { body: signReportJson(report, s.gatewayKey) };
        return {
          body: signReportCsv(reportCsv(report), s.gatewayKey),
          type: 'text/csv; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="audit-report-${agencyId}.csv"` },
        };
      },
    }),
  ];
}
