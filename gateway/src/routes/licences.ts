import { z } from 'zod';
import { CryptoError, nextLicenceVersion, parseLicenceId } from '@henan-chain/crypto';
import { LICENCE_STATUSES, fields, licenceSchemas, type Licence } from '@henan-chain/chaincode';
import { admitHolderRead, shownTo } from '../auth/holder-access';
import { ApiError } from '../errors';
import { commitHolder } from '../holders';
import { type ChaincodePage, collectPage, pagingBody, pagingQuery } from '../http/paging';
import { agencyRequestBody } from '../http/request-body';
import { defineRoute } from '../http/route';
import { page, writeResult } from '../http/schemas';
import type { Services } from '../services';
import { bindFields } from '../submission';

/** 电子证照 as the chaincode stores it (the main fields; the rest pass through as recorded). */
export const licenceRecord = z.looseObject({
  kind: z.literal('licence'),
  licenceId: z.string(),
  seriesId: z.string().describe('the identifier without version and check character, shared by every version'),
  version: z.string(),
  licenceTypeCode: z.string(),
  issuerId: z.string(),
  name: z.string(),
  number: z.string(),
  holder: z
    .object({
      commitment: z.string().optional().describe('shown to callers with a token only: a stable pseudonym, which would link the holder’s licences'),
      codeType: z.string(),
    })
    .describe('持证主体: a keyed HMAC-SM3 commitment, never the code itself'),
  holderName: z.string().optional(),
  issueDate: z.string(),
  validFrom: z.string(),
  validUntil: z.string().nullable().describe('null: 长期有效 (valid without end)'),
  areaCode: z.string(),
  document: z.object({ sm3: z.string(), size: z.number(), mediaType: z.string() }),
  status: z.enum(LICENCE_STATUSES),
  supersedes: z.string().optional(),
  supersededBy: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  txId: z.string(),
});

/**
 * Checks a licence identifier from outside before anything is signed or asked: a malformed one is the
 * same 400 INVALID_IDENTIFIER the chaincode gives, naming the wrong part, and `where` it came from.
 */
export function checkLicenceId(id: string, where: string): string {
  try {
    parseLicenceId(id);
    return id;
  } catch (err) {
    if (err instanceof CryptoError) throw new ApiError(400, 'INVALID_IDENTIFIER', `${where}: invalid licence identifier: ${err.message}`, { part: err.part });
    throw err;
  }
}

/** The identifier of the version after `id` (id checked already): only version 999 has none. */
function nextVersionOf(id: string): string {
  try {
    return nextLicenceVersion(id);
  } catch (err) {
    if (err instanceof CryptoError) throw new ApiError(409, 'INVALID_STATE', `licence ${id} cannot have a next version: ${err.message}`);
    throw err;
  }
}

const chaincodeHolder = licenceSchemas.issueSchema.shape.holder.shape;
const holderCode = z.string().min(1).max(64);

/** 持证主体 as a ready commitment, or as the clear code, which the gateway commits to and forgets. */
const holderInput = z
  .strictObject({
    codeType: chaincodeHolder.codeType.describe('111 resident ID number (身份证号), 001 unified social credit code, other 3-digit GB/T 36903 types'),
    commitment: chaincodeHolder.commitment.optional().describe('HMAC-SM3 commitment to the code, made with the deployment\u2019s holder secret'),
    code: holderCode
      .optional()
      .describe('the clear code: the gateway turns it into the commitment and never stores, logs or returns it; not in a body the agency signs itself'),
  })
  .refine((h) => (h.commitment === undefined) !== (h.code === undefined), { message: 'give exactly one of commitment and code', path: ['commitment'] });

const issueBody = agencyRequestBody(licenceSchemas.issueSchema.extend({ holder: holderInput }), 'licence:issue');
const renewBody = agencyRequestBody(licenceSchemas.renewSchema, 'licence:renew', ['previousLicenceId', 'licenceId']);

const getQuery = z.strictObject({ versions: z.literal('all').optional().describe('all: every version of the series, oldest first') });

const listQuery = z
  .strictObject({
    holder: fields.sm3Hex.optional().describe('a holder commitment: every licence (and version) of that holder'),
    issuer: fields.uscc.optional().describe('with type: licences of one type issued by this agency'),
    type: licenceSchemas.licenceTypeCode.optional().describe('证照类型代码'),
    ...pagingQuery,
  })
  .refine((q) => (q.issuer === undefined) === (q.type === undefined), { message: 'issuer and type go together', path: ['type'] })
  .refine((q) => (q.holder === undefined) !== (q.issuer === undefined), { message: 'give one of: holder; issuer with type', path: ['holder'] });

/** A lookup by the holder's clear code travels in a body, never in a URL that proxies and logs keep. */
const holderLookupBody = z.strictObject({
  holderCodeType: chaincodeHolder.codeType.describe('111 resident ID number (身份证号), 001 unified social credit code'),
  holderCode: holderCode.describe('the clear code; the gateway computes the commitment and forgets the code'),
  ...pagingBody,
});

/** 暂扣 / 恢复 / 吊销 / 撤销: the status changes, each the chaincode transaction of the same name. */
const STATUS_CHANGES = [
  { action: 'suspend', summary: '暂扣: suspend a valid licence' },
  { action: 'reinstate', summary: '恢复: reinstate a suspended licence' },
  { action: 'revoke', summary: '吊销: revoke a valid or suspended licence' },
  { action: 'cancel', summary: '撤销 / 注销: cancel a valid or suspended licence' },
] as const;

export function licenceRoutes(s: Services) {
  /** One page of a chaincode listing, each record checked again (so a forged bookmark cannot wander). */
  function list(fn: string, key: string[], keep: (l: Licence) => boolean, limit: number, bookmark: string | undefined) {
    const read = (pageSize: number, next: string) => s.query<ChaincodePage<Licence>>(fn, ...key, String(pageSize), next);
    return collectPage(read, keep, limit, bookmark);
  }
  const byHolder = (commitment: string, limit: number, bookmark: string | undefined) =>
    list('licence:byHolder', [commitment], (l) => l.holder.commitment === commitment, limit, bookmark);

  return [
    defineRoute({
      method: 'post',
      path: '/v1/licences',
      tag: 'licences',
      summary: '发证: issue a licence (version 001)',
      description:
        'By an agency with the issuer role, for a licence type it may issue, under an identifier naming itself. ' +
        'The holder is a commitment, or the clear code for the gateway to commit to (only in a body the gateway signs).',
      access: 'agency',
      body: issueBody,
      responses: { 201: { description: 'The licence, committed', schema: writeResult(licenceRecord) } },
      async handler({ principal, body }) {
        const { code, ...holder } = body.holder;
        if (code !== undefined && body.signature !== undefined) {
          throw new ApiError(400, 'VALIDATION_FAILED', 'body.holder.code: a body the agency signs itself carries the holder\u2019s commitment (the signature covers it)');
        }
        const committed = code === undefined ? holder : { codeType: holder.codeType, commitment: commitHolder(s.holderSecret, holder.codeType, code, 'body.holder.code') };
        return { status: 201, body: await s.submitter.asAgency(principal!, 'licence:issue', { ...body, holder: committed }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/licences',
      tag: 'licences',
      summary: 'Licences of a holder, or of one type by one issuer, a page at a time',
      description:
        'One of: holder (a commitment: agency token only, and recorded in the holder-read trail); issuer with type (public; ' +
        'without a token, holders are shown without their commitment). ' +
        'Every version is listed; a page may hold fewer than `limit` licences and still carry a bookmark to the next.',
      access: 'public',
      query: listQuery,
      responses: { 200: { description: 'One page of licences', schema: page(licenceRecord) } },
      async handler({ koa, query, principal }) {
        if (query.holder !== undefined) {
          await admitHolderRead(s.holderReads, koa, principal, { action: 'licences.byHolder', commitment: query.holder });
          return { body: await byHolder(query.holder, query.limit, query.bookmark) };
        }
        const keep = (l: Licence) => l.issuerId === query.issuer && l.licenceTypeCode === query.type;
        const found = await list('licence:byIssuerType', [query.issuer!, query.type!], keep, query.limit, query.bookmark);
        return { body: { ...found, records: shownTo(principal, found.records) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/licences/holder-lookup',
      tag: 'licences',
      summary: 'Licences of a holder named by the clear ID number or credit code (agency token only)',
      description:
        'A lookup by ID number tells who holds what, so it is not public. The gateway computes the holder commitment and forgets the code; ' +
        'it travels in the body so that no URL, proxy or access log holds it. Recorded in the holder-read trail (by commitment).',
      access: 'agency',
      body: holderLookupBody,
      responses: { 200: { description: 'One page of licences', schema: page(licenceRecord) } },
      async handler({ koa, body, principal }) {
        const commitment = commitHolder(s.holderSecret, body.holderCodeType, body.holderCode, 'body.holderCode');
        await admitHolderRead(s.holderReads, koa, principal, { action: 'licences.holderLookup', commitment, codeType: body.holderCodeType });
        return { body: await byHolder(commitment, body.limit, body.bookmark) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/licences/:id',
      tag: 'licences',
      summary: 'A licence version; with versions=all, every version of its series',
      description: 'Without a token, the holder is shown without its commitment.',
      access: 'public',
      query: getQuery,
      responses: {
        200: {
          description: 'The licence, or { versions } oldest first',
          schema: z.union([licenceRecord, z.object({ versions: z.array(licenceRecord) })]),
        },
      },
      async handler({ params, query, principal }) {
        const id = checkLicenceId(params.id!, 'path.id');
        if (query.versions === 'all') {
          const versions = await s.query<Licence[]>('licence:versions', id);
          return { body: { versions: shownTo(principal, versions) } };
        }
        return { body: shownTo(principal, await s.query<Licence>('licence:get', id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/licences/:id/renew',
      tag: 'licences',
      summary: '换证 / 变更: the next version of the licence, which supersedes this one',
      description: 'Only by the issuing agency. licenceId defaults to the next version of the path\u2019s; a body the agency signs itself must carry both identifiers.',
      access: 'agency',
      body: renewBody,
      responses: { 201: { description: 'The new version, committed', schema: writeResult(licenceRecord) } },
      async handler({ principal, params, body }) {
        const id = checkLicenceId(params.id!, 'path.id');
        const bound = bindFields(body, { previousLicenceId: id, licenceId: body.licenceId ?? nextVersionOf(id) });
        return { status: 201, body: await s.submitter.asAgency(principal!, 'licence:renew', bound) };
      },
    }),
    ...STATUS_CHANGES.map(({ action, summary }) =>
      defineRoute({
        method: 'post',
        path: `/v1/licences/:id/${action}`,
        tag: 'licences',
        summary,
        description: 'Only by the issuing agency, with the reason, which the record keeps.',
        access: 'agency',
        body: agencyRequestBody(licenceSchemas.statusChangeSchema, `licence:${action}`, ['licenceId']),
        responses: { 200: { description: 'The licence after the change, committed', schema: writeResult(licenceRecord) } },
        async handler({ principal, params, body }) {
          const licenceId = checkLicenceId(params.id!, 'path.id');
          return { body: await s.submitter.asAgency(principal!, `licence:${action}`, bindFields(body, { licenceId })) };
        },
      }),
    ),
  ];
}
