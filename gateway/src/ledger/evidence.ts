import { ApiError } from '../errors';
import type { TransactionReceipt } from '../submission';
import type { Ledger } from './ledger';

/**
 * Where a transaction that a record names sits on the chain (tx id, block number and hash, time), in
 * the form writes return it: the evidence a third party checks against any peer's copy of the chain.
 */
export async function transactionEvidence(ledger: Ledger, txId: string): Promise<TransactionReceipt> {
  const found = await ledger.evidence(txId);
  // A record naming a transaction the ledger lacks is our inconsistency, never the client's mistake.
  if (!found) throw new ApiError(500, 'INTERNAL', `transaction ${txId}, named by a record, is not on the ledger`);
  return { txId, blockNumber: found.blockNumber.toString(), blockHash: found.blockHash, hashAlgorithm: found.hashAlgorithm, timestamp: found.timestamp };
}
