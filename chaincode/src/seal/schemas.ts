import { z } from 'zod';
import { isoTime, signatureHex, signedFields, sm2PublicKey, sm3Hex, text, uscc } from '../common/validation';
import { PICTURE_MEDIA_TYPES, SEAL_TYPES } from './model';

// No defaults or transforms in signed schemas: the signature covers the request exactly as sent.

/** 印章编码 (esID). */
export const sealId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 -');
export const sealingId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits');

/** Pixel size of the seal picture; real seal images are a few hundred pixels across. */
const pixels = z.number().int().min(1).max(10000);

/** 印章注册, signed by the maker (制章机构): this signature is the maker's signature over the seal info. */
export const registerSealSchema = z.strictObject({
  ...signedFields,
  sealId,
  ownerId: uscc,
  sealType: z.enum(SEAL_TYPES),
  name: text(200),
  validFrom: isoTime,
  validTo: isoTime,
  picture: z.strictObject({ sm3: sm3Hex, mediaType: z.enum(PICTURE_MEDIA_TYPES), width: pixels, height: pixels }),
  publicKey: sm2PublicKey,
});

/** 印章注销, signed by the maker or the owner. */
export const revokeSealSchema = z.strictObject({
  ...signedFields,
  sealId,
  reason: text(500),
  /** Signatures made from this instant on are invalid; defaults to the transaction time, may not lie after it. */
  effectiveFrom: isoTime.optional(),
});

/** What a sealed document carries, recorded or not. */
const sealedDocument = {
  documentSm3: sm3Hex,
  sealId,
  signTime: isoTime,
  sealSignature: signatureHex,
};

/** 签章存证, signed by the owner agency. */
export const recordSealingSchema = z.strictObject({ ...signedFields, ...sealedDocument });

/** The argument of verifySealedDocument. */
export const sealedDocumentSchema = z.strictObject(sealedDocument);

/** verifySealing's optional digest: '' means "do not compare". */
export const optionalSm3 = z.union([z.literal(''), sm3Hex]);

/** One signature of a sealed OFD as anchored: SM3 of its SignedValue.dat, its signing time, the seal's esID. */
export const ofdSignature = z.strictObject({ signatureSm3: sm3Hex, signTime: isoTime, sealId });

/** 签章存证 of a sealed OFD, signed by the agency that sealed it: the document's SM3 and each of its signatures. */
export const recordOfdSealingSchema = z.strictObject({
  ...signedFields,
  documentSm3: sm3Hex,
  signatures: z
    .array(ofdSignature)
    .min(1)
    .max(100)
    .refine((list) => new Set(list.map((s) => s.signatureSm3)).size === list.length, 'each signature appears once'),
});
