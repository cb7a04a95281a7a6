import type { Db, DbIterator, Snapshot } from './db';
import { decodeVersionedValue, keyFromStateKey, stateKey, stateRange } from './layout';
import type { Version } from './rwset';

/** A state entry with the height of the transaction that last wrote it (Fabric's statedb.VersionedKV). */
export interface VersionedKV {
  key: string;
  value: Buffer;
  version: Version;
}

/**
 * Reads committed world state, from a snapshot when given one (a simulation sees one consistent state, as
 * Fabric guarantees by holding its commit lock for the whole simulation) or from the latest commit.
 */
export class StateReader {
  constructor(
    private readonly db: Db,
    private readonly snapshot?: Snapshot,
  ) {}

  async get(key: string): Promise<VersionedKV | undefined> {
    // Synchronous: LevelDB answers from its memtable and caches in microseconds, where a trip through
    // libuv's thread pool costs two thread switches — most of an issuance's time on a busy machine.
    const stored = this.db.getSync(stateKey(key), { snapshot: this.snapshot });
    return stored === undefined ? undefined : { key, ...decodeVersionedValue(stored) };
  }

  /** Keys in [startKey, endKey) in byte order, `endKey` "" meaning unbounded; at most `limit` if it is positive. */
  scan(startKey: string, endKey: string, limit = 0): StateScanner {
    return new StateScanner(this.db.iterator({ ...stateRange(startKey, endKey), snapshot: this.snapshot }), limit);
  }
}

/** stateleveldb.go kvScanner: a key-ordered scan with an optional limit, whose bookmark is the next key. */
export class StateScanner {
  private returned = 0;
  private closed = false;

  constructor(
    private readonly iterator: DbIterator,
    private readonly limit: number,
  ) {}

  async next(): Promise<VersionedKV | undefined> {
    if (this.closed || (this.limit > 0 && this.returned >= this.limit)) return undefined;
    const entry = await this.iterator.next();
    if (!entry) return undefined;
    this.returned++;
    return { key: keyFromStateKey(entry[0]), ...decodeVersionedValue(entry[1]) };
  }

  /** The key the next page starts at, "" when there is none (kvScanner.GetBookmarkAndClose). */
  async bookmarkAndClose(): Promise<string> {
    const entry = this.closed ? undefined : await this.iterator.next();
    await this.close();
    return entry ? keyFromStateKey(entry[0]) : '';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.iterator.close();
  }
}
