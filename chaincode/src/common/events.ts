import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from '@henan-chain/crypto';
import type { RecordKind } from './keys';
import { txTimeIso } from './time';

/** What every chaincode event says: which record changed, how, and on whose behalf. */
export interface RecordEvent {
  kind: RecordKind;
  id: string;
  action: string;
  /** The agency on whose behalf the change was made (for governance acts, the agency acted upon). */
  agencyId: string;
  mspId: string;
  txId: string;
  timestamp: string;
  /** Other agencies the change concerns (the other party of a receipt, the other region of a case). */
  counterparties?: string[];
}

/**
 * Emits the transaction's one chaincode event (Fabric keeps only the last setEvent of a
 * transaction, so each write transaction calls this exactly once). Name: `<kind>.<action>`.
 */
export function emitRecordEvent(
  ctx: Context,
  event: Pick<RecordEvent, 'kind' | 'id' | 'action' | 'agencyId' | 'counterparties'>,
): void {
  const payload: RecordEvent = {
    ...event,
    mspId: ctx.clientIdentity.getMSPID(),
    txId: ctx.stub.getTxID(),
    timestamp: txTimeIso(ctx),
  };
  if (!payload.counterparties?.length) delete payload.counterparties;
  ctx.stub.setEvent(`${event.kind}.${event.action}`, canonicalBytes(payload));
}
