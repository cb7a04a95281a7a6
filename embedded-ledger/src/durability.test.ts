import test from 'ava';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context, Contract } from 'fabric-contract-api';
import { EmbeddedLedger } from './ledger';
import { LedgerDirectoryError } from './ledger-copy';
import { LedgerDamagedError, verifyLedgerDirectory } from './verify';
import { flipLogBit, flipStoredByte, openTestLedger, text } from './test-support';

class Registry extends Contract {
  constructor() {
    super('Registry');
  }

  async register(ctx: Context, holder: string, id: string): Promise<void> {
    await ctx.stub.putState(id, Buffer.from(holder));
    await ctx.stub.putState(ctx.stub.createCompositeKey('holder', [holder, id]), Buffer.from(id));
    ctx.stub.setEvent('Registered', Buffer.from(id));
  }

  async revoke(ctx: Context, id: string): Promise<void> {
    const holder = text(await ctx.stub.getState(id));
    await ctx.stub.deleteState(id);
    await ctx.stub.deleteState(ctx.stub.createCompositeKey('holder', [holder, id]));
  }

  /** Everything a reader can observe of the state and its history, as one JSON document. */
  async snapshot(ctx: Context): Promise<string> {
    const state: [string, string][] = [];
    for await (const kv of ctx.stub.getStateByRange('', '')) state.push([kv.key, text(kv.value)]);
    for await (const kv of ctx.stub.getStateByPartialCompositeKey('holder', [])) state.push([kv.key, text(kv.value)]);
    const history: unknown[] = [];
    for (const [key] of state) {
      for await (const m of ctx.stub.getHistoryForKey(key)) history.push([key, m.txId, m.isDelete, text(m.value)]);
    }
    for await (const m of ctx.stub.getHistoryForKey('L2')) history.push(['L2', m.txId, m.isDelete, text(m.value)]);
    return JSON.stringify({ state, history });
  }
}

async function populate(ledger: EmbeddedLedger, alice: Parameters<EmbeddedLedger['submit']>[0]): Promise<string[]> {
  const txIds: string[] = [];
  for (const [holder, id] of [['h1', 'L1'], ['h1', 'L2'], ['h2', 'L3']]) {
    txIds.push((await ledger.submit(alice, 'register', [holder!, id!])).txId);
  }
  txIds.push((await ledger.submit(alice, 'revoke', ['L2'])).txId);
  return txIds;
}

test('state, history, blocks and transactions survive close and reopen, and the chain verifies', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Registry]);
  const txIds = await populate(ledger, alice);
  const height = await ledger.height();
  const before = {
    snapshot: text(await ledger.evaluate(alice, 'snapshot', [])),
    blocks: await Promise.all([...Array(Number(height)).keys()].map((n) => ledger.getBlock(BigInt(n)))),
    transactions: await Promise.all(txIds.map((txId) => ledger.getTransaction(txId))),
  };
  t.like(await ledger.verifyChain(), { valid: true, height, transactions: Number(height) });
  await ledger.close();
  await t.throwsAsync(ledger.height(), { message: 'the embedded ledger is closed' });

  const reopened = await EmbeddedLedger.open(options);
  t.teardown(() => reopened.close());
  t.is(await reopened.height(), height);
  t.is(text(await reopened.evaluate(alice, 'snapshot', [])), before.snapshot);
  t.deepEqual(await Promise.all([...Array(Number(height)).keys()].map((n) => reopened.getBlock(BigInt(n)))), before.blocks);
  t.deepEqual(await Promise.all(txIds.map((txId) => reopened.getTransaction(txId))), before.transactions);
  t.like(await reopened.verifyChain(), { valid: true, height, transactions: Number(height) });

  const genesis = before.blocks[0]!;
  t.like(genesis.transactions[0], { type: 'config', channelId: 'henan', chaincodeName: 'henan-chain' });
  t.deepEqual(before.blocks[1]!.header.previousHash, genesis.hash);
  t.like(before.transactions[0], { fn: 'register', args: ['h1', 'L1'], validationCode: 0, creator: { mspId: 'Org1MSP' } });
  t.deepEqual(before.transactions[0]!.blockHash, before.blocks[Number(before.transactions[0]!.blockNumber)]!.hash);

  const next = await reopened.submit(alice, 'register', ['h3', 'L4']);
  t.is(next.blockNumber, height);
});

test('a reopened ledger refuses a different channel configuration', async (t) => {
  const { ledger, options } = await openTestLedger(t, [Registry]);
  await ledger.close();
  await t.throwsAsync(EmbeddedLedger.open({ ...options, channelId: 'other' }), { message: /genesis block differs/ });
  await t.throwsAsync(EmbeddedLedger.open({ ...options, msps: [] }), { message: /genesis block differs/ });
});

/** Block records are u64 number | u32+previousHash | u32+dataHash | u32 count, codes | u32+commitHash. */
const FIRST_VALIDATION_CODE = 8 + 4 + 32 + 4 + 32 + 4;

for (const { what, tx, offset, reason, check } of [
  { what: 'a transaction', tx: 0, offset: 40, reason: /data hash does not match/, check: 'dataHash' },
  { what: 'the previous hash', offset: 12, reason: /previous hash is not the hash of block 1/, check: 'previousHash' },
  { what: 'a validation code', offset: FIRST_VALIDATION_CODE, reason: /commit hash does not match/, check: 'commitHash' },
]) {
  test(`a byte rewritten in ${what} of block 2 makes verifyChain report block 2`, async (t) => {
    const { ledger, alice, options } = await openTestLedger(t, [Registry]);
    await populate(ledger, alice);
    await ledger.close();

    await flipStoredByte(options.dataDir, { block: 2n, tx, offset });

    // Offline, as an auditor verifies a copy: the same first broken link, naming both values.
    const offline = await verifyLedgerDirectory(options.dataDir);
    t.like(offline, { valid: false, brokenAt: 2n, broken: { block: 2n, check } });
    if (!offline.valid) t.not(offline.broken.expected, offline.broken.found);

    const reopened = await EmbeddedLedger.open(options);
    t.teardown(() => reopened.close());
    const verdict = await reopened.verifyChain();
    t.like(verdict, { valid: false, brokenAt: 2n });
    t.regex(verdict.valid ? '' : verdict.reason, reason);
  });
}

test('offline verification counts the blocks it checks, and refuses a ledger another process has open', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Registry]);
  await populate(ledger, alice);
  const height = await ledger.height();
  await t.throwsAsync(verifyLedgerDirectory(options.dataDir), { instanceOf: LedgerDirectoryError, message: /open in another process/ });
  await ledger.close();
  const progress: bigint[] = [];
  t.like(await verifyLedgerDirectory(options.dataDir, { onProgress: (checked) => progress.push(checked) }), { valid: true, height });
  t.deepEqual(progress, [...Array(Number(height)).keys()].map((n) => BigInt(n + 1)));
  await t.throwsAsync(verifyLedgerDirectory(join(options.dataDir, 'nothing-here')), { instanceOf: LedgerDirectoryError, message: /holds no embedded ledger/ });
});

/** Every file of a folder by name, with its bytes. */
async function folderContent(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))] as const)));
}

test('a bit flipped in the LevelDB log is reported as damage, not a shorter valid chain, and the folder is left as it was', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Registry]);
  await populate(ledger, alice);
  await ledger.close();
  const log = await flipLogBit(options.dataDir);
  const before = await folderContent(options.dataDir);

  const damaged = await t.throwsAsync(verifyLedgerDirectory(options.dataDir), { instanceOf: LedgerDamagedError });
  t.regex(damaged!.message, new RegExp(`is damaged: LevelDB would skip records of its log, \\d+ bytes of ${log} \\(Corruption: checksum mismatch\\)`));
  t.deepEqual(await folderContent(options.dataDir), before);
});

test('a log cut short inside its last record, which LevelDB skips without a word, is reported as damage', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Registry]);
  await populate(ledger, alice);
  await ledger.close();
  const log = (await readdir(options.dataDir)).find((name) => name.endsWith('.log'))!;
  const bytes = await readFile(join(options.dataDir, log));
  await writeFile(join(options.dataDir, log), bytes.subarray(0, bytes.length - 10));
  const damaged = await t.throwsAsync(verifyLedgerDirectory(options.dataDir), { instanceOf: LedgerDamagedError });
  t.regex(damaged!.message, new RegExp(`is damaged: LevelDB would skip records of its log, \\d+ bytes at the end of ${log} \\(a record that runs past the end of the file`));
});

test('a table file LevelDB finds corrupt as the check reads it is reported as damage', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Registry]);
  await populate(ledger, alice);
  await ledger.close();
  // Opened again, LevelDB writes the log into a table file (.ldb), whose footer ends in a magic number.
  await (await EmbeddedLedger.open(options)).close();
  const table = (await readdir(options.dataDir)).find((name) => name.endsWith('.ldb'))!;
  const bytes = await readFile(join(options.dataDir, table));
  bytes[bytes.length - 1]! ^= 0x01;
  await writeFile(join(options.dataDir, table), bytes);
  await t.throwsAsync(verifyLedgerDirectory(options.dataDir), { instanceOf: LedgerDamagedError, message: /is damaged: LevelDB cannot read it: Corruption: not an sstable \(bad magic number\)/ });
});

test('an intact ledger is verified without a byte of its folder written', async (t) => {
  const { ledger, alice, options } = await openTestLedger(t, [Registry]);
  await populate(ledger, alice);
  await ledger.close();
  const before = await folderContent(options.dataDir);
  t.like(await verifyLedgerDirectory(options.dataDir), { valid: true });
  t.deepEqual(await folderContent(options.dataDir), before);
});
