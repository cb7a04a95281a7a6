import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockCutter } from './orderer';

test('a block is cut at maxTransactions at once, and the rest after the timeout', async (t) => {
  const blocks: number[][] = [];
  const cutter = new BlockCutter<number>({ maxTransactions: 2, timeoutMs: 30 }, (batch) => blocks.push(batch));
  for (const n of [1, 2, 3, 4, 5]) cutter.order(n);
  t.deepEqual(blocks, [[1, 2], [3, 4]]);
  await sleep(60);
  t.deepEqual(blocks, [[1, 2], [3, 4], [5]]);
  cutter.order(6);
  cutter.cut();
  t.deepEqual(blocks.at(-1), [6]);
});

test('block cutting settings are checked', (t) => {
  t.throws(() => new BlockCutter({ maxTransactions: 0, timeoutMs: 10 }, () => undefined), { instanceOf: RangeError });
  t.throws(() => new BlockCutter({ maxTransactions: 1, timeoutMs: Number.NaN }, () => undefined), { instanceOf: RangeError });
});
