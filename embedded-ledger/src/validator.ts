import { TxValidationCode } from './errors';
import { compareKeys, sameVersion, type RangeQueryInfo, type ReadWriteSet, type Version } from './rwset';
import type { StateReader } from './statedb';

/** A write of a valid transaction, at the height it will be committed at. */
export interface StateUpdate {
  key: string;
  isDelete: boolean;
  value: Uint8Array;
  version: Version;
}

/**
 * The committer's MVCC validation (core/ledger/kvledger/txmgmt/validation/validator.go): transactions are
 * checked in block order against the committed state AND the writes of the earlier valid transactions of
 * the same block. A read of a key such a transaction wrote, or whose committed version moved, is an
 * MVCC_READ_CONFLICT; a range query that would now return different keys or versions is a
 * PHANTOM_READ_CONFLICT. Only valid transactions' writes enter `updates`, versioned (block, tx index).
 */
export async function validateBlock(
  state: StateReader,
  blockNum: bigint,
  transactions: readonly (ReadWriteSet | undefined)[],
): Promise<{ codes: number[]; updates: Map<string, StateUpdate> }> {
  const updates = new Map<string, StateUpdate>();
  const codes: number[] = [];
  for (const [txNum, rwset] of transactions.entries()) {
    const code = rwset ? await validateTransaction(state, rwset, updates) : TxValidationCode.VALID;
    codes.push(code);
    if (code !== TxValidationCode.VALID || !rwset) continue;
    for (const write of rwset.writeSet) {
      updates.set(write.key, { ...write, version: { blockNum, txNum } });
    }
  }
  return { codes, updates };
}

async function validateTransaction(
  state: StateReader,
  rwset: ReadWriteSet,
  updates: ReadonlyMap<string, StateUpdate>,
): Promise<number> {
  // validator.go validateKVRead: a key updated earlier in this block is a conflict, whatever its version.
  if (rwset.readSet.some((read) => updates.has(read.key))) return TxValidationCode.MVCC_READ_CONFLICT;
  const committed = await Promise.all(rwset.readSet.map((read) => state.get(read.key)));
  const stale = rwset.readSet.some((read, i) => !sameVersion(committed[i]?.version ?? null, read.version));
  if (stale) return TxValidationCode.MVCC_READ_CONFLICT;
  for (const range of rwset.rangeQueries) {
    if (!(await rangeUnchanged(state, range, updates))) return TxValidationCode.PHANTOM_READ_CONFLICT;
  }
  return TxValidationCode.VALID;
}

/**
 * rangequery_validator.go rangeQueryResultsValidator: re-runs the range over committed state plus this
 * block's updates and compares keys and versions, result by result, with what the simulation saw.
 */
async function rangeUnchanged(
  state: StateReader,
  range: RangeQueryInfo,
  updates: ReadonlyMap<string, StateUpdate>,
): Promise<boolean> {
  let i = 0;
  for await (const current of combinedRange(state, range, updates)) {
    const read = range.reads[i++];
    if (!read || read.key !== current.key || !sameVersion(read.version, current.version)) return false;
  }
  return i === range.reads.length;
}

/**
 * combined_iterator.go: committed keys merged with this block's updates, an update winning over the committed
 * value of its key and deletes dropped. When the simulation stopped before the end of the range, its
 * recorded end key is the last key it read, so that key is included (served last, as Fabric does).
 */
async function* combinedRange(
  state: StateReader,
  range: RangeQueryInfo,
  updates: ReadonlyMap<string, StateUpdate>,
): AsyncGenerator<{ key: string; version: Version }> {
  const { startKey, endKey } = range;
  const inRange = (key: string): boolean =>
    compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0);
  const updated = [...updates.values()].filter((u) => inRange(u.key)).sort((a, b) => compareKeys(a.key, b.key));
  const scanner = state.scan(startKey, endKey);
  try {
    let committed = await scanner.next();
    let u = 0;
    while (committed || u < updated.length) {
      const update = updated[u];
      const order = !committed ? 1 : !update ? -1 : compareKeys(committed.key, update.key);
      if (order < 0) {
        yield committed!;
        committed = await scanner.next();
        continue;
      }
      if (order === 0) committed = await scanner.next();
      u++;
      if (!update!.isDelete) yield update!;
    }
  } finally {
    await scanner.close();
  }
  if (range.itrExhausted) return;
  const update = updates.get(endKey);
  const last = update ? (update.isDelete ? undefined : update) : await state.get(endKey);
  if (last) yield last;
}
