import test from 'ava';
import { Context, Contract } from 'fabric-contract-api';
import { EmbeddedLedger } from './ledger';
import { openTestLedger, text } from './test-support';

class Counter extends Contract {
  constructor() {
    super('Counter');
  }

  /** Adds one to the counter and answers with its new value and the transaction that wrote it. */
  async increment(ctx: Context): Promise<string> {
    const value = Number(text(await ctx.stub.getState('n')) || '0') + 1;
    await ctx.stub.putState('n', Buffer.from(String(value)));
    return JSON.stringify({ value, txId: ctx.stub.getTxID() });
  }
}

test('a prepared submission names its transaction before it is sent, and the committed transaction keeps the answer', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Counter]);
  const prepared = ledger.prepare(alice, 'increment', []);
  t.is(await ledger.getTransaction(prepared.txId), undefined, 'nothing is sent before submit()');
  const result = await prepared.submit();
  t.is(result.txId, prepared.txId);
  t.deepEqual(JSON.parse(text(result.payload)), { value: 1, txId: prepared.txId });
  await t.throwsAsync(prepared.submit(), { message: /already submitted/ });
  await ledger.submit(alice, 'increment', []);

  // After a reopen, as after a crash, the transaction still holds the answer as it was given then.
  await ledger.close();
  const reopened = await EmbeddedLedger.open(options);
  t.teardown(() => reopened.close());
  const tx = await reopened.getTransaction(prepared.txId);
  t.is(tx?.validationCode, 0);
  t.deepEqual(text(tx!.payload), text(result.payload));
  // What submit() said of its block and time is what the ledger reads back.
  t.deepEqual(result.blockHash, tx!.blockHash);
  t.deepEqual(result.timestamp, tx!.timestamp);
});

test('a transaction\u2019s place (block, index, hash, time, validation code) is what getTransaction reads, invalid ones included', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Counter]);
  const first = ledger.prepare(alice, 'increment', []);
  const second = ledger.prepare(alice, 'increment', []);
  // Endorsed together, read the same version: the second to commit is an MVCC conflict.
  const outcomes = await Promise.allSettled([first.submit(), second.submit()]);
  t.is(outcomes.filter((o) => o.status === 'rejected').length, 1);
  const third = await ledger.submit(alice, 'increment', []);
  for (const txId of [first.txId, second.txId, third.txId, first.txId]) {
    const tx = (await ledger.getTransaction(txId))!;
    t.deepEqual(await ledger.transactionPlace(txId), {
      txId,
      blockNumber: tx.blockNumber,
      transactionIndex: tx.transactionIndex,
      timestamp: tx.timestamp,
      validationCode: tx.validationCode,
      blockHash: tx.blockHash,
    });
  }
  t.is(await ledger.transactionPlace('0'.repeat(64)), undefined);
});
