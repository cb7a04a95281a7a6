import { z } from 'zod';
import { LICENCE_VERDICTS, fields, type LicenceVerification } from '@henan-chain/chaincode';
import { withoutHolderCommitments } from '../auth/holder-access';
import { ApiError } from '../errors';
import { defineRoute, type RouteResult } from '../http/route';
import { findings, transactionReceipt } from '../http/schemas';
import { uploadedDigest } from '../http/upload';
import { transactionEvidence } from '../ledger/evidence';
import type { Services } from '../services';
import { DEFAULT_LIMITS, type VerifiedLicence } from '../verification/licence-verdict-cache';
import { checkLicenceId, licenceRecord } from './licences';

/** What a verifier names: the licence, and optionally the SM3 digest of the file in hand. */
const verifyRequest = z.strictObject({
  id: z.string().min(1).max(128).describe('电子证照标识 (GB/T 36904), e.g. from the QR code'),
  documentSm3: fields.sm3Hex.optional().describe('SM3 of the licence file in hand; omit to check the record only'),
});

const verification = z.object({
  verdict: z.enum(LICENCE_VERDICTS).describe('not_yet_valid: issued, but its validFrom is still ahead'),
  reasons: z.array(z.string()).describe('every finding, the deciding one first'),
  findings: findings(LICENCE_VERDICTS),
  record: licenceRecord.nullable(),
  evidence: transactionReceipt
    .extend({
      issuerKeyId: z.string().nullable().describe('the key that signed this version\u2019s issuance or renewal'),
      issuanceTxId: z.string(),
    })
    .nullable()
    .describe('the transaction that last wrote the record, and where it sits on the chain; null when not_found'),
  checkedAt: z
    .string()
    .describe(`the instant the ledger was read for this verdict; a verdict is served again for up to ${DEFAULT_LIMITS.ttlMs / 1000} s while nothing it rests on changes`),
  document: z
    .object({ sm3: z.string(), size: z.number() })
    .optional()
    .describe('the uploaded file as the gateway digested it while streaming (its bytes are not kept)'),
});

const FILE_FIELD = 'file';

/**
 * An answer sent as the JSON bytes the cache keeps: stringifying and encoding the whole record again
 * on every hit cost about a quarter of the hit's CPU time.
 */
const jsonResponse = (json: Buffer): RouteResult => ({ body: json, type: 'application/json' });

export function verifyLicenceRoutes(s: Services) {
  /**
   * The JSON of the chaincode's verdict (licence:verify decides), with the block number and hash of its
   * evidence; from the verdict cache while nothing it rests on can have changed.
   */
  async function verify(id: string, where: string, documentSm3 = ''): Promise<Buffer> {
    const { json: cached, outcome } = await s.licenceVerdicts.lookup(id, documentSm3, Date.now());
    s.metrics.licenceVerdictCache.inc({ outcome });
    if (cached) return cached;
    const mark = s.licenceVerdicts.mark();
    const answer = await s.query<LicenceVerification>('licence:verify', checkLicenceId(id, where), documentSm3);
    // A verdict is public, whoever asks: the record in it goes without the holder's commitment.
    const record = withoutHolderCommitments(answer.record);
    const verified: VerifiedLicence = answer.evidence
      ? { ...answer, record, evidence: { ...answer.evidence, ...(await transactionEvidence(s.ledger, answer.evidence.txId)) } }
      : { ...answer, record, evidence: null };
    const json = Buffer.from(JSON.stringify(verified));
    s.licenceVerdicts.store(id, documentSm3, verified, json, mark);
    return json;
  }

  const responses = {
    200: { description: 'The verdict, with its reasons and evidence; not_found is a verdict too', schema: verification },
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/verify/licence',
      tag: 'verification',
      summary: '证照核验: is this licence genuine and in force?',
      description:
        `By id, by id and documentSm3, or as multipart/form-data with the id and the licence file in "${FILE_FIELD}" ` +
        '(digested with SM3 while it streams in; never stored). A malformed id is a 400 naming the wrong part.',
      access: 'public',
      body: verifyRequest,
      multipart: { fileField: FILE_FIELD },
      responses,
      async handler({ koa, body }) {
        const upload = uploadedDigest(koa);
        if (upload && body.documentSm3 !== undefined) {
          throw new ApiError(400, 'VALIDATION_FAILED', 'body.documentSm3: give the file or its digest, not both');
        }
        const json = await verify(body.id, 'body.id', upload?.sm3 ?? body.documentSm3);
        return upload ? { body: { ...JSON.parse(json.toString('utf8')), document: { sm3: upload.sm3, size: upload.size } } } : jsonResponse(json);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/verify/licence',
      tag: 'verification',
      summary: '证照核验 by link: the same verdict, for QR codes (?id=...)',
      access: 'public',
      query: verifyRequest,
      responses,
      async handler({ query }) {
        return jsonResponse(await verify(query.id, 'query.id', query.documentSm3));
      },
    }),
  ];
}
