import { isDeepStrictEqual } from 'node:util';
import { concatBytes, sm3Hex, toHex, utf8 } from '@henan-chain/crypto';
import type { Anchor } from '@henan-chain/chaincode';
import type { Principal } from '../auth/tokens';
import { ApiError } from '../errors';
import { transactionEvidence } from '../ledger/evidence';
import type { Services } from '../services';
import type { TransactionReceipt } from '../submission';
import type { AnchorLog, BatchInfo } from './log';

/** A batch as the HTTP body gives it: leaves (SM3 digests back to back) and the chaincode request without its tree head. */
export interface BatchRequest {
  leaves: Buffer;
  description: string;
  /** The tree head after the batch: optional, but a body the agency signs itself must name it. */
  root?: string;
  size?: number;
  consistencyProof?: string[];
  requestId?: string;
  agencyId?: string;
  keyId?: string;
  signature?: string;
}

/** The caller of a batch: only an agency anchors, its own log. */
export type AgencyPrincipal = Extract<Principal, { kind: 'agency' }>;

export interface BatchResult {
  batch: BatchInfo;
  transaction: TransactionReceipt;
  record: Anchor;
}

/** Tree head after a batch, as the chaincode's anchor request names it (consistencyProof [] on a first anchor). */
interface TreeHead {
  root: string;
  size: number;
  consistencyProof: string[];
}

/**
 * 批量存证: appends a batch to the agency's log and anchors the grown tree's head on chain with the
 * proof that it extends the previous anchor. One batch per agency at a time: each batch's proof
 * starts from the tree the previous one left, so two at once could not both be right.
 */
export class BatchAnchorer {
  private readonly busy = new Set<string>();

  constructor(
    private readonly s: Services,
    private readonly log: AnchorLog,
  ) {}

  async anchor(principal: AgencyPrincipal, request: BatchRequest): Promise<BatchResult> {
    const { agencyId } = principal;
    // Claimed before any await, so a second call for the agency sees it at once.
    if (this.busy.has(agencyId)) {
      throw new ApiError(409, 'ANCHOR_IN_PROGRESS', `a batch of agency ${agencyId} is being anchored; send the next one once it is committed`, { agencyId }, 1);
    }
    this.busy.add(agencyId);
    try {
      return await this.anchorAlone(principal, request);
    } finally {
      this.busy.delete(agencyId);
    }
  }

  private async anchorAlone(principal: AgencyPrincipal, request: BatchRequest): Promise<BatchResult> {
    const { leaves, ...fields } = request;
    const fingerprint = sm3Hex(concatBytes(utf8(request.description), Uint8Array.of(0), leaves));
    const log = await this.log.agency(principal.agencyId);

    if (request.requestId !== undefined) {
      const seen = await this.log.request(principal.agencyId, request.requestId);
      if (seen && seen.fingerprint !== fingerprint) {
        throw new ApiError(409, 'REPLAY', `request id ${request.requestId} was already used for a different batch`, { anchorId: seen.anchorId });
      }
      if (seen) return this.replay(log.batches.find((b) => b.anchorId === seen.anchorId)!);
    }

    const grown = await this.log.grow(log, leaves);
    const last = log.batches.at(-1);
    const head: TreeHead = {
      root: toHex(grown.root()),
      size: grown.size,
      consistencyProof: last ? grown.consistencyProof(last.size).map(toHex) : [],
    };
    const onChain = await this.chainHead(principal.agencyId);
    if (onChain?.anchorId !== last?.anchorId) {
      // The ledger is ahead of this log. If its next anchor is exactly this batch (committed, then the
      // gateway stopped before keeping the leaves; or anchored by the agency itself), take the leaves.
      const next = onChain && onChain.sequence === (last?.sequence ?? 0) + 1 && onChain.root === head.root && onChain.size === head.size;
      if (!next) throw diverged(principal.agencyId, onChain, last);
      const batch = await this.log.append(log, onChain, leaves, grown, fingerprint);
      return { batch, transaction: await transactionEvidence(this.s.ledger, onChain.txId), record: onChain };
    }

    const { transaction, record } = await this.s.submitter.asAgency(principal, 'anchor:anchor', anchorRequest(fields, head));
    const anchor = record as Anchor;
    const batch = await this.log.append(log, anchor, leaves, grown, fingerprint);
    return { batch, transaction, record: anchor };
  }

  private async replay(batch: BatchInfo): Promise<BatchResult> {
    const record = await this.s.query<Anchor>('anchor:get', batch.anchorId);
    return { batch, transaction: await transactionEvidence(this.s.ledger, record.txId), record };
  }

  private async chainHead(agencyId: string): Promise<Anchor | undefined> {
    try {
      return await this.s.query<Anchor>('anchor:head', agencyId);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }
}

/**
 * The chaincode's anchor request: the body without its leaves. A body that names a tree head (one the
 * agency signed itself must, as its signature covers it) has to name the head this batch really gives.
 */
function anchorRequest(fields: Omit<BatchRequest, 'leaves'>, head: TreeHead): Record<string, unknown> {
  const named = fields.signature !== undefined || fields.root !== undefined || fields.size !== undefined || fields.consistencyProof !== undefined;
  if (!named) {
    const { consistencyProof, ...rest } = head;
    return { ...fields, ...rest, ...(consistencyProof.length > 0 ? { consistencyProof } : {}) };
  }
  if (!isDeepStrictEqual({ root: fields.root, size: fields.size, consistencyProof: fields.consistencyProof ?? [] }, head)) {
    throw new ApiError(400, 'VALIDATION_FAILED', `body.root: the tree head after this batch is size ${head.size}, root ${head.root}, with the consistency proof in details`, {
      expected: head,
    });
  }
  return fields;
}

function diverged(agencyId: string, onChain: Anchor | undefined, last: BatchInfo | undefined): ApiError {
  return new ApiError(
    409,
    'ANCHOR_LOG_DIVERGED',
    `the ledger's latest anchor of agency ${agencyId} is ${onChain?.anchorId ?? 'none'}, this gateway's log ends at ${last?.anchorId ?? 'none'}: the agency anchored elsewhere, and this gateway lacks those leaves`,
    { agencyId, ledgerAnchorId: onChain?.anchorId ?? null, ledgerSize: onChain?.size ?? 0, logSize: last?.size ?? 0 },
  );
}
