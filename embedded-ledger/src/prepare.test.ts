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
