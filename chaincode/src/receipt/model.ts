import type { Context } from 'fabric-contract-api';
import { canonicalBytes, sm3Hex } from '@henan-chain/crypto';
import type { ActionRecord } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';

/** 共享类型 of a catalogue item. 不予共享 (not shared) items exist in the catalogue but cannot be requested. */
export const SHARE_CLASSES = ['unconditional', 'conditional'] as const; // 无条件共享 | 有条件共享
export type ShareClass = (typeof SHARE_CLASSES)[number];

/**
 * requested → approved | refused (reply) → delivered (delivery) → acknowledged (acknowledge);
 * delivered | acknowledged → disputed (object) → back, or → delivered after a correction.
 */
export const RECEIPT_STATES = ['requested', 'approved', 'refused', 'delivered', 'acknowledged', 'disputed'] as const;
export type ReceiptState = (typeof RECEIPT_STATES)[number];

/** What the provider says it delivered: the object both sides sign. */
export interface Delivery {
  /** SM3 of the delivered data (the document or data set itself never goes on chain). */
  fingerprint: string;
  recordCount: number;
  /** 使用范围: what the consumer may use the data for. */
  scope: string;
  /** After this instant the consumer may no longer use the data. */
  expiresAt: string;
}

/** The delivery as recorded: the signed object, its digest, and the provider's signed request carrying it. */
export interface DeliveryRecord extends Delivery {
  /** SM3 over the RFC 8785 form of the `Delivery` object: what an acknowledgement must match. */
  digest: string;
  /** 1 for the first delivery, +1 for each correction. */
  version: number;
  at: string;
  txId: string;
  /** The provider's signed request (delivery, or resolve with a correction): verifiable later. */
  signedBy: ActionRecord;
}

export interface Acknowledgement {
  deliveryDigest: string;
  at: string;
  txId: string;
  /** The consumer's signed request carrying the same delivery object. */
  signedBy: ActionRecord;
}

export const OBJECTION_CATEGORIES = [
  'quality', // 数据质量: wrong values
  'incomplete', // 数据缺漏
  'mismatch', // 与回执不符: what arrived does not match the fingerprint or count
  'scope', // 超范围使用: use beyond the approved scope or after expiry
  'other',
] as const;
export type ObjectionCategory = (typeof OBJECTION_CATEGORIES)[number];

/**
 * How an objection ends. `corrected`: the provider delivers corrected data (校核纠错);
 * `rejected`: the answering party disputes it; `accepted`: the answering party concedes without new
 * data; `withdrawn`: the raising party takes it back.
 */
export const RESOLUTION_OUTCOMES = ['corrected', 'rejected', 'accepted'] as const;
export type ObjectionOutcome = (typeof RESOLUTION_OUTCOMES)[number] | 'withdrawn';

export type Party = 'provider' | 'consumer';

/** 异议: kept on the receipt in the order raised; at most one is open at a time. */
export interface Objection {
  /** 1, 2, ... in the order raised on this receipt. */
  objectionId: number;
  raisedBy: Party;
  agencyId: string;
  category: ObjectionCategory;
  reason: string;
  /** The state to return to when the objection ends without a correction. */
  priorState: 'delivered' | 'acknowledged';
  at: string;
  txId: string;
  status: 'open' | ObjectionOutcome;
  resolution?: {
    agencyId: string;
    reason?: string;
    /** With `corrected`: the digest of the delivery the correction replaced. */
    supersededDigest?: string;
    at: string;
    txId: string;
  };
}

export interface Receipt {
  kind: 'receipt';
  /** Chosen by the consumer; unique on the chain. */
  receiptId: string;
  consumerId: string;
  providerId: string;
  /** 目录编码 of the catalogue item requested. */
  catalogItemId: string;
  shareClass: ShareClass;
  /** 用途 */
  purpose: string;
  /** 应用场景 */
  scenario?: string;
  /** 依据: the law or policy the request rests on. */
  legalBasis: string;
  state: ReceiptState;
  requestedAt: string;
  reply?: { decision: 'approved' | 'refused'; reason?: string; conditions?: string; at: string; txId: string };
  delivery?: DeliveryRecord;
  /** Present only while it acknowledges the current delivery (a correction removes it). */
  acknowledgement?: Acknowledgement;
  objections: Objection[];
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/** An objection list longer than this is a dispute for the escalation tiers, not for more rounds on chain. */
export const MAX_OBJECTIONS = 20;

export function deliveryDigest(delivery: Delivery): string {
  const { fingerprint, recordCount, scope, expiresAt } = delivery;
  return sm3Hex(canonicalBytes({ fingerprint, recordCount, scope, expiresAt }));
}

export function findReceipt(ctx: Context, receiptId: string): Promise<Receipt | undefined> {
  return readJson<Receipt>(ctx, recordKey(ctx, 'receipt', receiptId));
}

export async function loadReceipt(ctx: Context, receiptId: string): Promise<Receipt> {
  const receipt = await findReceipt(ctx, receiptId);
  if (!receipt) throw new ChaincodeError('NOT_FOUND', `receipt ${receiptId} does not exist`, { receiptId });
  return receipt;
}

/** Which side of the receipt `agencyId` is, or undefined for an outsider. */
export function partyOf(receipt: Receipt, agencyId: string): Party | undefined {
  if (agencyId === receipt.providerId) return 'provider';
  if (agencyId === receipt.consumerId) return 'consumer';
  return undefined;
}

export function otherParty(receipt: Receipt, party: Party): string {
  return party === 'provider' ? receipt.consumerId : receipt.providerId;
}
