import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { z } from 'zod';
import { type ActionRecord, loadAgency, requireActive, requireRole } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { emitRecordEvent } from '../common/events';
import { INDEX, putIndex, recordKey } from '../common/keys';
import { type Authenticated, type SignedFields, authenticate } from '../common/signed-request';
import { readIndexPage, writeJson } from '../common/state';
import { txTimeIso } from '../common/time';
import { checkArgument } from '../common/validation';
import {
  type Delivery,
  type DeliveryRecord,
  MAX_OBJECTIONS,
  type Party,
  type Receipt,
  type ReceiptState,
  deliveryDigest,
  findReceipt,
  loadReceipt,
  otherParty,
  partyOf,
} from './model';
import {
  byAgencyQuery,
  byCatalogItemQuery,
  deliveryRequestSchema,
  objectSchema,
  receiptId as receiptIdSchema,
  replySchema,
  requestSchema,
  resolveSchema,
  withdrawSchema,
} from './schemas';

/** A signed step on an existing receipt: the request, who signed it, the receipt and which side the signer is. */
interface Step<T extends SignedFields> extends Authenticated<T> {
  receipt: Receipt;
  party: Party;
}

function requireState(receipt: Receipt, allowed: readonly ReceiptState[], step: string): void {
  if (!allowed.includes(receipt.state)) {
    throw new ChaincodeError('INVALID_STATE', `receipt ${receipt.receiptId} is ${receipt.state}; ${step} needs ${allowed.join(' or ')}`, {
      receiptId: receipt.receiptId,
      state: receipt.state,
    });
  }
}

/** A delivery already expired when recorded would be a receipt for data nobody may use. */
function requireUnexpired(delivery: Delivery, now: string): void {
  if (Date.parse(delivery.expiresAt) <= Date.parse(now)) {
    throw new ChaincodeError('VALIDATION_FAILED', `delivery.expiresAt ${delivery.expiresAt} is not after the transaction time ${now}`);
  }
}

/** Data goes only to an agency in good standing: a suspended consumer gets no approval and no delivery. */
async function requireConsumerActive(ctx: Context, receipt: Receipt): Promise<void> {
  requireActive(await loadAgency(ctx, receipt.consumerId));
}

/** 数据共享回执: each step of a data-sharing request, signed by the party whose step it is. */
@Info({ title: 'Data-sharing receipts', description: '数据共享回执: request, reply, delivery, acknowledgement, objection (异议) and correction (校核纠错)' })
export class ReceiptContract extends Contract {
  constructor() {
    super('receipt');
  }

  /** 共享申请 by the consumer: opens a receipt with the provider for one catalogue item. */
  @Transaction()
  @Returns('string')
  async request(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, requestSchema, requestJson);
    const { request, agency: consumer } = auth;
    requireRole(consumer, 'consumer');
    if (request.providerId === consumer.agencyId) {
      throw new ChaincodeError('VALIDATION_FAILED', 'an agency cannot request data from itself', { providerId: request.providerId });
    }
    const provider = await loadAgency(ctx, request.providerId);
    requireRole(provider, 'provider');
    requireActive(provider);
    if (await findReceipt(ctx, request.receiptId)) {
      throw new ChaincodeError('ALREADY_EXISTS', `receipt ${request.receiptId} already exists`, { receiptId: request.receiptId });
    }
    const now = txTimeIso(ctx);
    const { receiptId, catalogItemId, shareClass, purpose, scenario, legalBasis } = request;
    const receipt: Receipt = {
      kind: 'receipt',
      receiptId,
      consumerId: consumer.agencyId,
      providerId: provider.agencyId,
      catalogItemId,
      shareClass,
      purpose,
      ...(scenario !== undefined && { scenario }),
      legalBasis,
      state: 'requested',
      requestedAt: now,
      objections: [],
      createdAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
      lastAction: auth.action('request'),
    };
    // Both parties find the receipt under their own id; the catalogue index serves provenance queries.
    await putIndex(ctx, INDEX.receiptByAgency, [receipt.consumerId, receiptId]);
    await putIndex(ctx, INDEX.receiptByAgency, [receipt.providerId, receiptId]);
    await putIndex(ctx, INDEX.receiptByCatalogItem, [catalogItemId, receiptId]);
    return this.save(ctx, receipt, 'requested', 'consumer');
  }

  /** 答复 by the provider: approve (with optional conditions) or refuse with a reason. */
  @Transaction()
  @Returns('string')
  async reply(ctx: Context, requestJson: string): Promise<string> {
    const step = await this.step(ctx, replySchema, requestJson, 'reply', 'provider');
    const { receipt, request } = step;
    requireState(receipt, ['requested'], 'reply');
    if (request.decision === 'approved') await requireConsumerActive(ctx, receipt);
    receipt.reply = {
      decision: request.decision,
      ...(request.reason !== undefined && { reason: request.reason }),
      ...(request.conditions !== undefined && { conditions: request.conditions }),
      at: txTimeIso(ctx),
      txId: ctx.stub.getTxID(),
    };
    receipt.state = request.decision;
    return this.save(ctx, this.touched(ctx, receipt, step.action('reply')), request.decision, 'provider');
  }

  /** 数据交付 by the provider: the SM3 fingerprint, count, scope and expiry of what was delivered. */
  @Transaction()
  @Returns('string')
  async delivery(ctx: Context, requestJson: string): Promise<string> {
    const step = await this.step(ctx, deliveryRequestSchema, requestJson, 'delivery', 'provider');
    const { receipt, request } = step;
    requireState(receipt, ['approved'], 'delivery');
    const action = step.action('delivery');
    receipt.delivery = await this.deliveryRecord(ctx, receipt, request.delivery, 1, action);
    receipt.state = 'delivered';
    return this.save(ctx, this.touched(ctx, receipt, action), 'delivered', 'provider');
  }

  /**
   * 确认回执 by the consumer, carrying the very delivery object the provider signed: it must equal the
   * stored one canonically (compared by SM3 over RFC 8785 bytes), so the receipt is one both sides signed.
   */
  @Transaction()
  @Returns('string')
  async acknowledge(ctx: Context, requestJson: string): Promise<string> {
    const step = await this.step(ctx, deliveryRequestSchema, requestJson, 'acknowledge', 'consumer');
    const { receipt, request } = step;
    requireState(receipt, ['delivered'], 'acknowledge');
    const current = receipt.delivery!;
    const digest = deliveryDigest(request.delivery);
    if (digest !== current.digest) {
      throw new ChaincodeError('VALIDATION_FAILED', `the acknowledged delivery differs from delivery version ${current.version} on receipt ${receipt.receiptId}`, {
        receiptId: receipt.receiptId,
        expectedDigest: current.digest,
        actualDigest: digest,
      });
    }
    const action = step.action('acknowledge');
    receipt.acknowledgement = { deliveryDigest: digest, at: action.at, txId: action.txId, signedBy: action };
    receipt.state = 'acknowledged';
    return this.save(ctx, this.touched(ctx, receipt, action), 'acknowledged', 'consumer');
  }

  /** 异议 by either party once data was delivered; the receipt is disputed until the objection ends. */
  @Transaction()
  @Returns('string')
  async object(ctx: Context, requestJson: string): Promise<string> {
    const step = await this.step(ctx, objectSchema, requestJson, 'object');
    const { receipt, request, party } = step;
    requireState(receipt, ['delivered', 'acknowledged'], 'object');
    if (receipt.objections.length >= MAX_OBJECTIONS) {
      throw new ChaincodeError('INVALID_STATE', `receipt ${receipt.receiptId} already has ${MAX_OBJECTIONS} objections; escalate off chain`, {
        receiptId: receipt.receiptId,
      });
    }
    receipt.objections.push({
      objectionId: receipt.objections.length + 1,
      raisedBy: party,
      agencyId: step.agency.agencyId,
      category: request.category,
      reason: request.reason,
      priorState: receipt.state as 'delivered' | 'acknowledged',
      at: txTimeIso(ctx),
      txId: ctx.stub.getTxID(),
      status: 'open',
    });
    receipt.state = 'disputed';
    return this.save(ctx, this.touched(ctx, receipt, step.action('object')), 'objected', party);
  }

  /**
   * 校核纠错: the party that did not raise the open objection answers it. `corrected` (provider only:
   * the delivery is the provider's) replaces the delivery and needs a fresh acknowledgement;
   * `rejected` and `accepted` return the receipt to the state it had before the objection.
   */
  @Transaction()
  @Returns('string')
  async resolve(ctx: Context, requestJson: string): Promise<string> {
    const step = await this.step(ctx, resolveSchema, requestJson, 'resolve');
    const { receipt, request, party } = step;
    const objection = this.openObjection(receipt, request.objectionId);
    if (objection.raisedBy === party) {
      throw new ChaincodeError('FORBIDDEN', `the ${party} raised objection ${objection.objectionId}; only the other party answers it (the raiser may withdraw it)`);
    }
    if (request.outcome === 'corrected' && party !== 'provider') {
      throw new ChaincodeError('FORBIDDEN', 'only the provider can deliver corrected data');
    }
    const action = step.action('resolve');
    objection.status = request.outcome;
    objection.resolution = {
      agencyId: step.agency.agencyId,
      ...(request.reason !== undefined && { reason: request.reason }),
      at: action.at,
      txId: action.txId,
    };
    if (request.outcome === 'corrected') {
      const previous = receipt.delivery!;
      objection.resolution.supersededDigest = previous.digest;
      receipt.delivery = await this.deliveryRecord(ctx, receipt, request.correctedDelivery!, previous.version + 1, action);
      delete receipt.acknowledgement;
      receipt.state = 'delivered';
    } else {
      receipt.state = objection.priorState;
    }
    return this.save(ctx, this.touched(ctx, receipt, action), request.outcome === 'corrected' ? 'corrected' : 'resolved', party);
  }

  /** The raising party withdraws its open objection; the receipt returns to its prior state. */
  @Transaction()
  @Returns('string')
  async withdraw(ctx: Context, requestJson: string): Promise<string> {
    const step = await this.step(ctx, withdrawSchema, requestJson, 'withdraw');
    const { receipt, request, party } = step;
    const objection = this.openObjection(receipt, request.objectionId);
    if (objection.raisedBy !== party) {
      throw new ChaincodeError('FORBIDDEN', `only the ${objection.raisedBy}, who raised objection ${objection.objectionId}, may withdraw it`);
    }
    const action = step.action('withdraw');
    objection.status = 'withdrawn';
    objection.resolution = {
      agencyId: step.agency.agencyId,
      ...(request.reason !== undefined && { reason: request.reason }),
      at: action.at,
      txId: action.txId,
    };
    receipt.state = objection.priorState;
    return this.save(ctx, this.touched(ctx, receipt, action), 'withdrawn', party);
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, receiptId: string): Promise<string> {
    // Checked first: fabric-shim refuses an empty composite-key attribute with an unstructured error.
    return JSON.stringify(await loadReceipt(ctx, checkArgument(receiptIdSchema, receiptId, 'receiptId')));
  }

  /** Receipts where the agency is provider or consumer, in receipt-id order. */
  @Transaction(false)
  @Returns('string')
  async byAgency(ctx: Context, agencyId: string, pageSize: string, bookmark: string): Promise<string> {
    const query = checkArgument(byAgencyQuery, { agencyId, pageSize, bookmark }, 'query');
    return this.page(ctx, INDEX.receiptByAgency, query.agencyId, query.pageSize, query.bookmark);
  }

  /** Receipts of one catalogue item (目录编码), for provenance queries. */
  @Transaction(false)
  @Returns('string')
  async byCatalogItem(ctx: Context, catalogItemId: string, pageSize: string, bookmark: string): Promise<string> {
    const query = checkArgument(byCatalogItemQuery, { catalogItemId, pageSize, bookmark }, 'query');
    return this.page(ctx, INDEX.receiptByCatalogItem, query.catalogItemId, query.pageSize, query.bookmark);
  }

  /** Authenticates a step on an existing receipt; the signer must be one of its parties (`only`, when given). */
  private async step<T extends SignedFields & { receiptId: string }>(
    ctx: Context,
    schema: z.ZodType<T>,
    raw: string,
    name: string,
    only?: Party,
  ): Promise<Step<T>> {
    const auth = await authenticate(ctx, schema, raw);
    const receipt = await loadReceipt(ctx, auth.request.receiptId);
    const party = partyOf(receipt, auth.agency.agencyId);
    if (party === undefined || (only !== undefined && party !== only)) {
      const whose = only === undefined ? 'a party to the receipt' : `the ${only} (${only === 'provider' ? receipt.providerId : receipt.consumerId})`;
      throw new ChaincodeError('FORBIDDEN', `${name} on receipt ${receipt.receiptId} is for ${whose}, not agency ${auth.agency.agencyId}`, {
        receiptId: receipt.receiptId,
        agencyId: auth.agency.agencyId,
      });
    }
    return { ...auth, receipt, party };
  }

  private openObjection(receipt: Receipt, objectionId: number) {
    const objection = receipt.objections.find((o) => o.objectionId === objectionId);
    if (!objection) {
      throw new ChaincodeError('NOT_FOUND', `receipt ${receipt.receiptId} has no objection ${objectionId}`, { receiptId: receipt.receiptId, objectionId });
    }
    if (objection.status !== 'open') {
      throw new ChaincodeError('INVALID_STATE', `objection ${objectionId} on receipt ${receipt.receiptId} is already ${objection.status}`, {
        receiptId: receipt.receiptId,
        objectionId,
      });
    }
    return objection;
  }

  private async deliveryRecord(ctx: Context, receipt: Receipt, delivery: Delivery, version: number, signedBy: ActionRecord): Promise<DeliveryRecord> {
    const now = txTimeIso(ctx);
    requireUnexpired(delivery, now);
    await requireConsumerActive(ctx, receipt);
    const { fingerprint, recordCount, scope, expiresAt } = delivery;
    return { fingerprint, recordCount, scope, expiresAt, digest: deliveryDigest(delivery), version, at: now, txId: ctx.stub.getTxID(), signedBy };
  }

  private touched(ctx: Context, receipt: Receipt, action: ActionRecord): Receipt {
    return { ...receipt, updatedAt: txTimeIso(ctx), txId: ctx.stub.getTxID(), lastAction: action };
  }

  /** Writes the receipt and emits its one event, naming the other party as counterparty. */
  private async save(ctx: Context, receipt: Receipt, event: string, actor: Party): Promise<string> {
    await writeJson(ctx, recordKey(ctx, 'receipt', receipt.receiptId), receipt);
    emitRecordEvent(ctx, {
      kind: 'receipt',
      id: receipt.receiptId,
      action: event,
      agencyId: actor === 'provider' ? receipt.providerId : receipt.consumerId,
      counterparties: [otherParty(receipt, actor)],
    });
    return JSON.stringify(receipt);
  }

  private async page(ctx: Context, index: string, key: string, pageSize: number, bookmark: string): Promise<string> {
    const page = await readIndexPage(ctx, index, [key], pageSize, bookmark, (id) => findReceipt(ctx, id));
    return JSON.stringify(page);
  }
}
