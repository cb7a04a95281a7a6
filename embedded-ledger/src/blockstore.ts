import {
  blockHash,
  decodeBlockRecord,
  decodeTransaction,
  encodeBlockRecord,
  transactionTimestamp,
  type Block,
  type BlockRecord,
  type BlockTransaction,
} from './block';
import { Reader, Writer } from './codec';
import type { Db, DbOperation, Snapshot } from './db';
import { decodeKeptEvent, encodeKeptEvent, storedBlockEvents, transactionEventOf, type ChaincodeEvent } from './events';
import {
  EVENTS_KEPT_KEY,
  TIP_KEY,
  blockKey,
  blockOfKey,
  blockRange,
  eventKey,
  eventRange,
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
  /**
   * The first block whose events are kept apart ('e'), so a replay reads them without the transactions;
   * blocks before it were committed by a version that kept none (or a ledger opened by one since).
   */
  eventsFrom: bigint;
}

/** A block ready to be written: its record, its transactions, and their canonical bytes. */
export interface StoredBlock {
  record: BlockRecord;
  transactions: readonly BlockTransaction[];
  /** Each transaction's canonical bytes (encodeTransaction), as stored and hashed. */
  encoded: readonly Buffer[];
}

/**
 * Reads and writes blocks, their transactions, the tx-id index and the chain tip (Fabric's blkstorage).
 * Single reads are synchronous, as StateReader.get's are, and for the same reason.
 */
export class BlockStore {
  constructor(private readonly db: Db) {}

  async readTip(): Promise<ChainTip | undefined> {
    const stored = this.db.getSync(TIP_KEY);
    const kept = this.db.getSync(EVENTS_KEPT_KEY);
    if (stored === undefined) return undefined;
    const r = new Reader(stored);
    const tip = { height: r.u64(), currentHash: r.bytes(), commitHash: r.bytes() };
    r.end();
    return { ...tip, eventsFrom: eventsKeptFrom(kept, tip.height) };
  }

  async readBlockRecord(blockNum: bigint): Promise<BlockRecord | undefined> {
    const stored = this.db.getSync(blockKey(blockNum));
    return stored === undefined ? undefined : decodeBlockRecord(stored);
  }

  /** The canonical bytes of every transaction stored for the block, in index order. */
  async readTransactionBytes(blockNum: bigint): Promise<Buffer[]> {
    return this.db.values(transactionRange(blockNum)).all();
  }

  /**
   * The records and transaction bytes of blocks `from` up to (not including) `to`, every one of which
   * must be stored: two range reads, whatever the number of blocks, for readers that walk the chain.
   */
  async readStoredBlocks(from: bigint, to: bigint): Promise<{ record: BlockRecord; transactions: Buffer[] }[]> {
    const [records, transactions] = await Promise.all([
      this.db.values(blockRange(from, to)).all(),
      this.db.iterator(transactionRange(from, to)).all(),
    ]);
    if (BigInt(records.length) !== to - from) throw new Error(`blocks ${from} to ${to - 1n} are below the height but not all stored`);
    const blocks = records.map((bytes) => ({ record: decodeBlockRecord(bytes), transactions: [] as Buffer[] }));
    for (const [key, bytes] of transactions) blocks[Number(blockOfKey(key) - from)]!.transactions.push(bytes);
    return blocks;
  }

  /**
   * The events of blocks `from` up to (not including) `to`, in ledger order: from the kept events where
   * `tip` says they are kept, otherwise from the stored transactions.
   */
  async readEvents(from: bigint, to: bigint, tip: Pick<ChainTip, 'eventsFrom'>): Promise<ChaincodeEvent[]> {
    const split = from > tip.eventsFrom ? from : to < tip.eventsFrom ? to : tip.eventsFrom;
    const events: ChaincodeEvent[] = [];
    if (from < split) {
      for (const { record, transactions } of await this.readStoredBlocks(from, split)) events.push(...storedBlockEvents(record, transactions));
    }
    if (split < to) {
      for (const [key, value] of await this.db.iterator(eventRange(split, to)).all()) events.push(decodeKeptEvent(key, value));
    }
    return events;
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

  /** The timestamp of a stored endorser transaction (see transactionTimestamp); undefined if none is stored there. */
  async readTransactionTimestamp(blockNum: bigint, txNum: number): Promise<Date | undefined> {
    const stored = this.db.getSync(transactionKey(blockNum, txNum));
    return stored === undefined ? undefined : transactionTimestamp(stored);
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
    const source = { ...block.record, transactions: block.transactions };
    block.encoded.forEach((bytes, txNum) => {
      operations.push({ type: 'put', key: transactionKey(blockNum, txNum), value: bytes });
      const tx = block.transactions[txNum]!;
      if (tx.type === 'endorser') operations.push({ type: 'put', key: txIdKey(tx.txId), value: encodeHeight(blockNum, txNum) });
      // Only the event a valid transaction delivers is kept.
      const event = transactionEventOf(source, txNum);
      if (event) operations.push({ type: 'put', key: eventKey(blockNum, txNum), value: encodeKeptEvent(event) });
    });
    const tipBytes = new Writer().u64(tip.height).bytes(tip.currentHash).bytes(tip.commitHash).finish();
    operations.push({ type: 'put', key: TIP_KEY, value: tipBytes });
    operations.push({ type: 'put', key: EVENTS_KEPT_KEY, value: new Writer().u64(tip.eventsFrom).u64(tip.height).finish() });
    return operations;
  }
}

/**
 * Where the kept events start, as the last commit recorded it with the height it left. A record of an
 * older height means blocks were committed since by a version that keeps no events (and no record, a
 * ledger that never kept any): events are then kept from the current height on, and read from the
 * transactions below it.
 */
function eventsKeptFrom(kept: Buffer | undefined, height: bigint): bigint {
  if (kept === undefined) return height;
  const r = new Reader(kept);
  const record = { eventsFrom: r.u64(), height: r.u64() };
  r.end();
  return record.height === height ? record.eventsFrom : height;
}
