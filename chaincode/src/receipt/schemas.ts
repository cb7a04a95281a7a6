import { z } from 'zod';
import { isoTime, pageSize, publicText, signedFields, sm3Hex, uscc } from '../common/validation';
import { OBJECTION_CATEGORIES, RESOLUTION_OUTCOMES, SHARE_CLASSES } from './model';


export const receiptId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'must be 8-64 characters of A-Z a-z 0-9 -');

/** 目录编码: catalogue codes mix letters, digits and separators, e.g. `11410000005184361T/00001`. */
export const catalogItemId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9./_-]{0,63}$/, 'must be 1-64 characters of A-Z a-z 0-9 . / _ - starting with a letter or digit');

export const deliverySchema = z.strictObject({
  fingerprint: sm3Hex,
  recordCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  scope: publicText(500),
  expiresAt: isoTime,
});

export const requestSchema = z.strictObject({
  ...signedFields,
  receiptId,
  providerId: uscc,
  catalogItemId,
  shareClass: z.enum(SHARE_CLASSES, {
    error: 'must be unconditional (无条件共享) or conditional (有条件共享); not-shared (不予共享) items cannot be requested',
  }),
  purpose: publicText(500),
  scenario: publicText(200).optional(),
  legalBasis: publicText(500),
});

export const replySchema = z
  .strictObject({
    ...signedFields,
    receiptId,
    decision: z.enum(['approved', 'refused']),
    reason: publicText(1000).optional(),
    conditions: publicText(2000).optional(),
  })
  .refine((r) => r.decision !== 'refused' || r.reason !== undefined, { message: 'a refusal needs a reason', path: ['reason'] })
  .refine((r) => r.decision !== 'refused' || r.conditions === undefined, { message: 'a refusal carries no conditions', path: ['conditions'] });

/** Used by `delivery` (the provider) and `acknowledge` (the consumer, carrying the same object). */
export const deliveryRequestSchema = z.strictObject({ ...signedFields, receiptId, delivery: deliverySchema });

export const objectSchema = z.strictObject({
  ...signedFields,
  receiptId,
  category: z.enum(OBJECTION_CATEGORIES),
  reason: publicText(1000),
});

const objectionId = z.number().int().min(1);

export const resolveSchema = z
  .strictObject({
    ...signedFields,
    receiptId,
    objectionId,
    outcome: z.enum(RESOLUTION_OUTCOMES),
    reason: publicText(1000).optional(),
    correctedDelivery: deliverySchema.optional(),
  })
  .refine((r) => (r.outcome === 'corrected') === (r.correctedDelivery !== undefined), {
    message: 'a corrected delivery is given exactly when the outcome is corrected',
    path: ['correctedDelivery'],
  })
  .refine((r) => r.outcome !== 'rejected' || r.reason !== undefined, { message: 'a rejection needs a reason', path: ['reason'] });

export const withdrawSchema = z.strictObject({ ...signedFields, receiptId, objectionId, reason: publicText(1000).optional() });

const bookmark = z.string().max(4096);
export const byAgencyQuery = z.strictObject({ agencyId: uscc, pageSize, bookmark });
export const byCatalogItemQuery = z.strictObject({ catalogItemId, pageSize, bookmark });
