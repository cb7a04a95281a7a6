import {
  BUNDLE_FORMAT,
  readTransaction,
  signedActsOf,
  stateKey,
  type AnchoredLeaf,
  type EvidenceBundle,
  type LedgerProof,
  type StoredRecord,
} from '@henan-chain/evidence';
import { fromHex } from '@henan-chain/crypto';
import { ApiError } from '../errors';
import type { Services } from '../services';

type RecordKind = StoredRecord['kind'];

/** The chaincode query that reads one record of each family, and the field that holds its id. */
const READS: Record<RecordKind, { fn: string; idField: string }> = {
  agency: { fn: 'agency:get', idField: 'agencyId' },
  licence: { fn: 'licence:get', idField: 'licenceId' },
  seal: { fn: 'seal:get', idField: 'sealId' },
  sealing: { fn: 'seal:getSealing', idField: 'sealingId' },
  receipt: { fn: 'receipt:get', idField: 'receiptId' },
  anchor: { fn: 'anchor:get', idField: 'anchorId' },
};

/**
 * Gathers an evidence bundle (henan-chain/evidence-bundle/v1): the subject's record as its transaction
 * wrote it, the records it rests on (a sealing's seal), every agency whose signature a record carries,
 * and a ledger proof for each transaction any of them names.
 */
export async function buildEvidence(
  s: Services,
  subject: EvidenceBundle['subject'],
  first: { kind: RecordKind; id: string },
  options: { anchoredLeaf?: AnchoredLeaf } = {},
): Promise<EvidenceBundle> {
  const proofs = new Map<string, LedgerProof>();
  const proofOf = async (txId: string): Promise<LedgerProof> => {
    let proof = proofs.get(txId);
    if (!proof) {
      proof = await s.ledger.transactionProof(txId);
      // A record naming a transaction the ledger lacks is our inconsistency, never the client's mistake.
      if (!proof) throw new ApiError(500, 'INTERNAL', `transaction ${txId}, named by a record, is not on the ledger`);
      proofs.set(txId, proof);
    }
    return proof;
  };
  const records: StoredRecord[] = [];
  const add = async (kind: RecordKind, id: string): Promise<StoredRecord> => {
    const queried = await s.query<Record<string, unknown>>(READS[kind].fn, id);
    const txId = String(queried.txId);
    const storedId = String(queried[READS[kind].idField] ?? id);
    const value = writtenValue(await proofOf(txId), kind, storedId) ?? queried;
    const record = { kind, id: storedId, txId, value };
    records.push(record);
    return record;
  };

  const main = await add(first.kind, first.id);
  if (main.kind === 'sealing') await add('seal', String(main.value.sealId));
  for (const record of [...records]) {
    for (const { act } of signedActsOf(record.value, '')) {
      await proofOf(act.txId);
      if (!records.some((r) => r.kind === 'agency' && r.id === act.agencyId)) await add('agency', act.agencyId);
    }
  }
  const height = await s.ledger.height();
  return {
    format: BUNDLE_FORMAT,
    subject,
    createdAt: new Date().toISOString(),
    ledger: { kind: s.ledger.kind, height: height.toString() },
    records,
    transactions: [...proofs.values()],
    ...(options.anchoredLeaf ? { anchoredLeaf: options.anchoredLeaf } : {}),
  };
}

/** The record's value exactly as the transaction wrote it (embedded ledger: read from the proof's bytes). */
function writtenValue(proof: LedgerProof, kind: RecordKind, id: string): Record<string, unknown> | undefined {
  if (proof.ledger !== 'embedded') return undefined;
  const tx = readTransaction(fromHex(proof.transactions[proof.transactionIndex]!, 'transaction'));
  const write = tx?.writes.find((w) => w.key === stateKey(kind, id) && !w.isDelete);
  return write ? (JSON.parse(new TextDecoder().decode(write.value)) as Record<string, unknown>) : undefined;
}
