import type { ActionRecord, HistoryEntry, RecordKind } from '@henan-chain/chaincode';
import type { AuditIndex } from '../index/audit-index';
import { transactionEvidence } from '../ledger/evidence';
import type { Services } from '../services';
import type { RecordHistory } from './schemas';

/** How long a history read waits for the index to take in the record's newest transaction. */
const INDEX_WAIT_MS = 2_000;

/**
 * 记录历史: every version of a record from the ledger's key history (audit:history), each with its
 * transaction evidence and signature check, set beside what the gateway's own index holds for the
 * record, so an auditor sees at once whether the index ever drifted from the ledger.
 */
export async function recordHistory(s: Services, kind: RecordKind, id: string): Promise<RecordHistory> {
  const ledger = await s.query<{ kind: RecordKind; id: string; versions: HistoryEntry[] }>('audit:history', kind, id);
  const versions = await Promise.all(
    ledger.versions.map(async (v) => {
      const action = (v.value as { lastAction?: ActionRecord } | null)?.lastAction;
      return {
        ...(await transactionEvidence(s.ledger, v.txId)),
        // The key history's time is the transaction's own, the one the index keys its events by.
        timestamp: v.timestamp,
        isDelete: v.isDelete,
        ...(action ? { action: action.action, mspId: action.mspId, submitter: action.submitter } : {}),
        ...(action?.agencyId ? { agencyId: action.agencyId } : {}),
        signature: v.signature,
        value: v.value,
      };
    }),
  );
  const newest = versions.at(-1);
  if (newest) await indexReached(s.index, newest);

  const events = await s.index.recordEvents(ledger.kind, ledger.id);
  const withIndex = await Promise.all(
    versions.map(async (v) => {
      const event = events.find((e) => e.txId === v.txId) ?? (await s.index.transactionEvent(v));
      return { ...v, indexedAs: event ? { kind: event.kind, id: event.id, action: event.action } : null };
    }),
  );
  const expected = withIndex.filter((v) => v.indexedAs?.kind === ledger.kind && v.indexedAs.id === ledger.id).map((v) => v.txId);
  const agrees =
    withIndex.every((v) => v.indexedAs !== null) &&
    expected.length === events.length &&
    expected.every((txId, i) => events[i]!.txId === txId);
  return { kind: ledger.kind, id: ledger.id, versions: withIndex, index: { agrees, checkpoint: (await s.index.checkpoint()) ?? null, events } };
}

/**
 * The index follows the ledger a moment behind; a history read right after a write waits briefly for
 * it, so a lag is not mistaken for drift. After INDEX_WAIT_MS it answers anyway: a real gap shows.
 */
async function indexReached(index: AuditIndex, tx: { txId: string; blockNumber: string }): Promise<void> {
  const checkpoint = await index.checkpoint();
  if (checkpoint && BigInt(checkpoint.blockNumber) >= BigInt(tx.blockNumber)) return;
  await index.indexed(tx.txId, INDEX_WAIT_MS);
}
