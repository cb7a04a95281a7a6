import type Koa from 'koa';
import { z } from 'zod';
import { sign, toHex } from '@henan-chain/crypto';
import { SEAL_VERDICTS, sealSchemas, sealingStatement, type Seal, type SealVerification } from '@henan-chain/chaincode';
import type { Principal } from '../auth/tokens';
import { ApiError } from '../errors';
import { defineRoute } from '../http/route';
import { agencyRequestBody } from '../http/request-body';
import { findings, transactionReceipt, writeResult } from '../http/schemas';
import { uploadedDigest } from '../http/upload';
import { transactionEvidence } from '../ledger/evidence';
import type { Services } from '../services';
import { bindFields } from '../submission';
import { sealKeyOwner, sealRecord, sealingRecord } from '../seals/model';

/** The multipart field that carries the document; only its SM3 digest is kept. */
const DOCUMENT_FIELD = 'document';

const { recordSealingSchema, sealedDocumentSchema } = sealSchemas;
const { documentSm3, signTime, sealSignature } = recordSealingSchema.shape;

const sealingBody = agencyRequestBody(
  recordSealingSchema.extend({
    documentSm3: documentSm3.optional().describe('SM3 of the sealed document; omit when uploading the document itself'),
    signTime: signTime.optional().describe('the sign time; now when omitted (a retry with the same requestId gets the first sealing back)'),
    sealSignature: sealSignature
      .optional()
      .describe('the seal key\u2019s SM2 signature over the RFC 8785 JSON {documentSm3, sealId, signTime}; omit to let the gateway sign with the seal key it keeps'),
  }),
  'seal:recordSealing',
);

const verifyBody = sealedDocumentSchema
  .partial()
  .extend({ sealingId: sealSchemas.sealingId.optional().describe('a recorded sealing; or give the document (or documentSm3) with sealId, signTime and sealSignature') });

/** A transaction the verification rests on, with where it sits on the chain. */
const located = <T extends z.ZodRawShape>(shape: T) => transactionReceipt.extend(shape);

const sealVerification = z.object({
  verdict: z.enum(SEAL_VERDICTS),
  reasons: z.array(z.string()),
  findings: findings(SEAL_VERDICTS),
  seal: sealRecord.nullable(),
  sealing: sealingRecord.optional(),
  evidence: z.object({
    checkedAt: z.string(),
    ...transactionReceipt.partial().shape,
    signTime: z.string().optional(),
    signTimeSource: z.enum(['recorded', 'claimed']).optional().describe('recorded: the ledger took the sealing near its sign time; claimed: only the document says so'),
    statementSm3: z.string().optional(),
    sealPublicKey: z.string().optional(),
    sealRegistration: located({ at: z.string(), makerId: z.string(), makerKeyId: z.string().optional() }).optional(),
    sealRevocation: located({ effectiveFrom: z.string(), reason: z.string(), revokedBy: z.string(), recordedAt: z.string() }).nullable().optional(),
    sealing: located({ sealingId: z.string(), recordedAt: z.string() }).optional(),
  }),
});

/** The document's SM3: of the uploaded file, or as the body gives it. Both given, they must agree. */
function documentDigest(koa: Koa.ParameterizedContext, claimed: string | undefined): string | undefined {
  const upload = uploadedDigest(koa);
  if (upload && claimed !== undefined && claimed !== upload.sm3) {
    throw new ApiError(400, 'VALIDATION_FAILED', `body.documentSm3: ${claimed} is not the SM3 of the uploaded document (${upload.sm3})`);
  }
  return upload?.sm3 ?? claimed;
}

function missing(name: string, why: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', `body.${name}: ${why}`);
}

export function sealedDocumentRoutes(s: Services) {
  /** The seal signature (and sign time) made with the seal key the gateway keeps, for the seal's owner only. */
  async function sealFor(principal: Principal, statement: { documentSm3: string; sealId: string; signTime?: string }) {
    const seal = await s.query<Seal>('seal:get', statement.sealId);
    if (principal.kind !== 'agency' || seal.ownerId !== principal.agencyId) {
      throw new ApiError(403, 'FORBIDDEN', `seal ${seal.sealId} belongs to ${seal.ownerId}: only its owner seals with it`);
    }
    const key = await s.keys.active(sealKeyOwner(seal.sealId));
    if (!key || key.publicKey !== seal.publicKey) {
      throw new ApiError(422, 'NO_SIGNING_KEY', `the gateway keeps no key of seal ${seal.sealId}: sign the sealing statement with the seal key yourself (sealSignature)`);
    }
    const signTime = statement.signTime ?? new Date().toISOString();
    // Deterministic (RFC 6979): a retry with the same sign time makes the same request, hence gets the first result.
    const sealSignature = toHex(sign(sealingStatement({ ...statement, signTime }), key.privateKey, { deterministic: true }));
    return { signTime, sealSignature };
  }

  /** The chaincode's verification with each transaction it names located on the chain (block number and hash). */
  async function locate(v: SealVerification) {
    if (!v.seal) return v; // not_found: nothing on the chain to point at
    const at = (txId: string) => transactionEvidence(s.ledger, txId);
    const e = v.evidence as Record<string, Record<string, unknown> | null>;
    const [registration, revocation, sealing] = await Promise.all([
      at(v.seal.registration.txId),
      v.seal.revocation && at(v.seal.revocation.txId),
      v.sealing && at(v.sealing.txId),
    ]);
    const evidence = {
      ...e,
      // Where the record judged sits: the sealing, or (not recorded) the seal's registration.
      ...(sealing ?? registration),
      sealRegistration: { ...e.sealRegistration, ...registration },
      sealRevocation: revocation ? { ...e.sealRevocation, ...revocation } : null,
      ...(sealing ? { sealing: { ...e.sealing, ...sealing } } : {}),
    };
    return { ...v, evidence };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/v1/sealed-documents',
      tag: 'seals',
      summary: '签章存证: the seal\u2019s owner records a document sealed with it',
      description:
        'JSON with documentSm3, or multipart/form-data with the document in field "document" (only its SM3 is kept). Without sealSignature the gateway signs ' +
        'the sealing statement RFC 8785 {documentSm3, sealId, signTime} with the seal key it keeps. The chaincode checks the seal at the sign time.',
      access: 'agency',
      body: sealingBody,
      multipart: { fileField: DOCUMENT_FIELD },
      responses: { 201: { description: 'The sealing, committed', schema: writeResult(sealingRecord) } },
      async handler({ koa, principal, body }) {
        const digest = documentDigest(koa, body.documentSm3);
        if (digest === undefined) throw missing('documentSm3', `give the document\u2019s SM3, or upload the document (multipart field "${DOCUMENT_FIELD}")`);
        const request = bindFields(body, { documentSm3: digest });
        if (body.sealSignature !== undefined) return { status: 201, body: await s.submitter.asAgency(principal!, 'seal:recordSealing', request) };
        if (body.signature !== undefined) throw missing('sealSignature', 'a body the agency signs itself must carry the seal signature it covers');
        // Sign time and seal signature are made for a new request only: a retry gets the first sealing back.
        const statement = { documentSm3: digest, sealId: body.sealId, signTime: body.signTime };
        return { status: 201, body: await s.submitter.asAgency(principal!, 'seal:recordSealing', request, { fields: () => sealFor(principal!, statement) }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/verify/sealed-document',
      tag: 'seals',
      summary: '签章验证: is this sealed document genuine, and was the seal in force when it was sealed?',
      description:
        'By a recorded sealing ({sealingId}, with the document or documentSm3 to check it is the one sealed), or by the sealed document itself ' +
        '(the document or documentSm3, sealId, signTime, sealSignature), JSON or multipart with the document in field "document". ' +
        'An unrecorded sealing\u2019s sign time is only claimed, so any revocation of its seal counts against it.',
      access: 'public',
      body: verifyBody,
      multipart: { fileField: DOCUMENT_FIELD },
      responses: { 200: { description: 'The verdict, its reasons and the evidence', schema: sealVerification } },
      async handler({ koa, body }) {
        const digest = documentDigest(koa, body.documentSm3);
        if (body.sealingId !== undefined) {
          const extra = (['sealId', 'signTime', 'sealSignature'] as const).find((name) => body[name] !== undefined);
          if (extra) throw missing(extra, 'give either sealingId or the sealed document\u2019s sealId, signTime and sealSignature, not both');
          return { body: await locate(await s.query<SealVerification>('seal:verifySealing', body.sealingId, digest ?? '')) };
        }
        const document = { documentSm3: digest, sealId: body.sealId, signTime: body.signTime, sealSignature: body.sealSignature };
        const absent = Object.entries(document).find(([, value]) => value === undefined);
        if (absent) throw missing(absent[0], 'required to verify a sealed document without sealingId (for documentSm3: or upload the document)');
        return { body: await locate(await s.query<SealVerification>('seal:verifySealedDocument', JSON.stringify(document))) };
      },
    }),
  ];
}
