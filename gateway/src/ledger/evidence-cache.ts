import { LRUCache } from 'lru-cache';
import type { TransactionEvidence } from './ledger';

/** About 200 bytes each: a few MB for the transactions named by the records most often verified. */
const EVIDENCE_CACHE_SIZE = 10_000;

/**
 * A committed transaction never moves, so its evidence is kept: every verification shows the
 * evidence of the record it reads, and reading it from the ledger (the embedded block store's tx-id
 * index, or Fabric's qscc) costs a fair share of a verification. Least recently used first out.
 */
export class EvidenceCache {
  private readonly entries = new LRUCache<string, TransactionEvidence>({ max: EVIDENCE_CACHE_SIZE });

  constructor(private readonly lookup: (txId: string) => Promise<TransactionEvidence | undefined>) {}

  async get(txId: string): Promise<TransactionEvidence | undefined> {
    const cached = this.entries.get(txId);
    if (cached) return cached;
    const found = await this.lookup(txId);
    if (!found) return undefined;
    // Only these: a lookup may give more (a whole transaction, its payload included), not to be kept.
    const { blockNumber, blockHash, hashAlgorithm, timestamp, valid } = found;
    const evidence: TransactionEvidence = { txId, blockNumber, blockHash, hashAlgorithm, timestamp, valid };
    this.entries.set(txId, evidence);
    return evidence;
  }
}
