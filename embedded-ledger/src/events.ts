import { decodeTransaction, type BlockHeader, type BlockRecord, type BlockTransaction } from './block';
import { Reader, Writer } from './codec';
import { TxValidationCode } from './errors';
import { blockOfKey } from './layout';

/** A chaincode event of a committed, valid transaction (fabric-gateway's ChaincodeEvent). */
export interface ChaincodeEvent {
  blockNumber: bigint;
  transactionId: string;
  chaincodeName: string;
  eventName: string;
  payload: Uint8Array;
}

/** An async iterable that can be ended from outside (fabric-gateway's CloseableAsyncIterable). */
export interface CloseableAsyncIterable<T> extends AsyncIterable<T> {
  close(): void;
}

/** The committed chain as an event stream reads it. */
export interface CommittedBlocks {
  height(): bigint;
  /** Settles after the next block is committed. */
  nextCommit(): Promise<void>;
  /** The events of blocks `from` up to (not including) `to`, all below the height, in ledger order. */
  events(from: bigint, to: bigint): Promise<ChaincodeEvent[]>;
}

/** Blocks an event stream reads at once while it replays: 32 blocks of at most 100 transactions of a few kB each. */
const BLOCKS_PER_READ = 32n;

/** What events are read from: a block's header, its transactions and their validation codes. */
type EventSource = { header: BlockHeader; transactions: readonly BlockTransaction[]; validationCodes: readonly number[] };

/**
 * The events a block delivers: one per valid transaction that set one (Fabric keeps only a transaction's
 * last setEvent), in transaction order. Invalid transactions deliver none, as the peer's deliver service
 * filters them out.
 */
export function blockEvents(block: EventSource): ChaincodeEvent[] {
  const events: ChaincodeEvent[] = [];
  block.transactions.forEach((_, txNum) => {
    const event = transactionEventOf(block, txNum);
    if (event) events.push(event);
  });
  return events;
}

/** The event transaction `txNum` of the block delivers, if any (see blockEvents). */
export function transactionEventOf(block: EventSource, txNum: number): ChaincodeEvent | undefined {
  const tx = block.transactions[txNum];
  if (tx?.type !== 'endorser' || !tx.event || block.validationCodes[txNum] !== TxValidationCode.VALID) return undefined;
  return { blockNumber: block.header.number, transactionId: tx.txId, chaincodeName: tx.chaincodeName, eventName: tx.event.eventName, payload: tx.event.payload };
}

/**
 * The events of a stored block, from its record and its transactions' canonical bytes: for blocks
 * committed before events were kept apart (layout.ts 'e'), so each transaction is decoded whole.
 */
export function storedBlockEvents(record: BlockRecord, transactions: readonly Buffer[]): ChaincodeEvent[] {
  return blockEvents({ ...record, transactions: transactions.map(decodeTransaction) });
}

/** A kept event (layout.ts 'e'): txId | chaincodeName | eventName | payload; the key holds its block and index. */
export function encodeKeptEvent(event: Omit<ChaincodeEvent, 'blockNumber'>): Buffer {
  return new Writer().string(event.transactionId).string(event.chaincodeName).string(event.eventName).bytes(event.payload).finish();
}

export function decodeKeptEvent(key: Buffer, value: Buffer): ChaincodeEvent {
  const r = new Reader(value);
  const event = { blockNumber: blockOfKey(key), transactionId: r.string(), chaincodeName: r.string(), eventName: r.string(), payload: r.bytes() };
  r.end();
  return event;
}

/**
 * Replays the events of committed blocks from a start block, then follows new commits. It reads blocks by
 * number, up to BLOCKS_PER_READ at a time, and only moves forward, so every event arrives once and in ledger order, whether it was
 * committed before or after the stream was opened.
 */
export class ChaincodeEventStream implements CloseableAsyncIterable<ChaincodeEvent> {
  private closed = false;
  private readonly closing: Promise<void>;
  private signalClosed!: () => void;

  constructor(
    private readonly blocks: CommittedBlocks,
    private nextBlock: bigint,
    private readonly onClose: () => void,
    /** Where a bounded replay ends (exclusive); undefined follows new commits for ever. */
    private readonly endBlock?: bigint,
  ) {
    this.closing = new Promise((resolve) => (this.signalClosed = resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signalClosed();
    this.onClose();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ChaincodeEvent, void, undefined> {
    try {
      while (!this.closed && (this.endBlock === undefined || this.nextBlock < this.endBlock)) {
        // Take the signal before looking at the height, so a commit in between cannot be missed.
        const committed = this.blocks.nextCommit();
        if (this.nextBlock >= this.blocks.height()) {
          await Promise.race([committed, this.closing]);
          continue;
        }
        let to = this.blocks.height();
        if (to > this.nextBlock + BLOCKS_PER_READ) to = this.nextBlock + BLOCKS_PER_READ;
        if (this.endBlock !== undefined && to > this.endBlock) to = this.endBlock;
        const events = await this.blocks.events(this.nextBlock, to);
        this.nextBlock = to;
        for (const event of events) {
          if (this.closed) return;
          yield event;
        }
      }
    } finally {
      this.close();
    }
  }
}
