import type { BlockStore } from './blockstore';
import type { Db, DbIterator, DbOperation, Snapshot } from './db';
import { historyKey, historyRange, versionFromHistoryKey } from './layout';
import type { KVWrite } from './rwset';
import type { ResultsIterator } from './simulator';

/** One committed write of a key (Fabric's queryresult.KeyModification). */
export interface KeyModification {
  txId: string;
  value: Uint8Array;
  timestamp: Date;
  isDelete: boolean;
}

/**
 * The history index entries of a valid transaction's writes: only the key and height are indexed; the
 * value, transaction id and timestamp are read back from the block (history/db.go Commit).
 */
export function historyOperations(blockNum: bigint, txNum: number, writes: readonly KVWrite[]): DbOperation[] {
  return writes.map((write) => ({ type: 'put', key: historyKey(write.key, blockNum, txNum), value: Buffer.alloc(0) }));
}

/** Reads a key's history as of a snapshot. */
export class HistoryReader {
  constructor(
    private readonly db: Db,
    private readonly blocks: BlockStore,
    private readonly snapshot: Snapshot,
  ) {}

  /** Every committed write of the key in a valid transaction, newest first (history/query_executer.go). */
  scan(key: string): ResultsIterator<KeyModification> {
    const iterator = this.db.iterator({ ...historyRange(key), reverse: true, keys: true, values: false, snapshot: this.snapshot });
    return new HistoryScanner(iterator, key, this.blocks, this.snapshot);
  }
}

class HistoryScanner implements ResultsIterator<KeyModification> {
  constructor(
    private readonly iterator: DbIterator,
    private readonly key: string,
    private readonly blocks: BlockStore,
    private readonly snapshot: Snapshot,
  ) {}

  async next(): Promise<KeyModification | undefined> {
    const entry = await this.iterator.next();
    if (!entry) return undefined;
    const { blockNum, txNum } = versionFromHistoryKey(entry[0]);
    const tx = await this.blocks.readTransaction(blockNum, txNum, this.snapshot);
    const write = tx?.type === 'endorser' ? tx.writeSet.find((w) => w.key === this.key) : undefined;
    if (!tx || tx.type !== 'endorser' || !write) {
      throw new Error(`no write of key ${JSON.stringify(this.key)} in block ${blockNum} transaction ${txNum}, which the history index names`);
    }
    // rwset_proto_util.go IsKVWriteDelete
    return { txId: tx.txId, value: write.value, timestamp: tx.timestamp, isDelete: write.isDelete || write.value.length === 0 };
  }

  async bookmarkAndClose(): Promise<string> {
    await this.close();
    return '';
  }

  close(): Promise<void> {
    return this.iterator.close();
  }
}
