import {
  blockHash,
  decodeBlockRecord,
  decodeTransaction,
  encodeBlockRecord,
  type Block,
  type BlockRecord,
  type BlockTransaction,
} from './block';
import { Reader, Writer } from './codec';
import type { Db, DbOperation, Snapshot } from './db';
import {
  TIP_KEY,
  blockKey,
  decodeHeight,
  encodeHeight,
  transactionKey,
  transactionRange,
  txIdKey,
} from './layout';
import type { Version } from './rwset';

/** The chain's height and last hashes, kept with every block commit (Fabric's BlockchainInfo). */
export interface ChainTip {
  height: bigint;
  currentHash: Uint8Array;
  commitHash: Uint8Array;
}

/** A block ready to be written: its record, its transactions' canonical bytes and their ids. */
export interface StoredBlock {
  record: BlockRecord;
  transactions: readonly Buffer[];
  /** The id of each endorser transaction, by index; undefined for the config transaction. */
  txIds: readonly (string | undefined)[];
}

/**
 * Reads and writes blocks, their transactions, the tx-id index and the chain tip (Fabric's blkstorage).
 * Single reads are synchronous, as StateReader.get's are, and for the same reason.
 */
export class BlockStore {
  constructor(private readonly db: Db) {}

  async readTip(): Promise<ChainTip | undefined> {
    const stored = this.db.getSync(TIP_KEY);
    if (stored === undefined) return undefined;
    const r = new Reader(stored);
    const tip = { height: r.u64(), currentHash: r.bytes(), commitHash: r.bytes() };
    r.end();
    return tip;
  }

  async readBlockRecord(blockNum: bigint): Promise<BlockRecord | undefined> {
    const stored = this.db.getSync(blockKey(blockNum));
    return stored === undefined ? undefined : decodeBlockRecord(stored);
  }

  /** The canonical bytes of every transaction stored for the block, in index order. */
  async readTransactionBytes(blockNum: bigint): Promise<Buffer[]> {
    return this.db.values(transactionRange(blockNum)).all();
  }

  async readTransaction(blockNum: bigint, txNum: number, snapshot?: Snapshot): Promise<BlockTransaction | undefined> {
    const stored = this.db.getSync(transactionKey(blockNum, txNum), { snapshot });
    return stored === undefined ? undefined : decodeTransaction(stored);
  }

  async readBlock(blockNum: bigint): Promise<Block | undefined> {
    const record = await this.readBlockRecord(blockNum);
    if (!record) return undefined;
    const transactions = (await this.readTransactionBytes(blockNum)).map(decodeTransaction);
    return { ...record, hash: blockHash(record.header), transactions };
  }

  /** Where a transaction id was ordered: block number and index. */
  async locate(txId: string): Promise<Version | undefined> {
    const stored = this.db.getSync(txIdKey(txId));
    return stored === undefined ? undefined : decodeHeight(stored);
  }

  /** The writes that store a block and advance the tip; the committer adds them to its one batch. */
  static blockOperations(block: StoredBlock, tip: ChainTip): DbOperation[] {
    const blockNum = block.record.header.number;
    const operations: DbOperation[] = [{ type: 'put', key: blockKey(blockNum), value: encodeBlockRecord(block.record) }];
    block.transactions.forEach((bytes, txNum) => {
      operations.push({ type: 'put', key: transactionKey(blockNum, txNum), value: bytes });
      const txId = block.txIds[txNum];
      if (txId !== undefined) operations.push({ type: 'put', key: txIdKey(txId), value: encodeHeight(blockNum, txNum) });
    });
    const tipBytes = new Writer().u64(tip.height).bytes(tip.currentHash).bytes(tip.commitHash).finish();
    operations.push({ type: 'put', key: TIP_KEY, value: tipBytes });
    return operations;
  }
}
