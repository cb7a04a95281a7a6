import { z } from 'zod';
import { generateKeyPair, sign, toHex } from '@henan-chain/crypto';
import { AGENCY_ROLES, fields, possessionStatement, type Agency } from '@henan-chain/chaincode';
import { ApiError } from '../errors';
import { defineRoute, validate, type RouteContext } from '../http/route';
import { signingFields, writeResult } from '../http/schemas';
import { pathId } from '../http/path-id';
import { organisationOf } from '../organisations';
import { bindFields } from '../submission';
import type { Services } from '../services';

/** A governance act's request id: kept by the gateway (not on chain), so a retry gets the first result. */
const governanceRequestId = fields.requestId.optional().describe('reuse it to retry idempotently: a retry gets the first result');

const newKeyFields = {
  publicKey: fields.sm2PublicKey.optional().describe('omit to let the gateway make the key and keep it to sign for the agency'),
  proofOfPossession: fields.signatureHex.optional().describe('SM2 signature by the new key over {"agencyId","publicKey","purpose":"henan-chain/key-possession/v1"} (RFC 8785)'),
};

const registerBody = z.strictObject({
  agencyId: fields.uscc,
  name: fields.text(200),
  regionCode: fields.areaCode,
  mspId: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/),
  roles: z.array(z.enum(AGENCY_ROLES)).min(1),
  licenceTypes: z.array(z.string()).max(100).optional(),
  ...newKeyFields,
  requestId: governanceRequestId,
});

const rotateBody = z.strictObject({ ...newKeyFields, retireSigningKey: z.boolean().default(false), ...signingFields('agency:rotateKey') });
const revokeBody = z.strictObject({
  reason: fields.text(500),
  effectiveFrom: fields.isoTime.optional(),
  revokedKeyId: fields.keyId.optional().describe('the path\u2019s keyId; required in a body the agency signs itself'),
  ...signingFields('agency:revokeOwnKey'),
});
const statusBody = z.strictObject({ reason: fields.text(500), requestId: governanceRequestId });

export const agencyIdOf = pathId(fields.uscc);
const keyIdOf = pathId(fields.keyId, 'keyId');

/** An agency as the chaincode keeps it (the fields a client relies on; others may be added). */
const agencyRecord = z.looseObject({
  kind: z.literal('agency'),
  agencyId: z.string(),
  name: z.string(),
  regionCode: z.string(),
  mspId: z.string(),
  roles: z.array(z.enum(AGENCY_ROLES)),
  licenceTypes: z.array(z.string()),
  status: z.enum(['active', 'suspended']),
  keys: z.array(
    z.looseObject({
      keyId: z.string(),
      publicKey: z.string(),
      validFrom: z.string(),
      validTo: z.string().optional(),
      revokedAt: z.string().optional(),
      revocationReason: z.string().optional(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  txId: z.string(),
});

/** A new agency key: its public half and proof of possession, and the private half if the gateway made it. */
interface KeyMaterial {
  publicKey: string;
  proofOfPossession: string;
  privateKey?: Uint8Array;
}

/** The key the caller names, with its proof; undefined when the gateway is to make one. */
function namedKey(body: { publicKey?: string; proofOfPossession?: string; signature?: string }): KeyMaterial | undefined {
  if (body.signature !== undefined && !body.publicKey) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'body.publicKey: a body the agency signs itself must name the new key');
  }
  if (body.publicKey === undefined) {
    if (body.proofOfPossession !== undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'body.proofOfPossession: only with publicKey (without it the gateway makes the key)');
    return undefined;
  }
  if (!body.proofOfPossession) throw new ApiError(400, 'VALIDATION_FAILED', 'body.proofOfPossession: required with publicKey');
  return { publicKey: body.publicKey, proofOfPossession: body.proofOfPossession };
}

/** A key the gateway makes for `agencyId` and will keep, with the proof of possession it signs with it. */
function madeKey(agencyId: string): Required<KeyMaterial> {
  const pair = generateKeyPair();
  const publicKey = toHex(pair.publicKey);
  return { publicKey, proofOfPossession: toHex(sign(possessionStatement(agencyId, publicKey), pair.privateKey)), privateKey: pair.privateKey };
}

/**
 * A new key of `agencyId`: the caller's (with its proof), or else one the gateway makes only for a new
 * request (not a retry) and keeps pending until the request that registers it is committed.
 */
function newKey(s: Services, agencyId: string, body: { publicKey?: string; proofOfPossession?: string; signature?: string }) {
  const named = namedKey(body);
  if (named) return { named };
  return {
    made: s.keyCustody.made(agencyId, () => {
      const { privateKey, ...fields } = madeKey(agencyId);
      return { privateKey, fields };
    }),
  };
}

/**
 * A governance act is authorised by the governance token and names its agency in the path: a body
 * with an agency's signing fields (or asking to retire a signing key, which only the agency's own
 * rotation does) is refused rather than stripped, so the act is never other than the one asked for.
 */
function refuseAgencyFields(body: Record<string, unknown>): void {
  const given = (['operation', 'agencyId', 'keyId', 'signature'] as const).find((name) => body[name] !== undefined);
  if (given) throw new ApiError(400, 'VALIDATION_FAILED', `body.${given}: a governance act carries no agency signature (the path names the agency)`);
  if (body.requestId !== undefined) validate(z.object({ requestId: fields.requestId }), { requestId: body.requestId }, 'body');
  if (body.retireSigningKey === true) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'body.retireSigningKey: governance adds a key; an agency retires its signing key when it rotates its own');
  }
}

export function requireSelfOrGovernance(ctx: RouteContext<unknown, unknown>): 'self' | 'governance' {
  const p = ctx.principal!;
  if (p.kind === 'governance') return 'governance';
  if (p.agencyId !== ctx.params.id) throw new ApiError(403, 'FORBIDDEN', `the token belongs to agency ${p.agencyId}, not ${ctx.params.id}`);
  return 'self';
}

export function agencyRoutes(s: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/agencies',
      tag: 'agencies',
      summary: 'Register an agency (机构注册); returns its bearer token',
      description: 'Governance only. Without publicKey the gateway makes the agency\u2019s SM2 key and keeps it, so it can sign for the agency.',
      access: 'governance',
      body: registerBody,
      responses: {
        201: {
          description: 'Registered',
          schema: writeResult(agencyRecord).extend({
            token: z.string().optional().describe('the agency\u2019s bearer token, shown this once (when this gateway serves its organisation; not to a retry once issued)'),
            tokenId: z.string().optional().describe('the token\u2019s id, to list or revoke it'),
          }),
        },
      },
      async handler({ body }) {
        const { requestId, ...request } = body;
        const { named, made } = newKey(s, body.agencyId, body);
        const result = await s.submitter.asGovernance('agency:register', { ...request, ...named, licenceTypes: body.licenceTypes ?? [] }, { requestId, made });
        // A token is shown once: a retry of a registration whose token was issued gets none (reissue one instead).
        const served = organisationOf(s.wallet, body.mspId) !== undefined;
        const tokenless = served && !(await s.tokens.list(body.agencyId)).some((t) => t.status === 'active');
        const issued = tokenless
          ? await s.tokens.issue({ kind: 'agency', agencyId: body.agencyId, mspId: body.mspId, label: body.name })
          : undefined;
        return { status: 201, body: { ...result, ...(issued ? { token: issued.token, tokenId: issued.info.id } : {}) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/agencies/:id',
      tag: 'agencies',
      summary: 'An agency: organisation, roles, status and SM2 keys with their validity windows',
      access: 'public',
      responses: { 200: { description: 'The agency record', schema: agencyRecord } },
      async handler({ params }) {
        return { body: await s.query<Agency>('agency:get', agencyIdOf(params)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/agencies/:id/keys',
      tag: 'agencies',
      summary: 'Add or rotate an SM2 key (密钥轮换)',
      description:
        'By the agency itself (signed with a current key; retireSigningKey ends that key now; without publicKey the gateway makes the key, and a retry with the same requestId gets the first rotation back) ' +
        'or by governance, which adds a key only (no retireSigningKey or signing fields; a requestId makes a retry get the first result).',
      access: 'agency-or-governance',
      body: rotateBody,
      responses: { 201: { description: 'Key added', schema: writeResult(agencyRecord) } },
      async handler(ctx) {
        if (requireSelfOrGovernance(ctx) === 'governance') {
          refuseAgencyFields(ctx.body);
          const agencyId = agencyIdOf(ctx.params);
          const { named, made } = newKey(s, agencyId, ctx.body);
          return { status: 201, body: await s.submitter.asGovernance('agency:addKey', { agencyId, ...named }, { requestId: ctx.body.requestId, made }) };
        }
        const { named, made } = newKey(s, ctx.params.id!, ctx.body); // the token's own agency
        const { publicKey: _p, proofOfPossession: _q, ...rest } = ctx.body;
        return { status: 201, body: await s.submitter.asAgency(ctx.principal!, 'agency:rotateKey', { ...rest, ...named }, made) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/agencies/:id/keys/:keyId/revoke',
      tag: 'agencies',
      summary: 'Revoke a key: signatures made with it from effectiveFrom on are invalid',
      description: 'By the agency itself from now on (omit effectiveFrom), or by governance, which may date it back to when a compromise began.',
      access: 'agency-or-governance',
      body: revokeBody,
      responses: { 200: { description: 'Key revoked', schema: writeResult(agencyRecord) } },
      async handler(ctx) {
        const keyId = keyIdOf(ctx.params);
        if (requireSelfOrGovernance(ctx) === 'self') {
          return { body: await s.submitter.asAgency(ctx.principal!, 'agency:revokeOwnKey', bindFields(ctx.body, { revokedKeyId: keyId })) };
        }
        refuseAgencyFields(ctx.body);
        const { requestId, ...body } = ctx.body;
        const request = { ...bindFields(body, { revokedKeyId: keyId }), agencyId: agencyIdOf(ctx.params) };
        return { body: await s.submitter.asGovernance('agency:revokeKey', request, { requestId }) };
      },
    }),
    ...(['suspend', 'reinstate'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/v1/agencies/:id/${action}`,
        tag: 'agencies',
        summary: action === 'suspend' ? 'Suspend an agency (governance)' : 'Reinstate a suspended agency (governance)',
        access: 'governance',
        body: statusBody,
        responses: { 200: { description: 'Status changed', schema: writeResult(agencyRecord) } },
        async handler({ params, body }) {
          const agencyId = agencyIdOf(params);
          const result = await s.submitter.asGovernance(`agency:${action}`, { agencyId, reason: body.reason }, { requestId: body.requestId });
          s.agencyStatus.evict(agencyId); // the agency's tokens follow at once, not when the event arrives
          return { body: result };
        },
      }),
    ),
  ];
}

