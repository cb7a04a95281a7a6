import { z } from 'zod';
import { SEAL_TYPES } from '@henan-chain/chaincode';

// What the seal routes share: the shapes of the records they return, and where seal keys are kept.

/** 电子印章 as the chaincode stores it (the main fields; the rest pass through as recorded). */
export const sealRecord = z.looseObject({
  kind: z.literal('seal'),
  sealId: z.string(),
  makerId: z.string().describe('制章机构'),
  ownerId: z.string().describe('用章单位'),
  sealType: z.enum(SEAL_TYPES),
  name: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  publicKey: z.string().describe('the seal\u2019s SM2 key, which signs sealed documents'),
  status: z.enum(['active', 'revoked']),
  revocation: z.looseObject({ effectiveFrom: z.string(), reason: z.string(), revokedBy: z.string(), recordedAt: z.string(), txId: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  txId: z.string(),
});

/** 电子签章 as recorded on the ledger. */
export const sealingRecord = z.looseObject({
  kind: z.literal('sealing'),
  sealingId: z.string(),
  sealId: z.string(),
  ownerId: z.string(),
  documentSm3: z.string(),
  signTime: z.string(),
  sealSignature: z.string(),
  createdAt: z.string(),
  txId: z.string(),
});

const SEAL_KEY_PREFIX = 'seal-';

/**
 * The key-store owner of a seal's key. A seal id may be spelt like a credit code or "gateway", and the
 * store would then hand the seal's key out as that agency's (or the gateway's): seal keys get their
 * own namespace.
 */
export function sealKeyOwner(sealId: string): string {
  return SEAL_KEY_PREFIX + sealId;
}

/** The seal id of a key-store owner of sealKeyOwner(), or undefined for an agency's or the gateway's. */
export function sealIdOfKeyOwner(owner: string): string | undefined {
  return owner.startsWith(SEAL_KEY_PREFIX) ? owner.slice(SEAL_KEY_PREFIX.length) : undefined;
}
