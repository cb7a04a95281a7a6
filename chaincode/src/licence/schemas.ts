import { z } from 'zod';
import { areaCode, isoTime, pageSize, publicText, signedFields, sm3Hex, uscc } from '../common/validation';

/**
 * The identifier travels as a bounded string here and is parsed by the contract (parseIdentifier),
 * so a malformed one is INVALID_IDENTIFIER naming the wrong part, not a generic VALIDATION_FAILED.
 */
const licenceIdText = z.string().min(1).max(128);

/** Licence files are a few pages of PDF or OFD; anything near this bound is not a licence. */
export const MAX_DOCUMENT_BYTES = 2 ** 31;
export const MAX_METADATA_ENTRIES = 32;

/** 发证日期: a calendar date, YYYY-MM-DD. */
const calendarDate = z
  .string()
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'is not a calendar date');

/** 证照类型代码: the defining authority's credit code + a 3-digit number. */
export const licenceTypeCode = z
  .string()
  .length(21, 'must be 21 characters (a credit code + 3 digits)')
  .refine((value) => /^[0-9]{3}$/.test(value.slice(18)) && uscc.safeParse(value.slice(0, 18)).success, 'must be a valid credit code followed by 3 digits');

const holder = z.strictObject({
  commitment: sm3Hex,
  /** 111 resident ID, 001 unified social credit code; other national codes are 3 digits too. */
  codeType: z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit holder code type'),
});

const licenceDocument = z.strictObject({
  sm3: sm3Hex,
  size: z.number().int().min(1).max(MAX_DOCUMENT_BYTES),
  mediaType: z.enum(['application/pdf', 'application/ofd']),
});

/** GB/T 36903 extension fields: a bounded map of short, non-personal strings. */
const metadata = z
  .record(z.string().regex(/^[\p{L}\p{N}_.-]{1,64}$/u, 'metadata keys are 1-64 letters, digits, _ . -'), publicText(1000))
  .refine((value) => Object.keys(value).length <= MAX_METADATA_ENTRIES, `at most ${MAX_METADATA_ENTRIES} metadata entries`);

const validUntil = isoTime.nullable();

/** 发证: every field of the licence as the issuing agency states and signs it. */
export const issueSchema = z.strictObject({
  ...signedFields,
  licenceId: licenceIdText,
  name: publicText(200),
  number: publicText(100),
  holder,
  holderName: publicText(200).optional(),
  issueDate: calendarDate,
  validFrom: isoTime,
  validUntil,
  areaCode,
  document: licenceDocument,
  metadata: metadata.optional(),
});
export type IssueRequest = z.infer<typeof issueSchema>;

/** The fields a renewal or change may replace; everything else is carried over from the previous version. */
export const licenceChanges = z
  .strictObject({
    validFrom: isoTime.optional(),
    validUntil: validUntil.optional(),
    document: licenceDocument.optional(),
    name: publicText(200).optional(),
    holderName: publicText(200).optional(),
    /** Replaces the whole map. */
    metadata: metadata.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'a new version must change at least one field');
export type LicenceChanges = z.infer<typeof licenceChanges>;

/** 换证 / 变更: the next version of a licence, stated by its identifier. */
export const renewSchema = z.strictObject({
  ...signedFields,
  previousLicenceId: licenceIdText,
  licenceId: licenceIdText,
  reason: z.enum(['renewal', 'change']),
  /** The new version's 发证日期. */
  issueDate: calendarDate,
  changes: licenceChanges,
});
export type RenewRequest = z.infer<typeof renewSchema>;

/** 暂扣 / 恢复 / 吊销 / 撤销: a status change with its reason. */
export const statusChangeSchema = z.strictObject({
  ...signedFields,
  licenceId: licenceIdText,
  reason: publicText(500),
});

const bookmark = z.string().max(4096);

export const byHolderQuery = z.strictObject({ commitment: sm3Hex, pageSize, bookmark });
export const byIssuerTypeQuery = z.strictObject({ issuerId: uscc, licenceTypeCode, pageSize, bookmark });
export const verifyQuery = z.strictObject({ documentSm3: z.union([z.literal(''), sm3Hex]) });
