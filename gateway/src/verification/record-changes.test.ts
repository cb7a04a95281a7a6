import test from 'ava';
import type { RecordEvent } from '@henan-chain/chaincode';
import type { LedgerEvent } from '../ledger/ledger';
import { RecordChanges } from './record-changes';

/** A ledger whose blocks are committed by the test: each a list of events' payloads. */
function ledger(committedBefore: number) {
  const blocks: (RecordEvent | string)[][] = Array.from({ length: committedBefore }, () => []);
  const opened: bigint[] = [];
  let wake = () => {};
  const eventsOf = (n: number): LedgerEvent[] =>
    blocks[n]!.map((payload, i) => ({
      blockNumber: BigInt(n),
      transactionId: `tx-${n}-${i}`,
      eventName: 'x',
      payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    }));
  let closed = false;
  return {
    opened,
    commit(...events: (RecordEvent | string)[]) {
      blocks.push(events);
      wake();
    },
    ledger: {
      height: async () => BigInt(blocks.length),
      events(start: bigint, end?: bigint) {
        opened.push(start);
        return {
          close: () => ((closed = true), wake()),
          async *[Symbol.asyncIterator]() {
            for (let n = Number(start); end === undefined || n < Number(end); n++) {
              while (n >= blocks.length && end === undefined) {
                if (closed) return;
                await new Promise<void>((resolve) => (wake = resolve));
              }
              yield* eventsOf(n);
            }
          },
        };
      },
    },
  };
}

const event = (kind: RecordEvent['kind'], id: string): RecordEvent => ({ kind, id, action: 'x', agencyId: 'a', mspId: 'm', txId: 't', timestamp: '' });
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('followers get each record event committed after start, in order; caught up only once they have them all', async (t) => {
  const { ledger: l, commit, opened } = ledger(3);
  const changes = await RecordChanges.follow(l as never, (err) => t.fail(String(err)));
  const seen: string[] = [];
  changes.onChange((e) => seen.push(`${e.kind}:${e.id}`));
  t.deepEqual(opened, [3n], 'what was committed before start is not replayed');
  t.true(await changes.caughtUp());

  commit(event('licence', 'L1'), 'not json', event('agency', 'A1'));
  commit();
  commit(event('licence', 'L2'));
  await settle();
  t.deepEqual(seen, ['licence:L1', 'agency:A1', 'licence:L2']);
  t.true(await changes.caughtUp());
  await changes.stop();
});

test('a block the stream has not delivered yet keeps it behind', async (t) => {
  const { ledger: l, commit } = ledger(1);
  const changes = await RecordChanges.follow(l as never, (err) => t.fail(String(err)));
  const seen: string[] = [];
  changes.onChange((e) => seen.push(e.id));
  await changes.stop(); // no longer delivering
  commit(event('licence', 'L1'));
  t.false(await changes.caughtUp());
  t.deepEqual(seen, []);
});
