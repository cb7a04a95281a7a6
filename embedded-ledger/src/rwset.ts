/**
 * Read-write sets, shaped like Fabric's kvrwset protos (ledger/rwset/kvrwset/kv_rwset.proto) and
 * built the way core/ledger/kvledger/txmgmt/rwsetutil/rwset_builder.go builds them.
 */

/** The height at which a key was last written: Fabric's version.Height (block number, tx index). */
export interface Version {
  blockNum: bigint;
  txNum: number;
}

/** A key read during simulation and the committed version it had; `null` when the key did not exist. */
export interface KVRead {
  key: string;
  version: Version | null;
}

/** A write of the transaction; a delete is a write with `isDelete` and an empty value. */
export interface KVWrite {
  key: string;
  isDelete: boolean;
  value: Uint8Array;
}

/**
 * What a range scan (getStateByRange, partial composite key, paginated or not) returned, recorded
 * for phantom-read validation at commit (kvrwset.RangeQueryInfo). `endKey` is the last key read
 * when the scan was not exhausted, the query's end key when it was.
 */
export interface RangeQueryInfo {
  startKey: string;
  endKey: string;
  itrExhausted: boolean;
  reads: KVRead[];
}

export interface ReadWriteSet {
  readSet: KVRead[];
  rangeQueries: RangeQueryInfo[];
  writeSet: KVWrite[];
}

/** LevelDB and Go's sort.Strings order keys by their UTF-8 bytes, which is not JS string order above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sameVersion(a: Version | null, b: Version | null): boolean {
  if (a === null || b === null) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/**
 * Collects reads and writes as the chaincode calls the stub. Maps keyed by key, so the last read and
 * the last write of a key win; the result is sorted by key (rwset_builder.go: GetValuesBySortedKeys),
 * which makes the bytes independent of the order the chaincode happened to touch keys in.
 */
export class RWSetBuilder {
  private readonly reads = new Map<string, KVRead>();
  private readonly writes = new Map<string, KVWrite>();
  private readonly ranges = new Map<string, RangeQueryInfo>();

  addRead(key: string, version: Version | null): void {
    this.reads.set(key, { key, version });
  }

  /**
   * rwset_proto_util.go newKVWrite: an empty value IS a delete (`IsDelete: len(value) == 0`). The value
   * is copied, as serialising it to the peer would, so later changes to the caller's buffer do not leak in.
   */
  addWrite(key: string, value: Uint8Array): void {
    this.writes.set(key, { key, isDelete: value.length === 0, value: Uint8Array.from(value) });
  }

  /** Range queries keep their order of creation; an identical (start, end, exhausted) one is recorded once. */
  addRangeQuery(info: RangeQueryInfo): void {
    const id = JSON.stringify([info.startKey, info.endKey, info.itrExhausted]);
    if (!this.ranges.has(id)) this.ranges.set(id, info);
  }

  build(): ReadWriteSet {
    return {
      readSet: sortedByKey([...this.reads.values()]),
      rangeQueries: [...this.ranges.values()],
      writeSet: sortedByKey([...this.writes.values()]),
    };
  }
}

function sortedByKey<T extends { key: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareKeys(a.key, b.key));
}
