import {
  blockHash,
  commitHash,
  dataHash,
  encodeTransaction,
  type Block,
  type BlockTransaction,
} from './block';
import { BlockStore, type ChainTip } from './blockstore';
import type { Db, DbOperation } from './db';
import { TxValidationCode } from './errors';
import { historyOperations } from './history';
import { encodeVersionedValue, stateKey } from './layout';
import { StateReader } from './statedb';
import { validateBlock } from './validator';

/**
 * Turns ordered transactions into the next block and commits it, one block at a time: validation, then
 * ONE LevelDB batch holding the state updates with their versions, the history index, the block and its
 * transactions, the tx-id index, the kept events and the new tip, written with sync. A crash therefore leaves either the
 * whole block or none of it — Fabric needs savepoints and recovery to get there across its separate
 * databases; a single batch gives it directly.
 */
export class Committer {
  constructor(
    private readonly db: Db,
    private tip: ChainTip,
  ) {}

  get height(): bigint {
    return this.tip.height;
  }

  /** The tip the last commit left (or the stored one, before any). */
  get current(): ChainTip {
    return this.tip;
  }

  /** Callers must not overlap calls: each block is built on the tip the previous one left. */
  async commit(transactions: readonly BlockTransaction[]): Promise<Block> {
    const number = this.tip.height;
    const encoded = transactions.map(encodeTransaction);
    const rwsets = transactions.map((tx) => (tx.type === 'endorser' ? tx : undefined));
    const { codes, updates } = await validateBlock(new StateReader(this.db), number, rwsets);

    const header = { number, previousHash: this.tip.currentHash, dataHash: dataHash(encoded) };
    const hash = blockHash(header);
    const record = { header, validationCodes: codes, commitHash: commitHash(codes, this.tip.commitHash) };
    const tip = { height: number + 1n, currentHash: hash, commitHash: record.commitHash, eventsFrom: this.tip.eventsFrom };

    const operations: DbOperation[] = [];
    for (const update of updates.values()) {
      operations.push(
        update.isDelete
          ? { type: 'del', key: stateKey(update.key) }
          : { type: 'put', key: stateKey(update.key), value: encodeVersionedValue(update.version, update.value) },
      );
    }
    transactions.forEach((tx, txNum) => {
      if (tx.type === 'endorser' && codes[txNum] === TxValidationCode.VALID) {
        operations.push(...historyOperations(number, txNum, tx.writeSet));
      }
    });
    operations.push(...BlockStore.blockOperations({ record, transactions, encoded }, tip));
    await this.db.batch(operations, { sync: true });

    this.tip = tip;
    return { ...record, hash, transactions: [...transactions] };
  }
}
