import { z } from 'zod';
import { BROKEN_CHECKS, chainVerificationJson } from '@henan-chain/embedded-ledger';
import { AuditAccess } from '../audit/access';
import { ApiError } from '../errors';
import { defineRoute } from '../http/route';
import type { Services } from '../services';

const verification = z.discriminatedUnion('valid', [
  z.object({
    valid: z.literal(true),
    height: z.string().describe('decimal: blocks checked, genesis included'),
    transactions: z.number().int().describe('transactions in them, valid or not'),
    tipHash: z.string().describe('SM3 hash of the last block\u2019s header, hex'),
    checkedAt: z.string(),
  }),
  z.object({
    valid: z.literal(false),
    height: z.string().describe('decimal: the height the chain tip records'),
    broken: z
      .object({
        block: z.string().describe('decimal number of the first block that does not verify'),
        check: z.enum(BROKEN_CHECKS).describe('what differs: the data hash over its transactions, the link to the previous block, the commit hash over its validation codes, ...'),
        reason: z.string(),
        expected: z.string().optional().describe('the hash the chain re-derives, hex'),
        found: z.string().optional().describe('the hash stored, hex'),
      })
      .describe('the first broken link'),
    checkedAt: z.string(),
  }),
]);

export function ledgerRoutes(s: Services) {
  const access = new AuditAccess(s.query);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/ledger/verification',
      tag: 'audit',
      summary: '账本校验: verify the block hash chain and each block\u2019s data and commit hashes',
      description:
        'Governance and agencies holding the auditor role. Re-derives every block\u2019s data hash from its stored transactions, ' +
        'its link to the previous block\u2019s header hash and its commit hash over the validation codes, and reports the first broken link; ' +
        'reads the whole chain, so it takes time on a long one. `henan-chain verify-ledger` does the same offline on a copy of the data directory.',
      access: 'agency-or-governance',
      responses: { 200: { description: 'The verdict: valid with counts, or the first broken link (a broken chain is a verdict, not an error)', schema: verification } },
      async handler({ principal }) {
        const scope = await access.scope(principal!);
        if (scope.kind !== 'all') throw new ApiError(403, 'FORBIDDEN', 'verifying the ledger needs the governance token or an agency with the auditor role');
        if (!s.ledger.verifyChain) {
          throw new ApiError(404, 'NOT_AVAILABLE', `a ${s.ledger.kind} ledger keeps its blocks on its peers: verify the chain there (peer node rebuild-dbs / the block files)`);
        }
        const checkedAt = new Date().toISOString();
        return { body: { ...chainVerificationJson(await s.ledger.verifyChain()), checkedAt } };
      },
    }),
  ];
}
