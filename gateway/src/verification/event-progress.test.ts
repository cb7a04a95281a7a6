import test from 'ava';
import type { LedgerEvent } from '../ledger/ledger';
import { EventProgress } from './event-progress';

/** A ledger of blocks given as the transaction ids of their events ([] for a block without any). */
function chain(blocks: string[][]) {
  const events = (start: bigint, end = BigInt(blocks.length)) => {
    const selected: LedgerEvent[] = blocks
      .slice(Number(start), Number(end))
      .flatMap((txIds, i) => txIds.map((transactionId) => ({ blockNumber: start + BigInt(i), transactionId, eventName: 'licence.issued', payload: new Uint8Array() })));
    reads.push([start, end]);
    return { close() {}, async *[Symbol.asyncIterator]() { yield* selected; } };
  };
  const reads: [bigint, bigint][] = [];
  return { ledger: { height: async () => BigInt(blocks.length), events }, blocks, reads };
}

const at = (blockNumber: number, transactionId: string) => ({ blockNumber: BigInt(blockNumber), transactionId });

test('caught up only once the last event of the last block is passed, not an earlier one of the same block', async (t) => {
  const { ledger } = chain([[], ['a'], ['b', 'c']]);
  const progress = new EventProgress(ledger, 0n);
  t.false(await progress.caughtUp());
  progress.passed(at(1, 'a'));
  t.false(await progress.caughtUp());
  progress.passed(at(2, 'b'));
  t.false(await progress.caughtUp(), 'block 2 has another event after b');
  progress.passed(at(2, 'c'));
  t.true(await progress.caughtUp());
});

test('a new block puts the follower behind until it passes that block\u2019s events; blocks without events need nothing', async (t) => {
  const { ledger, blocks } = chain([['a']]);
  const progress = new EventProgress(ledger, 0n);
  progress.passed(at(0, 'a'));
  t.true(await progress.caughtUp());
  blocks.push([]);
  t.true(await progress.caughtUp(), 'an eventless block changes nothing the follower follows');
  blocks.push(['b']);
  t.false(await progress.caughtUp());
  progress.passed(at(2, 'b'));
  t.true(await progress.caughtUp());
});

test('after a burst of blocks, one question reads back from the newest block to the first holding an event, not every new block', async (t) => {
  const { ledger, blocks, reads } = chain([['old'], [], []]);
  const progress = new EventProgress(ledger, 1n);
  t.true(await progress.caughtUp(), 'events before the start block are not the follower\u2019s');
  await Promise.all([progress.caughtUp(), progress.caughtUp()]);
  t.deepEqual(reads, [
    [2n, 3n],
    [1n, 2n],
  ]);
  reads.length = 0;
  for (let i = 0; i < 1000; i++) blocks.push([`w${i}`]);
  blocks.push([], []);
  await Promise.all([progress.caughtUp(), progress.caughtUp()]);
  t.deepEqual(reads, [
    [1004n, 1005n],
    [1003n, 1004n],
    [1002n, 1003n],
  ]);
  t.false(await progress.caughtUp());
  progress.passed(at(1002, 'w999'));
  t.true(await progress.caughtUp());
  t.is(reads.length, 3, 'nothing new committed, nothing read');
});
