import test from 'ava';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MerkleTree, SM3, toHex } from '@henan-chain/crypto';
import type { Anchor } from '@henan-chain/chaincode';
import { type GatewayDb, openGatewayDb, orderKey, section } from '../store';
import { AnchorLog, LEAF_BYTES } from './log';

const AGENCY = '91410000MA9GXXXX0X';

/** The parts of a committed anchor record that the log keeps. */
function committed(sequence: number, tree: MerkleTree): Anchor {
  return { anchorId: `${AGENCY}-${orderKey(sequence, 8)}`, sequence, size: tree.size, root: toHex(tree.root()), lastAction: { request: { requestId: `r${sequence}` } } } as unknown as Anchor;
}

async function withLog(run: (open: () => Promise<{ log: AnchorLog; db: GatewayDb; close(): Promise<void> }>, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hnc-anchor-log-'));
  try {
    await run(async () => {
      const db = await openGatewayDb(join(dir, 'db'));
      return { log: new AnchorLog(db, join(dir, 'anchor-leaves')), db, close: () => db.close() };
    }, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('batches kept by an earlier gateway in LevelDB (base64) and batches in the leaf file make one log', async (t) => {
  await withLog(async (open) => {
    const [old, next] = [randomBytes(5 * LEAF_BYTES), randomBytes(20 * LEAF_BYTES)];
    const first = await open();
    const oldTree = MerkleTree.fromLeafData(SM3, old, LEAF_BYTES);
    const anchor = committed(1, oldTree);
    await section(first.db, 'anchor-batches').put(`${AGENCY}!${orderKey(1, 8)}`, { anchorId: anchor.anchorId, sequence: 1, start: 0, count: 5, size: 5, root: anchor.root, leaves: old.toString('base64') });
    const log = await first.log.agency(AGENCY);
    t.deepEqual(log.tree.root(), oldTree.root());
    const grown = log.tree.appendLeafData(next);
    await first.log.append(log, committed(2, grown), next, grown, 'fingerprint');
    await first.close();

    const second = await open();
    const reloaded = await second.log.agency(AGENCY);
    t.is(reloaded.tree.size, 25);
    t.deepEqual(reloaded.tree.root(), MerkleTree.fromLeafData(SM3, Buffer.concat([old, next]), LEAF_BYTES).root());
    t.deepEqual(reloaded.batches.map((b) => [b.start, b.count]), [[0, 5], [5, 20]]);
    await second.close();
  });
});

test('leaves written before a crash that kept no record are ignored, and the next batch writes over them', async (t) => {
  await withLog(async (open, dir) => {
    const batches = [randomBytes(3 * LEAF_BYTES), randomBytes(17 * LEAF_BYTES)];
    const first = await open();
    const log = await first.log.agency(AGENCY);
    const grown = log.tree.appendLeafData(batches[0]!);
    await first.log.append(log, committed(1, grown), batches[0]!, grown, 'fingerprint');
    await first.close();
    // As if the gateway stopped after writing a batch's leaves and before recording it.
    await appendFile(join(dir, 'anchor-leaves', `${AGENCY}.leaves`), randomBytes(9 * LEAF_BYTES));

    const second = await open();
    const reloaded = await second.log.agency(AGENCY);
    t.is(reloaded.tree.size, 3);
    const next = reloaded.tree.appendLeafData(batches[1]!);
    await second.log.append(reloaded, committed(2, next), batches[1]!, next, 'fingerprint');
    await second.close();

    const third = await open();
    t.deepEqual((await third.log.agency(AGENCY)).tree.root(), MerkleTree.fromLeafData(SM3, Buffer.concat(batches), LEAF_BYTES).root());
    await third.close();
  });
});
