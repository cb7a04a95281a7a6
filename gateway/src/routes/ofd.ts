import { z } from 'zod';
import { canonicalBytes, equalBytes } from '@henan-chain/crypto';
import { type OfdSealing, type OfdSealingVerification, sealSchemas } from '@henan-chain/chaincode';
import { OfdError, type OfdReport, type Verification, sealPicture, verifyOfd } from '@henan-chain/ofd';
import type Koa from 'koa';
import { ApiError } from '../errors';
import { defineRoute } from '../http/route';
import { agencyRequestBody } from '../http/request-body';
import { errorBody, writeResult } from '../http/schemas';
import { uploadedDigest } from '../http/upload';
import { transactionEvidence } from '../ledger/evidence';
import { ofdVerification, withLedger } from '../seals/ofd-report';
import type { Services } from '../services';

/** The multipart field that carries the OFD; its bytes are read in memory for the request, never stored. */
const FILE_FIELD = 'file';

const { recordOfdSealingSchema } = sealSchemas;

const sealingBody = agencyRequestBody(
  recordOfdSealingSchema.extend({
    documentSm3: recordOfdSealingSchema.shape.documentSm3.optional().describe('the OFD\u2019s SM3; omit when uploading the OFD, from which the gateway reads it'),
    signatures: recordOfdSealingSchema.shape.signatures
      .optional()
      .describe('each signature\u2019s SM3 (of SignedValue.dat), signing time and seal id, in the document\u2019s order; omit when uploading the OFD'),
  }),
  'seal:recordOfdSealing',
);

const ofdSealingRecord = z.looseObject({
  kind: z.literal('ofd-sealing'),
  documentSm3: z.string(),
  ownerId: z.string(),
  signatures: z.array(z.object({ signatureSm3: z.string(), signTime: z.string(), sealId: z.string() })),
  createdAt: z.string(),
  txId: z.string(),
});

/** An OFD that cannot be read at all: a zip bomb or more work than allowed is too large (413), anything else unprocessable (422). */
function ofdError(err: unknown): never {
  if (err instanceof OfdError) {
    throw new ApiError(err.code === 'ZIP_LIMIT' || err.code === 'OFD_LIMIT' ? 413 : 422, 'OFD_UNREADABLE', err.message, { reason: err.code, ...(err.path ? { path: err.path } : {}) });
  }
  throw err;
}

/** The uploaded OFD verified, or a 400 when no file came. */
async function verifyUpload(koa: Koa.ParameterizedContext): Promise<Verification | undefined> {
  const bytes = uploadedDigest(koa)?.bytes;
  if (!bytes) return undefined;
  return verifyOfd(bytes).catch(ofdError);
}

function noFile(): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', `upload the OFD as multipart/form-data in field "${FILE_FIELD}"`);
}

/** What the ledger anchors of a verified OFD: its SM3 and each signature's SM3, time and seal id. */
function anchoredFields(report: OfdReport) {
  return {
    documentSm3: report.document.sm3,
    signatures: report.signatures.map((s) => ({ signatureSm3: s.sm3!, signTime: s.signTime!, sealId: s.seal!.esId })),
  };
}

export function ofdRoutes(s: Services) {
  /** The ledger's view of an OFD: its recorded sealing and the seals it names that are registered here. */
  async function onLedger(report: OfdReport) {
    const sealIds = [...new Set(report.signatures.flatMap((sig) => (sig.seal ? [sig.seal.esId] : [])))].filter((id) => sealSchemas.sealId.safeParse(id).success);
    const ledger = await s.query<OfdSealingVerification>('seal:verifyOfdSealing', report.document.sm3, JSON.stringify(sealIds));
    const sealingAt = ledger.recorded ? await transactionEvidence(s.ledger, ledger.sealing.txId) : undefined;
    return withLedger(report, ledger, sealingAt);
  }

  return [
    defineRoute({
      method: 'post',
      path: '/v1/verify/ofd',
      tag: 'seals',
      summary: '签章核验 of a sealed OFD (GB/T 33190) with GB/T 38540 / GM/T 0031 seals: genuine, unchanged, sealed while seal and certificate were valid?',
      description:
        `multipart/form-data with the OFD in field "${FILE_FIELD}", read in memory within UPLOAD_LIMIT and never stored. Every signature is checked: the files it ` +
        'protects (SM3), the signed value over Signature.xml, the SM2 signature, the signer\u2019s certificate and the seal at the signing time, the seal maker\u2019s ' +
        'signature. Also whether the sealing of this file was recorded on the ledger and its seals\u2019 status there. A file that is no readable OFD (not a zip, ' +
        'unsafe entry names, a zip bomb, XML with a DTD) is a 422 (413 for size limits) with code OFD_UNREADABLE.',
      access: 'public',
      body: z.strictObject({}),
      multipart: { fileField: FILE_FIELD, keepBytes: true },
      responses: { 200: { description: 'The verdict of the document and of each signature, with reasons and the ledger\u2019s view', schema: ofdVerification } },
      async handler({ koa }) {
        const verified = await verifyUpload(koa);
        if (!verified) throw noFile();
        return { body: await onLedger(verified.report) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/verify/ofd/seal-picture',
      tag: 'seals',
      summary: 'The seal picture (印章图像) of one signature of an uploaded OFD, as an image',
      description: `multipart/form-data with the OFD in field "${FILE_FIELD}"; only raster pictures (PNG, JPEG, GIF, BMP, by their own bytes) are served.`,
      access: 'public',
      body: z.strictObject({}),
      query: z.strictObject({ signature: z.string().min(1).max(64).describe('the signature\u2019s ID in Signatures.xml, as /v1/verify/ofd lists it') }),
      multipart: { fileField: FILE_FIELD, keepBytes: true },
      responses: {
        200: {
          description: 'The picture',
          schema: z.string().describe('image bytes'),
          mediaType: 'image/png',
          otherMedia: Object.fromEntries(['image/jpeg', 'image/gif', 'image/bmp'].map((type) => [type, z.string()])),
        },
      },
      async handler({ koa, query }) {
        const verified = await verifyUpload(koa);
        if (!verified) throw noFile();
        const seal = verified.seals.get(query.signature);
        if (!seal) throw new ApiError(404, 'NOT_FOUND', `the OFD has no sealed signature ${query.signature}`);
        const picture = sealPicture(seal);
        if (!picture) throw new ApiError(404, 'NOT_FOUND', `the seal of signature ${query.signature} has no raster picture (it states type ${seal.picture.type})`);
        return { body: Buffer.from(picture.data), type: picture.mediaType, headers: { 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff' } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/sealed-documents/ofd',
      tag: 'seals',
      summary: '签章存证 of a sealed OFD: the agency that sealed it records its SM3 and each signature\u2019s SM3, time and seal id',
      description:
        `multipart/form-data with the OFD in field "${FILE_FIELD}" (only a document whose verdict is valid is recorded; the gateway reads the fields from it), ` +
        'or JSON with documentSm3 and signatures. Signed like every write (operation seal.recordOfdSealing). A seal registered on this ledger must be the ' +
        'agency\u2019s own, unrevoked and valid at the signing time; a seal of another system is recorded as named.',
      access: 'agency',
      body: sealingBody,
      multipart: { fileField: FILE_FIELD, keepBytes: true },
      responses: {
        201: { description: 'The sealing, committed', schema: writeResult(ofdSealingRecord) },
        422: {
          description: 'The upload is no readable OFD (OFD_UNREADABLE), its verdict is not valid (OFD_NOT_VALID, with details.verdict and details.reasons), or a signature or key does not verify',
          schema: errorBody,
        },
      },
      async handler({ koa, principal, body }) {
        const verified = await verifyUpload(koa);
        let request: Record<string, unknown> = body;
        if (verified) {
          const { report } = verified;
          if (report.verdict !== 'valid') {
            throw new ApiError(422, 'OFD_NOT_VALID', `only a valid sealed OFD is recorded; this one is ${report.verdict}: ${report.reasons[0] ?? ''}`, { verdict: report.verdict, reasons: report.reasons });
          }
          const fields = anchoredFields(report);
          // A body the agency signed must name exactly what the file holds; any other body gets the file's fields.
          for (const name of ['documentSm3', 'signatures'] as const) {
            if (body[name] !== undefined && !equalBytes(canonicalBytes(body[name]), canonicalBytes(fields[name]))) {
              throw new ApiError(400, 'VALIDATION_FAILED', `body.${name}: is not what the uploaded OFD holds (${JSON.stringify(fields[name]).slice(0, 200)})`);
            }
          }
          request = body.signature !== undefined ? body : { ...body, ...fields };
        }
        if (request.documentSm3 === undefined || request.signatures === undefined) {
          throw new ApiError(400, 'VALIDATION_FAILED', `body.documentSm3: give documentSm3 and signatures, or upload the OFD (multipart field "${FILE_FIELD}")`);
        }
        const result = await s.submitter.asAgency(principal!, 'seal:recordOfdSealing', request);
        return { status: 201, body: result as { transaction: unknown; record: OfdSealing } };
      },
    }),
  ];
}
