import type { Context } from 'fabric-contract-api';
import type { ActionRecord } from '../agency/model';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';
import type { Seal, SealRevocation } from './model';

/** One signature of an anchored OFD. */
export interface OfdSignatureRecord {
  /** SM3 of the signature's SignedValue.dat. */
  signatureSm3: string;
  signTime: string;
  /** 印章编码 (esID) of the seal in the signature: a seal on this ledger when one is registered under it. */
  sealId: string;
}

/**
 * 签章存证 of a sealed OFD (电子签章 by any seal system, GB/T 38540 / GM/T 0031): the agency that
 * sealed it records the document's SM3 and its signatures. The transaction time is when the
 * sealing is known to have existed, whatever the signatures claim.
 */
export interface OfdSealing {
  kind: 'ofd-sealing';
  documentSm3: string;
  ownerId: string;
  signatures: OfdSignatureRecord[];
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/**
 * A seal named by an OFD as this ledger knows it: for a recorded sealing, at the recording time; for
 * one not recorded (its signing times only claimed), revoked by any revocation at all.
 */
export interface OfdSealStatus {
  sealId: string;
  /** not_registered: no seal of that id is on this ledger (a seal of another system). */
  status: 'active' | 'revoked' | 'not_registered';
  /** A revocation effective after the recording leaves the sealing standing; it is shown all the same. */
  revocation: SealRevocation | null;
}

export type OfdSealingVerification =
  | { recorded: false; documentSm3: string; seals: OfdSealStatus[] }
  | { recorded: true; documentSm3: string; sealing: OfdSealing; seals: OfdSealStatus[] };

export async function findOfdSealing(ctx: Context, documentSm3: string): Promise<OfdSealing | undefined> {
  return readJson<OfdSealing>(ctx, recordKey(ctx, 'ofd-sealing', documentSm3));
}

/** The seal's status at `at` (revoked only by a revocation effective at or before it); without `at`, revoked by any. */
export function sealStatusAt(sealId: string, seal: Seal | undefined, at: string | undefined): OfdSealStatus {
  if (!seal) return { sealId, status: 'not_registered', revocation: null };
  const revoked = seal.revocation !== undefined && (at === undefined || Date.parse(seal.revocation.effectiveFrom) <= Date.parse(at));
  return { sealId, status: revoked ? 'revoked' : 'active', revocation: seal.revocation ?? null };
}
