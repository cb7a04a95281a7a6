import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context, Contract } from 'fabric-contract-api';
import { CommitError, TxValidationCode } from './errors';
import { openTestLedger, text } from './test-support';

class Counters extends Contract {
  constructor() {
    super('Counters');
  }

  async increment(ctx: Context, key: string): Promise<number> {
    const next = Number(text(await ctx.stub.getState(key)) || '0') + 1;
    await ctx.stub.putState(key, Buffer.from(String(next)));
    return next;
  }

  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  async get(ctx: Context, key: string): Promise<string> {
    return text(await ctx.stub.getState(key));
  }

  /**
   * Counts the keys of a range and records the count. The pause (tests only: a contract must not depend
   * on time) holds the endorsement back so another transaction commits in between.
   */
  async countRangeSlowly(ctx: Context, startKey: string, endKey: string, pauseMs: string): Promise<number> {
    let count = 0;
    for await (const _ of ctx.stub.getStateByRange(startKey, endKey)) count++;
    await sleep(Number(pauseMs));
    await ctx.stub.putState('count', Buffer.from(String(count)));
    return count;
  }

  /** Reads only the first key of a range: the peer still fetched, and recorded, the whole batch. */
  async firstOfRangeSlowly(ctx: Context, startKey: string, endKey: string, pauseMs: string): Promise<string> {
    const iterator = await ctx.stub.getStateByRange(startKey, endKey);
    const first = await iterator.next();
    await iterator.close();
    await sleep(Number(pauseMs));
    await ctx.stub.putState('first', first.value.value);
    return first.value.key;
  }
}

test('two concurrent read-modify-writes of one key: one commits, the other is an MVCC conflict', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Counters]);
  const outcomes = await Promise.allSettled([
    ledger.submit(alice, 'increment', ['counter']),
    ledger.submit(alice, 'increment', ['counter']),
  ]);
  const committed = outcomes.filter((o) => o.status === 'fulfilled');
  const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  t.is(committed.length, 1);
  t.is(rejected.length, 1);
  const conflict = rejected[0];
  t.true(conflict instanceof CommitError);
  if (!(conflict instanceof CommitError)) return;
  t.is(conflict.code, TxValidationCode.MVCC_READ_CONFLICT);
  t.is(conflict.message, `Transaction ${conflict.transactionId} failed to commit with status code 11 (MVCC_READ_CONFLICT)`);
  t.is(text(await ledger.evaluate(alice, 'get', ['counter'])), '1');

  // The invalid transaction stays in its block, marked, and wrote nothing.
  const record = await ledger.getTransaction(conflict.transactionId);
  t.is(record?.validationCode, TxValidationCode.MVCC_READ_CONFLICT);
  const block = await ledger.getBlock(record!.blockNumber);
  t.is(block?.validationCodes[record!.transactionIndex], TxValidationCode.MVCC_READ_CONFLICT);
  t.is(text(await ledger.evaluate(alice, 'get', ['counter'])), '1');
});

test('a conflict against an earlier block is caught too', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Counters], { maxTransactions: 1 });
  const outcomes = await Promise.allSettled([
    ledger.submit(alice, 'increment', ['counter']),
    ledger.submit(alice, 'increment', ['counter']),
  ]);
  t.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
  const results = await Promise.all([ledger.getBlock(1n), ledger.getBlock(2n)]);
  t.deepEqual(results.map((b) => b?.validationCodes), [[0], [11]]);
});

test('a key inserted into a range read by a pending transaction is a phantom read conflict', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Counters]);
  await ledger.submit(alice, 'put', ['p/1', 'x']);
  await ledger.submit(alice, 'put', ['p/2', 'x']);
  const counting = ledger.submit(alice, 'countRangeSlowly', ['p/', 'p0', '150']);
  await sleep(20);
  await ledger.submit(alice, 'put', ['p/3', 'x']); // a blind write: no reads of its own to conflict
  const error = await t.throwsAsync(counting, { instanceOf: CommitError });
  t.is(error.code, TxValidationCode.PHANTOM_READ_CONFLICT);
  t.is(text(await ledger.evaluate(alice, 'get', ['count'])), '');
  // Unchanged ranges commit.
  t.is(text((await ledger.submit(alice, 'countRangeSlowly', ['p/', 'p0', '0'])).payload), '3');
});

test('the phantom check covers what the peer fetched, not only what the contract looked at', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Counters]);
  await ledger.submit(alice, 'put', ['q/1', 'a']);
  await ledger.submit(alice, 'put', ['q/5', 'b']);
  const reading = ledger.submit(alice, 'firstOfRangeSlowly', ['q/', 'q0', '150']);
  await sleep(20);
  await ledger.submit(alice, 'put', ['q/9', 'c']);
  const error = await t.throwsAsync(reading, { instanceOf: CommitError });
  t.is(error.code, TxValidationCode.PHANTOM_READ_CONFLICT);
});
