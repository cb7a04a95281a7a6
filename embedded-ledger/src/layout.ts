import { Reader, Writer } from './codec';
import type { Version } from './rwset';

/**
 * The key layout of the ledger's one LevelDB. Each key starts with a byte naming its table; numbers are
 * big-endian so LevelDB's byte order is numeric order.
 *
 *   's' key                                  state: u64 block || u32 tx || value   (stateleveldb.go encodeDataKey)
 *   'h' u32 len(key) || key || u64 block || u32 tx
 *                                            history index, empty value            (history/kv_encoding.go)
 *   'b' u64 block                            block record: header, validation codes, commit hash
 *   't' u64 block || u32 tx                  the transaction's canonical bytes (what dataHash covers)
 *   'i' txId                                 u64 block || u32 tx                    (blkstorage tx-id index)
 *   'm'                                      chain tip: u64 height || current hash || commit hash
 *   'e' u64 block || u32 tx                  the chaincode event of a valid transaction (events.ts encodeKeptEvent)
 *   'n'                                      events kept: u64 first block || u64 height when written
 *
 * Keys go in as their UTF-8 bytes, so scans come back in the byte order Fabric's LevelDB uses. The
 * history key carries the key's length, as Fabric's does, so the prefix of one key never matches another
 * (composite keys contain 0x00, which rules out a separator).
 */
const STATE = 0x73; // 's'
const HISTORY = 0x68; // 'h'
const BLOCK = 0x62; // 'b'
const TRANSACTION = 0x74; // 't'
const TX_ID = 0x69; // 'i'
const EVENT = 0x65; // 'e'

export const TIP_KEY = Buffer.from('m');
export const EVENTS_KEPT_KEY = Buffer.from('n');

export function stateKey(key: string): Buffer {
  return Buffer.concat([Buffer.of(STATE), Buffer.from(key, 'utf8')]);
}

export function keyFromStateKey(dbKey: Buffer): string {
  return dbKey.subarray(1).toString('utf8');
}

/**
 * LevelDB bounds of the state range [startKey, endKey). An empty endKey means "to the last key", as
 * stateleveldb.go GetStateRangeScanIteratorWithPagination does with its lastKeyIndicator.
 */
export function stateRange(startKey: string, endKey: string): { gte: Buffer; lt: Buffer } {
  return { gte: stateKey(startKey), lt: endKey === '' ? Buffer.of(STATE + 1) : stateKey(endKey) };
}

export function encodeVersionedValue(version: Version, value: Uint8Array): Buffer {
  return Buffer.concat([encodeHeight(version.blockNum, version.txNum), value]);
}

export function decodeVersionedValue(stored: Buffer): { version: Version; value: Buffer } {
  return { version: decodeHeight(stored), value: stored.subarray(12) };
}

function historyPrefix(key: string): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(keyBytes.length);
  return Buffer.concat([Buffer.of(HISTORY), length, keyBytes]);
}

export function historyKey(key: string, blockNum: bigint, txNum: number): Buffer {
  return Buffer.concat([historyPrefix(key), encodeHeight(blockNum, txNum)]);
}

/** Bounds covering every history entry of exactly this key. */
export function historyRange(key: string): { gte: Buffer; lte: Buffer } {
  const prefix = historyPrefix(key);
  return { gte: prefix, lte: Buffer.concat([prefix, Buffer.alloc(12, 0xff)]) };
}

export function versionFromHistoryKey(dbKey: Buffer): Version {
  return decodeHeight(dbKey.subarray(dbKey.length - 12));
}

export function blockKey(blockNum: bigint): Buffer {
  return new Writer().u8(BLOCK).u64(blockNum).finish();
}

export function transactionKey(blockNum: bigint, txNum: number): Buffer {
  return Buffer.concat([Buffer.of(TRANSACTION), encodeHeight(blockNum, txNum)]);
}

/** Bounds covering the transactions of blocks `from` up to (not including) `to`, in block and index order. */
export function transactionRange(from: bigint, to = from + 1n): { gte: Buffer; lt: Buffer } {
  return { gte: transactionKey(from, 0), lt: transactionKey(to, 0) };
}

export function eventKey(blockNum: bigint, txNum: number): Buffer {
  return Buffer.concat([Buffer.of(EVENT), encodeHeight(blockNum, txNum)]);
}

/** Bounds covering the kept events of blocks `from` up to (not including) `to`, in ledger order. */
export function eventRange(from: bigint, to: bigint): { gte: Buffer; lt: Buffer } {
  return { gte: eventKey(from, 0), lt: eventKey(to, 0) };
}

/** The block number in a transaction's or an event's key. */
export function blockOfKey(dbKey: Buffer): bigint {
  return dbKey.readBigUInt64BE(1);
}

/** Bounds covering the records of blocks `from` up to (not including) `to`. */
export function blockRange(from: bigint, to: bigint): { gte: Buffer; lt: Buffer } {
  return { gte: blockKey(from), lt: blockKey(to) };
}

export function txIdKey(txId: string): Buffer {
  return Buffer.concat([Buffer.of(TX_ID), Buffer.from(txId, 'utf8')]);
}

export function encodeHeight(blockNum: bigint, txNum: number): Buffer {
  return new Writer().u64(blockNum).u32(txNum).finish();
}

export function decodeHeight(bytes: Buffer): Version {
  const reader = new Reader(bytes.subarray(0, 12));
  return { blockNum: reader.u64(), txNum: reader.u32() };
}
