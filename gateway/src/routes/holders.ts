import { z } from 'zod';
import { fields, licenceSchemas } from '@henan-chain/chaincode';
import { AuditAccess } from '../audit/access';
import { HOLDER_READ_ACTIONS } from '../audit/holder-reads';
import { admitHolderRead } from '../auth/holder-access';
import { ApiError } from '../errors';
import { commitHolder } from '../holders';
import { defineRoute } from '../http/route';
import type { Services } from '../services';

const codeType = licenceSchemas.issueSchema.shape.holder.shape.codeType;

const commitmentBody = z.strictObject({
  codeType: codeType.describe('111 resident ID number (身份证号), 001 unified social credit code, other 3-digit GB/T 36903 types'),
  code: z.string().min(1).max(64).describe('the clear code: used to compute the commitment, never stored, logged or returned'),
});

const readsQuery = z.strictObject({
  agency: fields.uscc.optional().describe('only reads by this agency'),
  holder: fields.sm3Hex.optional().describe('only reads of this holder commitment'),
  cursor: z.string().max(64).regex(/^[A-Za-z0-9_-]*$/, 'must be a cursor this API returned').optional().describe('the cursor of the previous page'),
  limit: fields.pageSize.default(50).describe('reads per page, 1-200'),
});

const holderRead = z.object({
  at: z.string(),
  agencyId: z.string(),
  action: z.enum(HOLDER_READ_ACTIONS).describe('licences.byHolder: GET /v1/licences?holder=; licences.holderLookup: POST /v1/licences/holder-lookup; holders.commitment: POST /v1/holders/commitment'),
  codeType: z.string().optional(),
  commitment: z.string(),
  requestId: z.string().describe('the request\u2019s x-request-id, as the access log has it'),
});

export function holderRoutes(s: Services) {
  const access = new AuditAccess(s.query);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/holders/commitment',
      tag: 'licences',
      summary: '持证主体承诺: the holder commitment of a clear ID number or credit code (agency token only)',
      description:
        'For an agency that signs its own requests: the commitment is HMAC-SM3 under the deployment\u2019s holder secret, which ' +
        'agencies do not hold. The code travels in the body and is never stored, logged or returned; the request is recorded in the ' +
        'holder-read trail by its commitment.',
      access: 'agency',
      body: commitmentBody,
      responses: { 200: { description: 'The commitment', schema: z.object({ codeType: z.string(), commitment: z.string() }) } },
      async handler({ koa, body, principal }) {
        const commitment = commitHolder(s.holderSecret, body.codeType, body.code, 'body.code');
        await admitHolderRead(s.holderReads, koa, principal, { action: 'holders.commitment', commitment, codeType: body.codeType });
        return { body: { codeType: body.codeType, commitment } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/audit/holder-reads',
      tag: 'audit',
      summary: '持证主体查询留痕: every read that named a holder, in the order they happened',
      description: 'Governance and agencies holding the auditor role. Each read names the agency, the request and the holder by commitment (never the clear code).',
      access: 'agency-or-governance',
      query: readsQuery,
      responses: { 200: { description: 'One page of reads', schema: z.object({ reads: z.array(holderRead), cursor: z.string().describe('empty after the last page') }) } },
      async handler({ query, principal }) {
        if ((await access.scope(principal!)).kind !== 'all') {
          throw new ApiError(403, 'FORBIDDEN', 'the holder-read trail is for governance and agencies with the auditor role');
        }
        return { body: await s.holderReads.page(query) };
      },
    }),
  ];
}
