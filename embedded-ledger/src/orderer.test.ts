import test from 'ava';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BlockCutter } from './orderer';

/** A cutter whose commits finish only when the test says so. */
function cutterWithManualCommits(maxTransactions: number) {
  const blocks: number[][] = [];
  const finish: (() => void)[] = [];
  const cutter = new BlockCutter<number>({ maxTransactions }, (batch) => {
    blocks.push(batch);
    return new Promise((resolve) => finish.push(resolve));
  });
  return { cutter, blocks, finish };
}

test('an idle committer takes a lone transaction at once; those ordered in the same turn share its block', async (t) => {
  const { cutter, blocks } = cutterWithManualCommits(10);
  cutter.order(1);
  cutter.order(2);
  t.deepEqual(blocks, [], 'cut after the current turn, not synchronously');
  await nextTurn();
  t.deepEqual(blocks, [[1, 2]]);
});

test('while a block commits, arrivals wait and are cut together the moment it is done, up to maxTransactions a block', async (t) => {
  const { cutter, blocks, finish } = cutterWithManualCommits(3);
  cutter.order(1);
  await nextTurn();
  for (const n of [2, 3, 4, 5]) cutter.order(n);
  t.deepEqual(blocks, [[1], [2, 3, 4]], 'a full block is cut at once, even behind another');
  await nextTurn();
  t.deepEqual(blocks, [[1], [2, 3, 4]], '5 waits for the committer');
  finish.shift()!();
  await nextTurn();
  t.deepEqual(blocks, [[1], [2, 3, 4]], 'one of two blocks committed: still busy');
  finish.shift()!();
  await nextTurn();
  t.deepEqual(blocks, [[1], [2, 3, 4], [5]]);
  cutter.order(6);
  cutter.cut();
  t.deepEqual(blocks.at(-1), [6], 'cut() takes what waits (the ledger closing)');
});

test('block cutting settings are checked', (t) => {
  t.throws(() => new BlockCutter({ maxTransactions: 0 }, async () => undefined), { instanceOf: RangeError });
  t.throws(() => new BlockCutter({ maxTransactions: 1.5 }, async () => undefined), { instanceOf: RangeError });
});
