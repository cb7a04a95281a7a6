import { z } from 'zod';
import { operationOf } from '@henan-chain/chaincode';

/** `{"error": {code, message, details}}`: every error the API returns. */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    messageZh: z.string().describe('the same error in Chinese (by its code), for pages shown in zh-CN'),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Where a write landed: returned by every write, after the commit. */
export const transactionReceipt = z.object({
  txId: z.string(),
  blockNumber: z.string().describe('decimal block number'),
  blockHash: z.string(),
  hashAlgorithm: z.enum(['sha256', 'sm3']).describe('what blockHash is a hash of the block header with: sha256 on Fabric, sm3 on the embedded ledger'),
  timestamp: z.string(),
});

/** A verdict's findings, one per reason and in its order, for clients that word them in their own language. */
export const findings = <V extends readonly [string, ...string[]]>(verdicts: V) =>
  z
    .array(
      z.object({
        verdict: z.enum(verdicts),
        code: z.string().describe('stable, e.g. status_revoked, window_expired, document_differs; a client words the finding by it'),
        params: z.record(z.string(), z.string()).describe('exactly the values the reason uses: instants and dates as ISO strings, ids, names, free text'),
      }),
    )
    .describe('the reasons as data: one per reason, in the same order');

export const writeResult = <T extends z.ZodType>(record: T) => z.object({ transaction: transactionReceipt, record });

/** Records as the chaincode returns them; their exact shape is the chaincode's, so stay permissive. */
export const record = z.record(z.string(), z.unknown());

export const page = <T extends z.ZodType>(item: T) => z.object({ records: z.array(item), bookmark: z.string() });

/** The signing fields beside `operation`. */
const signedBodyFields = {
  requestId: z.string().optional().describe('8-64 of A-Z a-z 0-9 . _ : -; reuse it to retry idempotently'),
  agencyId: z.string().optional().describe('the signing agency; must be the token\u2019s agency'),
  keyId: z.string().optional(),
  signature: z.string().optional().describe('SM2 signature (DER or r||s, hex) over the RFC 8785 form of the body without this field'),
};

/**
 * Fields an agency adds when it signs a body itself; the gateway fills them when it signs. `fn` is the
 * chaincode transaction (`family:fn`) the route submits, whose name the body's `operation` must give.
 */
export const signingFields = (fn: string) => {
  const operation = operationOf(fn);
  return {
    operation: z
      .literal(operation, { error: `must be ${operation}, the operation of this route (a body signed for another operation does not authorise this one)` })
      .optional()
      .describe('the operation the signature authorises; required in a body the agency signs itself'),
    ...signedBodyFields,
  };
};

/** The chaincode's re-check of the SM2 signature that made a record version (its lastAction), now. */
export const signatureCheck = z.object({
  status: z.enum(['valid', 'invalid', 'not_signed']),
  agencyId: z.string().optional(),
  keyId: z.string().optional(),
  reason: z.string().optional(),
});
