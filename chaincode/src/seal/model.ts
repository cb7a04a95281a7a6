import type { Context } from 'fabric-contract-api';
import { canonicalBytes, sm3Hex } from '@henan-chain/crypto';
import type { ActionRecord } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';

/** 印章类型: 公章, 合同专用章, 财务专用章, 发票专用章, 法定代表人名章, other. */
export const SEAL_TYPES = ['official', 'contract', 'finance', 'invoice', 'legal_representative', 'other'] as const;
export type SealType = (typeof SEAL_TYPES)[number];

/** Formats GB/T 38540 allows for the seal picture (印章图像): raster images or an OFD vector. */
export const PICTURE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/bmp', 'application/ofd'] as const;

/** A revocation as recorded: signatures made from `effectiveFrom` on do not count. */
export interface SealRevocation {
  effectiveFrom: string;
  reason: string;
  /** The agency that revoked it: the maker or the owner. */
  revokedBy: string;
  recordedAt: string;
  txId: string;
}

/**
 * 电子印章 (GB/T 38540 SESeal) as the ledger keeps it: the seal info the maker signed, the seal's own
 * SM2 key that seals documents, and its status.
 */
export interface Seal {
  kind: 'seal';
  sealId: string;
  /** 制章机构 */
  makerId: string;
  /** 用章单位 */
  ownerId: string;
  sealType: SealType;
  name: string;
  validFrom: string;
  validTo: string;
  picture: { sm3: string; mediaType: (typeof PICTURE_MEDIA_TYPES)[number]; width: number; height: number };
  publicKey: string;
  status: 'active' | 'revoked';
  revocation?: SealRevocation;
  /**
   * The maker's signed registration request (the seal info and the maker's signature over it). Kept
   * apart from lastAction, which a revocation replaces, so a verifier can always re-check it.
   */
  registration: ActionRecord;
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/** 电子签章 recorded on the ledger: a document digest sealed with a seal at a sign time. */
export interface Sealing {
  kind: 'sealing';
  sealingId: string;
  sealId: string;
  ownerId: string;
  documentSm3: string;
  signTime: string;
  /** The seal key's SM2 signature over `sealingStatement(...)`. */
  sealSignature: string;
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

export interface SealingFields {
  documentSm3: string;
  sealId: string;
  signTime: string;
}

/** One instant, one spelling: `...T08:00:00Z` and `...T08:00:00.000Z` must give the same bytes and id. */
export function normalisedTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new ChaincodeError('VALIDATION_FAILED', `${iso} is not a time`);
  return new Date(t).toISOString();
}

/**
 * The bytes a seal key signs to seal a document: RFC 8785 JSON of `{documentSm3, sealId, signTime}`,
 * with signTime as `Date.toISOString()` gives it (millisecond precision, `Z`). The gateway and the
 * CLI sign exactly these bytes; the chaincode verifies them.
 */
export function sealingStatement(fields: SealingFields): Uint8Array {
  return canonicalBytes({ documentSm3: fields.documentSm3, sealId: fields.sealId, signTime: normalisedTime(fields.signTime) });
}

/** A sealing's id: the first 32 hex of SM3 over its statement, so one sealing has one record. */
export function sealingIdOf(fields: SealingFields): string {
  return sm3Hex(sealingStatement(fields)).slice(0, 32);
}

/** The same fields with signTime in the spelling the statement uses. */
export function normalisedSealing<T extends SealingFields>(fields: T): T {
  return { ...fields, signTime: normalisedTime(fields.signTime) };
}

export async function findSeal(ctx: Context, sealId: string): Promise<Seal | undefined> {
  return readJson<Seal>(ctx, recordKey(ctx, 'seal', sealId));
}

export async function loadSeal(ctx: Context, sealId: string): Promise<Seal> {
  const seal = await findSeal(ctx, sealId);
  if (!seal) throw new ChaincodeError('NOT_FOUND', `seal ${sealId} is not registered`, { sealId });
  return seal;
}

export async function findSealing(ctx: Context, sealingId: string): Promise<Sealing | undefined> {
  return readJson<Sealing>(ctx, recordKey(ctx, 'sealing', sealingId));
}
