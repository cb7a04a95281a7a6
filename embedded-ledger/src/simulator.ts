import { assertValidKey } from './keys';
import { RWSetBuilder, type RangeQueryInfo, type ReadWriteSet } from './rwset';
import type { StateReader, StateScanner, VersionedKV } from './statedb';

/** An iterator the peer handler drains into query responses. */
export interface ResultsIterator<T> {
  next(): Promise<T | undefined>;
  /** For paginated queries: the key the next page starts at ("" when none), closing the iterator. */
  bookmarkAndClose(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Simulates one transaction against committed state, with Fabric's semantics
 * (core/ledger/kvledger/txmgmt/txmgr/tx_simulator.go and query_executor.go):
 * - reads come from committed state only — a read after a write in the same transaction returns the
 *   committed value, not the pending write — and each read records the version it saw;
 * - writes only go into the write set (the last write of a key wins; a delete is a write);
 * - range scans record what they returned for phantom validation at commit;
 * - a paginated query is allowed only in a read-only transaction, and no write after one.
 */
export class TxSimulator {
  private readonly rwset = new RWSetBuilder();
  private readonly scans: RecordingScan[] = [];
  private writePerformed = false;
  private paginatedQueriesPerformed = false;

  constructor(
    private readonly state: StateReader,
    private readonly txId: string,
  ) {}

  async getState(key: string): Promise<Buffer | undefined> {
    assertValidKey(key);
    const entry = await this.state.get(key);
    this.rwset.addRead(key, entry ? entry.version : null);
    return entry?.value;
  }

  /** An empty value is a delete, as in Fabric (tx_simulator.go DeleteState is SetState(key, nil)). */
  setState(key: string, value: Uint8Array): void {
    this.checkWritePrecondition();
    assertValidKey(key);
    this.rwset.addWrite(key, value);
  }

  deleteState(key: string): void {
    this.setState(key, new Uint8Array(0));
  }

  rangeScan(startKey: string, endKey: string): ResultsIterator<VersionedKV> {
    return this.recordScan(startKey, endKey, 0);
  }

  rangeScanWithPagination(startKey: string, endKey: string, pageSize: number): ResultsIterator<VersionedKV> {
    if (this.writePerformed) {
      throw new Error(`txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`);
    }
    this.paginatedQueriesPerformed = true;
    return this.recordScan(startKey, endKey, pageSize);
  }

  /** The simulation results; range queries are added in the order they were opened, as Fabric does. */
  results(): ReadWriteSet {
    for (const scan of this.scans) this.rwset.addRangeQuery(scan.info);
    return this.rwset.build();
  }

  async close(): Promise<void> {
    await Promise.all(this.scans.map((scan) => scan.close()));
  }

  /** tx_simulator.go checkWritePrecondition (the message keeps Fabric's spelling). */
  private checkWritePrecondition(): void {
    if (this.paginatedQueriesPerformed) {
      throw new Error(`txid [${this.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`);
    }
    this.writePerformed = true;
  }

  private recordScan(startKey: string, endKey: string, limit: number): RecordingScan {
    assertValidKey(startKey);
    assertValidKey(endKey);
    const scan = new RecordingScan(this.state.scan(startKey, endKey, limit), startKey, endKey);
    this.scans.push(scan);
    return scan;
  }
}

/**
 * query_executor.go resultsItr: records every result handed out; `endKey` follows the last key returned
 * until the scan is exhausted, when it becomes the query's own end key.
 */
class RecordingScan implements ResultsIterator<VersionedKV> {
  readonly info: RangeQueryInfo;

  constructor(
    private readonly scanner: StateScanner,
    startKey: string,
    private readonly endKey: string,
  ) {
    this.info = { startKey, endKey: '', itrExhausted: false, reads: [] };
  }

  async next(): Promise<VersionedKV | undefined> {
    const entry = await this.scanner.next();
    if (!entry) {
      this.info.itrExhausted = true;
      this.info.endKey = this.endKey;
      return undefined;
    }
    this.info.reads.push({ key: entry.key, version: entry.version });
    this.info.endKey = entry.key;
    return entry;
  }

  bookmarkAndClose(): Promise<string> {
    return this.scanner.bookmarkAndClose();
  }

  close(): Promise<void> {
    return this.scanner.close();
  }
}
