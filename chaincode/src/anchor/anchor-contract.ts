import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import { SM3, fromHex, verifyConsistency } from '@henan-chain/crypto';
import { ChaincodeError } from '../common/errors';
import { emitRecordEvent } from '../common/events';
import { INDEX, putIndex, recordKey } from '../common/keys';
import { authenticate } from '../common/signed-request';
import { readIndexPage, writeJson } from '../common/state';
import { txTimeIso } from '../common/time';
import { pageSize, checkArgument, uscc } from '../common/validation';
import { type Anchor, type AnchorHead, anchorIdOf, findAnchor, findHead, headKey, loadAnchor, paddedSequence } from './model';
import { anchorIdSchema, anchorSchema } from './schemas';

const bookmark = z.string().max(1024);
const agencyIdArg = (raw: string): string => checkArgument(uscc, raw, 'agencyId');

/** 批量存证: each agency's append-only log of Merkle tree heads, every new head proven to extend the last. */
@Info({ title: 'Batch anchors', description: 'Batch anchors (批量存证): SM3 Merkle tree heads of each agency, RFC 9162 consistency-checked' })
export class AnchorContract extends Contract {
  constructor() {
    super('anchor');
  }

  /** Anchors the agency's tree head; from the second anchor on, with a proof that it extends the previous one. */
  @Transaction()
  @Returns('string')
  async anchor(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, anchorSchema, requestJson);
    const { request, agency } = auth;
    const proof = request.consistencyProof ?? [];
    const head = await findHead(ctx, agency.agencyId);
    const previous = head ? await loadAnchor(ctx, head.anchorId) : undefined;
    if (!previous && proof.length > 0) {
      throw new ChaincodeError('VALIDATION_FAILED', 'the first anchor of an agency has no previous tree, so it takes no consistency proof');
    }
    if (previous) requireExtends(previous, request.root, request.size, proof);
    const sequence = (head?.sequence ?? 0) + 1;
    const anchorId = anchorIdOf(agency.agencyId, sequence);
    const now = txTimeIso(ctx);
    const anchor: Anchor = {
      kind: 'anchor',
      anchorId,
      agencyId: agency.agencyId,
      sequence,
      root: request.root,
      size: request.size,
      description: request.description,
      ...(previous ? { previous: { anchorId: previous.anchorId, root: previous.root, size: previous.size } } : {}),
      consistencyProof: proof,
      createdAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
      lastAction: auth.action('anchor'),
    };
    const newHead: AnchorHead = { agencyId: agency.agencyId, sequence, anchorId };
    await writeJson(ctx, recordKey(ctx, 'anchor', anchorId), anchor);
    await writeJson(ctx, headKey(ctx, agency.agencyId), newHead);
    await putIndex(ctx, INDEX.anchorByAgency, [agency.agencyId, paddedSequence(sequence), anchorId]);
    emitRecordEvent(ctx, { kind: 'anchor', id: anchorId, action: 'anchored', agencyId: agency.agencyId });
    return JSON.stringify(anchor);
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, anchorId: string): Promise<string> {
    return JSON.stringify(await loadAnchor(ctx, checkArgument(anchorIdSchema, anchorId, 'anchorId')));
  }

  /** The agency's latest anchor. */
  @Transaction(false)
  @Returns('string')
  async head(ctx: Context, agencyId: string): Promise<string> {
    const id = agencyIdArg(agencyId);
    const head = await findHead(ctx, id);
    if (!head) throw new ChaincodeError('NOT_FOUND', `agency ${id} has not anchored anything`, { agencyId: id });
    return JSON.stringify(await loadAnchor(ctx, head.anchorId));
  }

  /** The agency's anchors, oldest first, a page at a time. */
  @Transaction(false)
  @Returns('string')
  async list(ctx: Context, agencyId: string, size: string, mark: string): Promise<string> {
    const page = await readIndexPage(
      ctx,
      INDEX.anchorByAgency,
      [agencyIdArg(agencyId)],
      checkArgument(pageSize, size, 'pageSize'),
      checkArgument(bookmark, mark ?? '', 'bookmark'),
      (anchorId) => findAnchor(ctx, anchorId),
    );
    return JSON.stringify(page);
  }
}

/** The log only grows, and the new tree must contain the previous one unchanged (RFC 9162 §2.1.4.2). */
function requireExtends(previous: Anchor, root: string, size: number, proof: string[]): void {
  if (size <= previous.size) {
    throw new ChaincodeError('INVALID_STATE', `the tree must grow: size ${size} does not exceed the previous anchor's ${previous.size}`, {
      previousAnchorId: previous.anchorId,
      previousSize: previous.size,
      size,
    });
  }
  if (proof.length === 0) {
    throw new ChaincodeError('VALIDATION_FAILED', `a consistency proof from size ${previous.size} (anchor ${previous.anchorId}) is required`);
  }
  const proofBytes = proof.map((p, i) => fromHex(p, `consistencyProof[${i}]`, 32));
  if (!verifyConsistency(SM3, previous.size, size, proofBytes, fromHex(previous.root, 'previous root', 32), fromHex(root, 'root', 32))) {
    throw new ChaincodeError('PROOF_INVALID', `the consistency proof does not show that the tree of size ${size} extends anchor ${previous.anchorId}`, {
      previousAnchorId: previous.anchorId,
      previousSize: previous.size,
      size,
    });
  }
}
