import { z } from 'zod';
import { fields, type Agency } from '@henan-chain/chaincode';
import { TOKEN_ID } from '../auth/tokens';
import { ApiError } from '../errors';
import { defineRoute, validate } from '../http/route';
import { organisationOf } from '../organisations';
import type { Services } from '../services';
import { agencyIdOf, requireSelfOrGovernance } from './agencies';

/** A token as listed: never the token itself. */
const tokenInfo = z.object({
  id: z.string().describe('the token\u2019s id (not the token)'),
  label: z.string(),
  status: z.enum(['active', 'expired', 'revoked']),
  createdAt: z.string(),
  expiresAt: z.string().optional().describe('none when TOKEN_TTL_DAYS was unset at issue'),
  lastUsedAt: z.string().optional().describe('updated at most once a minute'),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional().describe('governance, or the agency itself'),
  revocationReason: z.string().optional(),
});

const issueBody = z.strictObject({ label: fields.text(200).optional().describe('what the token is for; the agency\u2019s name when omitted') });
const revokeBody = z.strictObject({ reason: fields.text(500).optional() });
const tokenIdOf = (params: Record<string, string>) =>
  validate(z.object({ tokenId: z.string().regex(TOKEN_ID, 'must be tok_ and 16 lower-case hex digits') }), params, 'path').tokenId;

/** An agency's bearer tokens: issued again by governance, listed by governance, revoked by either. */
export function agencyTokenRoutes(s: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/agencies/:id/tokens',
      tag: 'agencies',
      summary: 'Issue a further bearer token for an agency (e.g. when the first was lost); the token is shown this once',
      description: 'Governance only, for an agency of an organisation this gateway serves. Earlier tokens keep working until revoked or expired.',
      access: 'governance',
      body: issueBody,
      responses: { 201: { description: 'Issued', schema: tokenInfo.extend({ agencyId: z.string(), token: z.string().describe('the bearer token, shown this once') }) } },
      async handler({ params, body }) {
        const agency = await s.query<Agency>('agency:get', agencyIdOf(params));
        if (!organisationOf(s.wallet, agency.mspId)) {
          throw new ApiError(403, 'FORBIDDEN', `this gateway does not serve organisation ${agency.mspId}: a gateway of that organisation issues its tokens`);
        }
        const { token, info } = await s.tokens.issue({ kind: 'agency', agencyId: agency.agencyId, mspId: agency.mspId, label: body.label ?? agency.name });
        return { status: 201, body: { ...info, agencyId: agency.agencyId, token } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/agencies/:id/tokens',
      tag: 'agencies',
      summary: 'An agency\u2019s bearer tokens: ids, labels, creation, expiry, last use and revocation (never the tokens)',
      access: 'governance',
      responses: { 200: { description: 'The agency\u2019s tokens, oldest first', schema: z.object({ agencyId: z.string(), tokens: z.array(tokenInfo) }) } },
      async handler({ params }) {
        const agency = await s.query<Agency>('agency:get', agencyIdOf(params));
        return { body: { agencyId: agency.agencyId, tokens: await s.tokens.list(agency.agencyId) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/agencies/:id/tokens/:tokenId/revoke',
      tag: 'agencies',
      summary: 'Revoke one of an agency\u2019s bearer tokens, for good',
      description: 'By governance, or by the agency itself (with any of its tokens, this one included).',
      access: 'agency-or-governance',
      body: revokeBody,
      responses: { 200: { description: 'Revoked', schema: tokenInfo.extend({ revokedAt: z.string(), revokedBy: z.string() }) } },
      async handler(ctx) {
        const agencyId = agencyIdOf(ctx.params);
        const tokenId = tokenIdOf(ctx.params);
        const by = requireSelfOrGovernance(ctx) === 'self' ? agencyId : 'governance';
        return { body: await s.tokens.revoke(agencyId, tokenId, by, ctx.body.reason) };
      },
    }),
  ];
}
