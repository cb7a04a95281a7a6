import type { Context } from 'fabric-contract-api';
import type { ActionRecord } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';

/**
 * 批量存证: one anchor of an agency's append-only log, an RFC 9162 Merkle tree over SM3 whose
 * leaves (documents, records) stay off chain. Each anchor proves the tree only grew since the last.
 */
export interface Anchor {
  kind: 'anchor';
  anchorId: string;
  agencyId: string;
  /** 1 for an agency's first anchor, then +1 per anchor. */
  sequence: number;
  /** Tree head after this batch: root hash (SM3, hex) and number of leaves. */
  root: string;
  size: number;
  description: string;
  /** The tree head this anchor extends (absent on the first), and the proof that it does. */
  previous?: { anchorId: string; root: string; size: number };
  consistencyProof: string[];
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/** The pointer to an agency's latest anchor: derived state, not a record (the anchors are the records). */
export interface AnchorHead {
  agencyId: string;
  sequence: number;
  anchorId: string;
}

/** `<agencyId>-<sequence zero-padded to 8>`: sorts by sequence and names its agency. */
export function anchorIdOf(agencyId: string, sequence: number): string {
  return `${agencyId}-${paddedSequence(sequence)}`;
}

export function paddedSequence(sequence: number): string {
  return String(sequence).padStart(8, '0');
}

export function headKey(ctx: Context, agencyId: string): string {
  return ctx.stub.createCompositeKey('anchor~head', [agencyId]);
}

export async function findHead(ctx: Context, agencyId: string): Promise<AnchorHead | undefined> {
  return readJson<AnchorHead>(ctx, headKey(ctx, agencyId));
}

export async function findAnchor(ctx: Context, anchorId: string): Promise<Anchor | undefined> {
  return readJson<Anchor>(ctx, recordKey(ctx, 'anchor', anchorId));
}

export async function loadAnchor(ctx: Context, anchorId: string): Promise<Anchor> {
  const anchor = await findAnchor(ctx, anchorId);
  if (!anchor) throw new ChaincodeError('NOT_FOUND', `anchor ${anchorId} is not on the ledger`, { anchorId });
  return anchor;
}
