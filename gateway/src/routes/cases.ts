import { z } from 'zod';
import { CASE_MODES, CASE_STATES, caseSchemas, fields, type HistoryEntry, type ServiceCase, type SignatureCheck } from '@henan-chain/chaincode';
import { shownTo } from '../auth/holder-access';
import { collectPage, pagingQuery } from '../http/paging';
import { pathId } from '../http/path-id';
import { defineRoute } from '../http/route';
import { page, signatureCheck, transactionReceipt } from '../http/schemas';
import { transactionEvidence } from '../ledger/evidence';
import type { Services } from '../services';
import { signedWriteRoute } from './signed-write';

const state = z.enum(CASE_STATES);

/** 跨省通办办件 as the chaincode stores it (the main fields; the rest pass through as recorded). */
const caseFields = {
  kind: z.literal('case'),
  caseId: z.string(),
  mode: z.enum(CASE_MODES),
  collectingRegion: z.string(),
  collectingAgencyId: z.string(),
  handlingRegion: z.string(),
  handlingAgencyId: z.string(),
  appliedAt: z.string(),
  promisedBy: z.string(),
  state,
  applicantCommitment: z.string().optional().describe('申请人: keyed commitment, shown to callers with a token only'),
  updatedAt: z.string(),
  txId: z.string(),
};
const step = z.looseObject({
  seq: z.number().int(),
  action: z.string(),
  from: state.optional(),
  to: state,
  regionCode: z.string(),
  agencyId: z.string(),
  at: z.string(),
  txId: z.string(),
  opinion: z.string().optional(),
});
const caseRecord = z.looseObject({ ...caseFields, steps: z.array(step) });

/** The trail (办理环节): each step with where its transaction sits on the chain and its signature check. */
const caseWithTrail = z.looseObject({
  ...caseFields,
  steps: z.array(
    step.extend({
      evidence: transactionReceipt,
      signature: signatureCheck.describe('the acting agency\u2019s SM2 signature over the request that made this step, checked again now'),
    }),
  ),
});

const listQuery = z.strictObject({
  region: fields.areaCode.describe('行政区划代码: cases this region collects or handles'),
  overdue: z.enum(['true', 'false']).default('false').describe('true: only cases still running past their promised time (extended by time suspended)'),
  ...pagingQuery,
});
const listItem = caseRecord.extend({ effectiveDeadline: z.string().optional().describe('with overdue=true: the promised time extended by suspensions') });

const caseIdOf = pathId(caseSchemas.caseId);

type ListedCase = ServiceCase & { effectiveDeadline?: string };

export function caseRoutes(s: Services) {
  /** The case with every step's transaction evidence and the signature check of the version it wrote. */
  async function withTrail(caseId: string) {
    const [found, history] = await Promise.all([
      s.query<ServiceCase>('case:get', caseId),
      s.query<{ versions: HistoryEntry[] }>('audit:history', 'case', caseId),
    ]);
    const checks = new Map(history.versions.map((v) => [v.txId, v.signature]));
    const missing: SignatureCheck = { status: 'invalid', reason: 'no version of the case in its history was written by this transaction' };
    const steps = await Promise.all(
      found.steps.map(async (st) => ({ ...st, evidence: await transactionEvidence(s.ledger, st.txId), signature: checks.get(st.txId) ?? missing })),
    );
    return { ...found, steps };
  }

  return [
    signedWriteRoute(s, {
      path: '/v1/cases',
      tag: 'cases',
      summary: '收件登记: the collecting region\u2019s agency registers a cross-region case, naming the handling region and agency',
      description: 'By an agency with the region role whose region is collectingRegion; caseId (办件编号) is unique on the chain.',
      fn: 'case:create',
      request: caseSchemas.createSchema,
      status: 201,
      record: caseRecord,
    }),
    signedWriteRoute(s, {
      path: '/v1/cases/:id/transitions',
      tag: 'cases',
      summary: 'One step of a case along its state machine, by the region whose turn it is',
      description:
        'action is one of collect, forward, accept, reject, request_correction, resubmit, return, process, suspend, resume, conclude, deliver, withdraw; ' +
        'reject, request_correction, return, suspend and withdraw need an opinion; conclude needs an outcome, and an approving one may name the licence issued.',
      fn: 'case:transition',
      request: caseSchemas.transitionSchema,
      id: { field: 'caseId', read: caseIdOf },
      status: 200,
      record: caseRecord,
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cases/:id',
      tag: 'cases',
      summary: 'A case with its full trail: every step with its transaction evidence and signature check',
      description: 'Without a token, the case is shown without the applicant’s commitment.',
      access: 'public',
      responses: { 200: { description: 'The case and its trail', schema: caseWithTrail } },
      async handler({ params, principal }) {
        return { body: shownTo(principal, await withTrail(caseIdOf(params))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cases',
      tag: 'cases',
      summary: 'A region\u2019s cases, or with overdue=true those past their promised time (督办)',
      description: 'In case-id order; a page may hold fewer than `limit` cases and still carry a bookmark to the next.',
      access: 'public',
      query: listQuery,
      responses: {
        200: {
          description: 'One page of cases',
          schema: page(listItem).extend({ asOf: z.string().optional().describe('with overdue=true: the instant the deadlines were judged at') }),
        },
      },
      async handler({ query, principal }) {
        const fn = query.overdue === 'true' ? 'case:overdue' : 'case:byRegion';
        let asOf: string | undefined;
        const found = await collectPage(
          async (pageSize, bookmark) => {
            const result = await s.query<{ records: ListedCase[]; bookmark: string; asOf?: string }>(fn, query.region, String(pageSize), bookmark);
            asOf ??= result.asOf;
            return result;
          },
          // The index walked is the region's; checking again keeps a forged bookmark within it.
          (c) => c.collectingRegion === query.region || c.handlingRegion === query.region,
          query.limit,
          query.bookmark,
        );
        const records = shownTo(principal, found.records);
        return { body: { ...found, records, ...(asOf !== undefined && { asOf }) } };
      },
    }),
  ];
}
