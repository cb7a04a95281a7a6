import { LRUCache } from 'lru-cache';
import type { BatchOperation } from 'classic-level';
import type { Logger } from 'pino';
import type { RecordEvent } from '@henan-chain/chaincode';
import type { CloseableAsyncIterable, Ledger, LedgerEvent } from '../ledger/ledger';
import { recordEventOf } from '../ledger/record-event';
import { ApiError } from '../errors';
import type { Metrics } from '../metrics';
import { type GatewayDb, orderKey, section } from '../store';

/** An indexed chaincode event: the chaincode's record event plus where it sits on the chain. */
export interface IndexedEvent extends RecordEvent {
  eventName: string;
  blockNumber: string;
}

interface Checkpoint {
  blockNumber: string;
  transactionId: string;
}

const SEP = '\u0000';
/** A write to the gateway database, in a batch that projects events. */
type IndexOperation = BatchOperation<GatewayDb, string, unknown>;
/** The most events in one LevelDB batch. */
const BATCH_EVENTS = 1000;
/** The time-ordered part of an index key: transaction time, block number, transaction id. */
const ORDER_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\u0000\d{20}\u0000[^\u0000]+$/;

/**
 * The gateway's audit index: chaincode events projected into LevelDB, by agency (actor and
 * counterparties) and by record, in time order. A checkpoint (block, transaction) is written in the
 * same batch as each event's projections, so a restart resumes exactly after the last event indexed:
 * no gaps, no duplicates.
 */
export class AuditIndex {
  private readonly byAgency;
  private readonly byTime;
  private readonly byRecord;
  private readonly meta;
  private stream?: CloseableAsyncIterable<LedgerEvent>;
  private running?: Promise<void>;
  private readonly waiters: { txId: string; resolve: () => void }[] = [];
  /** The latest 10,000 transactions applied. */
  private readonly seen = new LRUCache<string, true>({ max: 10_000 });

  constructor(
    private readonly db: GatewayDb,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    this.byAgency = section<IndexedEvent>(db, 'idx-agency');
    this.byTime = section<IndexedEvent>(db, 'idx-time');
    this.byRecord = section<IndexedEvent>(db, 'idx-record');
    this.meta = section<Checkpoint>(db, 'idx-meta');
  }

  async checkpoint(): Promise<Checkpoint | undefined> {
    return this.meta.get('checkpoint');
  }

  /**
   * Starts following the ledger from just after the checkpoint. While a write is under way the events
   * that arrive wait, and go in the next batch together: an index behind the ledger (after a burst of
   * writes, or a restart) catches up at the rate of a rebuild, not one LevelDB write per event.
   */
  async start(ledger: Ledger): Promise<void> {
    const cp = await this.checkpoint();
    const startBlock = cp ? BigInt(cp.blockNumber) : 0n;
    // Events of the checkpoint's block up to and including its transaction were indexed already.
    let skipping = cp !== undefined;
    const indexedAlready = (event: LedgerEvent): boolean => {
      if (!skipping || event.blockNumber !== startBlock) return (skipping = false);
      if (event.transactionId === cp!.transactionId) skipping = false;
      return true;
    };
    this.stream = ledger.events(startBlock);
    this.running = this.index(this.stream, indexedAlready).then(
      () => undefined,
      (err) => this.log.error({ err }, 'audit index stopped'),
    );
  }

  async stop(): Promise<void> {
    this.stream?.close();
    await this.running;
  }

  /**
   * Resolves true once the event of `txId` is indexed (so a client reading right after a write sees
   * it), or false after `timeoutMs`, when the waiter is dropped. For transactions just committed:
   * `seen` remembers the latest 10,000 applied.
   */
  indexed(txId: string, timeoutMs = 30_000): Promise<boolean> {
    if (this.seen.has(txId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { txId, resolve: () => (clearTimeout(timer), resolve(true)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Deletes every projection and the checkpoint (for a rebuild from block 0). */
  async clear(): Promise<void> {
    for (const s of [this.byAgency, this.byTime, this.byRecord, this.meta]) await s.clear();
  }

  /**
   * Indexes the events of blocks `startBlock` up to (not including) `endBlock`, then returns how many
   * it applied. For a rebuild after clear(), with nothing else following the ledger.
   */
  replay(ledger: Ledger, startBlock: bigint, endBlock: bigint): Promise<number> {
    return this.index(ledger.events(startBlock, endBlock));
  }

  /**
   * Indexes `events` in ledger order and returns how many it applied. Events wait while a batch is
   * written and go in the next one together (at most BATCH_EVENTS: beyond, reading waits for the write),
   * so one write is under way at a time and batches land in order.
   */
  private async index(events: CloseableAsyncIterable<LedgerEvent>, indexedAlready?: (event: LedgerEvent) => boolean): Promise<number> {
    let count = 0;
    let pending: LedgerEvent[] = [];
    let writing: Promise<void> | undefined;
    let failure: { err: unknown } | undefined;
    const write = async (): Promise<void> => {
      try {
        while (pending.length > 0) {
          const batch = pending;
          pending = [];
          count += await this.applyBatch(batch, indexedAlready);
        }
      } catch (err) {
        // Ends the reading below, which then throws this.
        failure = { err };
        events.close();
      }
      writing = undefined;
    };
    try {
      for await (const event of events) {
        pending.push(event);
        writing ??= write();
        if (pending.length >= BATCH_EVENTS) await writing;
      }
    } finally {
      await writing;
    }
    if (failure) throw failure.err;
    return count;
  }

  /**
   * Writes the projections of `events` (all but those indexed already) with the checkpoint at the last
   * in one LevelDB batch, then resolves their waiters; returns how many it applied.
   */
  private async applyBatch(events: readonly LedgerEvent[], indexedAlready?: (event: LedgerEvent) => boolean): Promise<number> {
    const operations: IndexOperation[] = [];
    const applied: string[] = [];
    let last: LedgerEvent | undefined;
    for (const event of events) {
      if (indexedAlready?.(event) || !this.project(event, operations)) continue;
      applied.push(event.transactionId);
      last = event;
    }
    if (!last) return 0;
    operations.push(this.checkpointAt(last));
    await this.db.batch(operations);
    this.metrics.indexedEvents.inc(applied.length);
    for (const transactionId of applied) {
      this.seen.set(transactionId, true);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i]!.txId === transactionId) this.waiters.splice(i, 1)[0]!.resolve();
      }
    }
    return applied.length;
  }

  /**
   * Adds the writes of the event's projections to `operations`; undefined (nothing added) for a payload
   * that is not JSON. Operations go to LevelDB as one array: a third of the CPU of a chained batch's puts.
   */
  private project(event: LedgerEvent, operations: IndexOperation[]): RecordEvent | undefined {
    const payload = recordEventOf(event.payload);
    if (!payload) {
      this.log.warn({ txId: event.transactionId, eventName: event.eventName }, 'skipping an event that is not JSON');
      return undefined;
    }
    const entry: IndexedEvent = { ...payload, eventName: event.eventName, blockNumber: event.blockNumber.toString() };
    // The JSON the sections' encoding would make, made once for every projection.
    const value = JSON.stringify(entry);
    const block = orderKey(event.blockNumber);
    const order = `${payload.timestamp}${SEP}${block}${SEP}${event.transactionId}`;
    const put = (sublevel: ReturnType<typeof section<IndexedEvent>>, key: string): number => operations.push({ type: 'put', sublevel, key, value, valueEncoding: 'utf8' });
    for (const agencyId of new Set([payload.agencyId, ...(payload.counterparties ?? [])])) put(this.byAgency, `${agencyId}${SEP}${order}`);
    put(this.byTime, order);
    put(this.byRecord, `${payload.kind}${SEP}${payload.id}${SEP}${block}${SEP}${event.transactionId}`);
    return payload;
  }

  /** The checkpoint at `event`, written in the batch of its projections: a restart resumes after it. */
  private checkpointAt(event: LedgerEvent): IndexOperation {
    const checkpoint: Checkpoint = { blockNumber: event.blockNumber.toString(), transactionId: event.transactionId };
    return { type: 'put', sublevel: this.meta, key: 'checkpoint', value: checkpoint };
  }

  /** Events in time order, optionally of one agency and one kind, between `from` and `to` (ISO, inclusive). */
  async events(query: { agency?: string; kind?: string; from?: string; to?: string; cursor?: string; limit: number }): Promise<{ events: IndexedEvent[]; cursor: string }> {
    const source = query.agency ? this.byAgency : this.byTime;
    const prefix = query.agency ? `${query.agency}${SEP}` : '';
    const gte = prefix + (query.from ?? '');
    const lt = prefix + (query.to ? `${query.to}${SEP}\uffff` : '\uffff');
    const after = query.cursor === undefined || query.cursor === '' ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
    // A cursor is the key of the last event served; one outside this query's range would page through
    // other agencies' entries, so it must be exactly a key this range can hold.
    if (after !== undefined && (Buffer.from(after, 'utf8').toString('base64url') !== query.cursor || !ORDER_KEY.test(after.slice(prefix.length)) || after < gte || after >= lt)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'query.cursor: not a cursor this query returned (keep agency, from and to as they were)');
    }
    const events: IndexedEvent[] = [];
    let last = '';
    for await (const [key, value] of source.iterator(after ? { gt: after, lt } : { gte, lt })) {
      if (query.kind && value.kind !== query.kind) continue;
      events.push(value);
      last = key;
      if (events.length === query.limit) break;
    }
    return { events, cursor: events.length === query.limit ? Buffer.from(last).toString('base64url') : '' };
  }

  /** The indexed event of one transaction, found by its time, block and id (undefined if none). */
  async transactionEvent(tx: { timestamp: string; blockNumber: string; txId: string }): Promise<IndexedEvent | undefined> {
    return this.byTime.get(`${tx.timestamp}${SEP}${orderKey(BigInt(tx.blockNumber))}${SEP}${tx.txId}`);
  }

  /** Every indexed event of one record, in ledger order. */
  async recordEvents(kind: string, id: string): Promise<IndexedEvent[]> {
    const prefix = `${kind}${SEP}${id}${SEP}`;
    const out: IndexedEvent[] = [];
    for await (const value of this.byRecord.values({ gte: prefix, lt: `${prefix}\uffff` })) out.push(value);
    return out;
  }
}
