import test from 'ava';
import { ClassicLevel } from 'classic-level';
import { Context, Contract } from 'fabric-contract-api';
import type { ChaincodeEvent } from './events';
import { EVENTS_KEPT_KEY, eventRange } from './layout';
import { EmbeddedLedger } from './ledger';
import { openTestLedger, text } from './test-support';

class Announcer extends Contract {
  constructor() {
    super('Announcer');
  }

  async announce(ctx: Context, name: string): Promise<void> {
    await ctx.stub.putState(`announced/${name}`, Buffer.from(name));
    ctx.stub.setEvent('Announced', Buffer.from(name));
  }

  async quiet(ctx: Context, name: string): Promise<void> {
    await ctx.stub.putState(`quiet/${name}`, Buffer.from(name));
  }

  /** A read-modify-write: of two at once, the second to commit is an MVCC conflict. */
  async count(ctx: Context, name: string): Promise<void> {
    const count = Number((await ctx.stub.getState('count')).toString() || '0');
    await ctx.stub.putState('count', Buffer.from(String(count + 1)));
    ctx.stub.setEvent('Counted', Buffer.from(name));
  }
}

async function take(events: AsyncIterable<ChaincodeEvent>, count: number): Promise<ChaincodeEvent[]> {
  const taken: ChaincodeEvent[] = [];
  if (count === 0) return taken;
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

test('events replay from a start block, then continue live, in order and without duplicates', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Announcer], { maxTransactions: 2 });
  const early = await ledger.submit(alice, 'announce', ['a']);
  const history = await Promise.all(['b', 'c', 'd'].map((name) => ledger.submit(alice, 'announce', [name])));
  await ledger.submit(alice, 'quiet', ['x']);
  const startBlock = history[0]!.blockNumber;
  t.true(startBlock > early.blockNumber);

  const stream = ledger.chaincodeEvents({ startBlock });
  const received = take(stream, 6);
  const live = await Promise.all(['e', 'f', 'g'].map((name) => ledger.submit(alice, 'announce', [name])));
  const events = await received;

  const expected = [...history, ...live].sort((x, y) =>
    x.blockNumber === y.blockNumber ? x.transactionIndex - y.transactionIndex : x.blockNumber < y.blockNumber ? -1 : 1,
  );
  t.deepEqual(
    events.map((e) => e.transactionId),
    expected.map((r) => r.txId),
  );
  t.deepEqual(events.map((e) => text(e.payload)).sort(), ['b', 'c', 'd', 'e', 'f', 'g']);
  for (const event of events) t.like(event, { chaincodeName: 'henan-chain', eventName: 'Announced' });
});

test('without a start block only new commits are delivered; close() ends the stream', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Announcer]);
  await ledger.submit(alice, 'announce', ['old']);
  const stream = ledger.chaincodeEvents();
  const first = take(stream, 1);
  const fresh = await ledger.submit(alice, 'announce', ['new']);
  t.deepEqual((await first).map((e) => e.transactionId), [fresh.txId]);

  const waiting = ledger.chaincodeEvents();
  const none = take(waiting, 5);
  waiting.close();
  t.deepEqual(await none, []);
});

test('closing the ledger ends open streams', async (t) => {
  const { ledger } = await openTestLedger(t, [Announcer]);
  const pending = take(ledger.chaincodeEvents(), 1);
  await ledger.close();
  t.deepEqual(await pending, []);
});

test('with an end block the replay ends by itself, even when the last blocks hold no events', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Announcer]);
  const first = await ledger.submit(alice, 'announce', ['a']);
  const second = await ledger.submit(alice, 'announce', ['b']);
  await ledger.submit(alice, 'quiet', ['x']);
  const endBlock = await ledger.height();
  const replayed: string[] = [];
  for await (const event of ledger.chaincodeEvents({ startBlock: 0n, endBlock })) replayed.push(event.transactionId);
  t.deepEqual(replayed, [first.txId, second.txId]);
});

const seen = (events: ChaincodeEvent[]) => events.map((e) => ({ block: e.blockNumber, txId: e.transactionId, name: e.eventName, payload: text(e.payload) }));

/** Every event of the ledger so far, replayed from block 0. */
async function replayAll(ledger: EmbeddedLedger): Promise<ChaincodeEvent[]> {
  return take(ledger.chaincodeEvents({ startBlock: 0n, endBlock: await ledger.height() }), Number.MAX_SAFE_INTEGER);
}

/** Removes the kept events of blocks `from` on, as a version that keeps none would have left them; with `record`, rewrites what the last commit recorded. */
async function forgetKeptEvents(ledgerDir: string, from: bigint, record?: { eventsFrom: bigint; height: bigint }): Promise<void> {
  const raw = new ClassicLevel<Buffer, Buffer>(ledgerDir, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
  try {
    await raw.clear(eventRange(from, 1n << 63n));
    if (!record) return raw.del(EVENTS_KEPT_KEY);
    const value = Buffer.alloc(16);
    value.writeBigUInt64BE(record.eventsFrom);
    value.writeBigUInt64BE(record.height, 8);
    await raw.put(EVENTS_KEPT_KEY, value);
  } finally {
    await raw.close();
  }
}

test('a replay of many blocks, read several at a time, delivers what the live stream delivered: no event of an invalid transaction', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Announcer], { maxTransactions: 1 });
  const live = ledger.chaincodeEvents();
  const names = Array.from({ length: 40 }, (_, i) => `n${i}`);
  const delivered = take(live, names.length + 1);
  for (const name of names) await ledger.submit(alice, 'announce', [name]);
  const counts = await Promise.allSettled([ledger.submit(alice, 'count', ['x']), ledger.submit(alice, 'count', ['y'])]);
  await ledger.submit(alice, 'quiet', ['z']);
  const committed = counts.flatMap((c) => (c.status === 'fulfilled' ? [c.value.txId] : []));
  t.is(committed.length, 1);

  const expected = seen(await delivered);
  t.is(expected.at(-1)!.txId, committed[0]);
  t.true((await ledger.height()) > 40n);
  t.deepEqual(seen(await replayAll(ledger)), expected);
});

test('blocks committed by a version that kept no events replay from their transactions; blocks committed since, from the kept events', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Announcer], { maxTransactions: 1 });
  for (const name of ['a', 'b', 'c']) await ledger.submit(alice, 'announce', [name]);
  const before = seen(await replayAll(ledger));
  await ledger.close();
  await forgetKeptEvents(options.dataDir, 0n);

  const reopened = await EmbeddedLedger.open(options);
  t.teardown(() => reopened.close());
  t.deepEqual(seen(await replayAll(reopened)), before);
  for (const name of ['d', 'e']) await reopened.submit(alice, 'announce', [name]);
  const after = seen(await replayAll(reopened));
  t.deepEqual(after.slice(0, 3), before);
  t.deepEqual(after.slice(3).map((e) => e.payload), ['d', 'e']);
});

test('a block committed after the last record of kept events (by a version that keeps none) replays from its transactions', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Announcer], { maxTransactions: 1 });
  for (const name of ['a', 'b', 'c']) await ledger.submit(alice, 'announce', [name]);
  const before = seen(await replayAll(ledger));
  const height = await ledger.height();
  await ledger.close();
  // As if the last block had been committed without its kept event, the record left by the one before.
  await forgetKeptEvents(options.dataDir, height - 1n, { eventsFrom: 0n, height: height - 1n });

  const reopened = await EmbeddedLedger.open(options);
  t.teardown(() => reopened.close());
  t.deepEqual(seen(await replayAll(reopened)), before);
});
