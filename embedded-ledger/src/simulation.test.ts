import test from 'ava';
import { createHash } from 'node:crypto';
import { Context, Contract } from 'fabric-contract-api';
import { EndorseError, GatewayError } from './errors';
import { openTestLedger, text } from './test-support';

/** Transactions that exercise one stub behaviour each. */
class Records extends Contract {
  constructor() {
    super('Records');
  }

  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  async get(ctx: Context, key: string): Promise<string> {
    return text(await ctx.stub.getState(key));
  }

  async remove(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Fabric does not read its own writes: the read returns the committed value. */
  async putThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return text(await ctx.stub.getState(key));
  }

  async writeTwice(ctx: Context, key: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from('first'));
    ctx.stub.setEvent('first', Buffer.from('one'));
    await ctx.stub.putState(key, Buffer.from('second'));
    ctx.stub.setEvent('second', Buffer.from('two'));
  }

  async failAfterWrite(ctx: Context, key: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from('should never be written'));
    throw new Error(`refused to write ${key}`);
  }

  async writeBadKey(ctx: Context): Promise<void> {
    await ctx.stub.putState('licence-\ud800', Buffer.from('x'));
  }

  async addLicence(ctx: Context, holder: string, id: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey('licence', [holder, id]), Buffer.from(id));
  }

  async licencesOf(ctx: Context, holder: string): Promise<string> {
    const ids: string[] = [];
    for await (const kv of ctx.stub.getStateByPartialCompositeKey('licence', [holder])) {
      ids.push(ctx.stub.splitCompositeKey(kv.key).attributes[1]!);
    }
    return JSON.stringify(ids);
  }

  async licencePage(ctx: Context, holder: string, pageSize: string, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      'licence',
      [holder],
      Number(pageSize),
      bookmark,
    );
    const ids: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) ids.push(text(next.value.value));
    await iterator.close();
    return JSON.stringify({ ids, bookmark: metadata.bookmark, fetched: metadata.fetchedRecordsCount });
  }

  /** What a contract receives as pagination metadata for a page with no results. */
  async emptyPageMetadata(ctx: Context, holder: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination('licence', [holder], 10, '');
    await iterator.close();
    return JSON.stringify({ hasMetadata: metadata !== undefined });
  }

  async simpleKeys(ctx: Context, startKey: string, endKey: string): Promise<string> {
    const keys: string[] = [];
    for await (const kv of ctx.stub.getStateByRange(startKey, endKey)) keys.push(kv.key);
    return JSON.stringify(keys);
  }

  /** Awaits the iterator first: fabric-shim rejects a bad key with a promise that is not async-iterable. */
  async firstKeyFrom(ctx: Context, startKey: string): Promise<string> {
    const iterator = await ctx.stub.getStateByRange(startKey, '');
    const first = await iterator.next();
    await iterator.close();
    return first.done ? '' : first.value.key;
  }

  async pageThenWrite(ctx: Context): Promise<void> {
    const { iterator } = await ctx.stub.getStateByRangeWithPagination('', '', 2, '');
    await iterator.close();
    await ctx.stub.putState('after-page', Buffer.from('x'));
  }

  async writeThenPage(ctx: Context): Promise<void> {
    await ctx.stub.putState('before-page', Buffer.from('x'));
    await ctx.stub.getStateByRangeWithPagination('', '', 2, '');
  }

  async history(ctx: Context, key: string): Promise<string> {
    const entries: unknown[] = [];
    for await (const m of ctx.stub.getHistoryForKey(key)) {
      entries.push({ txId: m.txId, isDelete: m.isDelete, value: text(m.value), seconds: Number(m.timestamp.seconds) });
    }
    return JSON.stringify(entries);
  }

  /** Depends on everything a transaction may legitimately read: id, time, caller, state. */
  async stamp(ctx: Context, key: string): Promise<void> {
    const previous = text(await ctx.stub.getState(key));
    const record = { by: ctx.clientIdentity.getID(), previous, tx: ctx.stub.getTxID(), at: ctx.stub.getDateTimestamp().toISOString() };
    await ctx.stub.putState(key, Buffer.from(JSON.stringify(record)));
    await ctx.stub.putState(ctx.stub.createCompositeKey('stamp', [ctx.stub.getTxID()]), Buffer.from(key));
    ctx.stub.setEvent('stamped', Buffer.from(key));
  }

  async whoAmI(ctx: Context): Promise<string> {
    const id = ctx.clientIdentity;
    const seconds = ctx.stub.getTxTimestamp().seconds;
    // fabric-shim's decoded proposal keeps the raw nonce and serialized creator.
    const { nonce, creator_u8 } = (ctx.stub.getSignedProposal().proposal.header.signatureHeader as unknown as { nonce: Uint8Array; creator_u8: Uint8Array });
    return JSON.stringify({
      txIdFromProposal: createHash('sha256').update(nonce).update(creator_u8).digest('hex'),
      nonceLength: nonce.length,
      mspId: id.getMSPID(),
      id: id.getID(),
      role: id.getAttributeValue('role'),
      missing: id.getAttributeValue('missing'),
      txId: ctx.stub.getTxID(),
      channel: ctx.stub.getChannelID(),
      seconds: Number(seconds),
    });
  }
}

test('a read after a write in the same transaction returns the committed value', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  t.is(text((await ledger.submit(alice, 'putThenGet', ['fresh', 'pending'])).payload), '');
  t.is(text(await ledger.evaluate(alice, 'get', ['fresh'])), 'pending');
  t.is(text((await ledger.submit(alice, 'putThenGet', ['fresh', 'newer'])).payload), 'pending');
  t.is(text(await ledger.evaluate(alice, 'get', ['fresh'])), 'newer');
});

test('the last write of a key and the last event of a transaction win', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const endorsement = await ledger.endorse(alice, 'writeTwice', ['k']);
  t.deepEqual(endorsement.writeSet, [{ key: 'k', isDelete: false, value: new Uint8Array(Buffer.from('second')) }]);
  t.deepEqual(endorsement.event, { eventName: 'second', payload: new Uint8Array(Buffer.from('two')) });

  const events = ledger.chaincodeEvents();
  const result = await ledger.submit(alice, 'writeTwice', ['k']);
  t.is(result.event?.eventName, 'second');
  t.is(text(await ledger.evaluate(alice, 'get', ['k'])), 'second');
  for await (const event of events) {
    t.like(event, { eventName: 'second', transactionId: result.txId, blockNumber: result.blockNumber, chaincodeName: 'henan-chain' });
    break;
  }
});

test('submissions committed together each get their own transaction\u2019s event', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const results = await Promise.all(['a', 'b', 'c'].map((key) => ledger.submit(alice, 'writeTwice', [key])));
  for (const result of results) {
    t.like(result.event, { transactionId: result.txId, blockNumber: result.blockNumber, eventName: 'second', chaincodeName: 'henan-chain' });
  }
});

test('a delete is a write; endorse commits nothing', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  await ledger.submit(alice, 'put', ['k', 'v']);
  const height = await ledger.height();
  const endorsement = await ledger.endorse(alice, 'remove', ['k']);
  t.deepEqual(endorsement.writeSet, [{ key: 'k', isDelete: true, value: new Uint8Array(0) }]);
  t.is(await ledger.height(), height);
  t.is(text(await ledger.evaluate(alice, 'get', ['k'])), 'v');
  await ledger.submit(alice, 'remove', ['k']);
  t.is(text(await ledger.evaluate(alice, 'get', ['k'])), '');
});

test('a failing transaction writes nothing, is not ordered and reports Fabric-style errors', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const height = await ledger.height();
  const error = await t.throwsAsync(ledger.submit(alice, 'failAfterWrite', ['k']), { instanceOf: EndorseError });
  t.is(error.chaincodeMessage, 'refused to write k');
  t.deepEqual(error.details, [{ address: 'embedded', mspId: 'Org1MSP', message: 'chaincode response 500, refused to write k' }]);
  t.is(error.code, 10);
  t.regex(error.transactionId, /^[0-9a-f]{64}$/);
  t.is(await ledger.height(), height);
  t.is(await ledger.getTransaction(error.transactionId), undefined);
  t.is(text(await ledger.evaluate(alice, 'get', ['k'])), '');

  const evaluated = await t.throwsAsync(ledger.evaluate(alice, 'failAfterWrite', ['k']), { instanceOf: GatewayError });
  t.is(evaluated.message, '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, refused to write k');
  await t.throwsAsync(ledger.endorse(alice, 'failAfterWrite', ['k']), { instanceOf: EndorseError });
});

test('an invalid key fails the transaction with the peer error wording', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const error = await t.throwsAsync(ledger.submit(alice, 'writeBadKey', []), { instanceOf: EndorseError });
  t.regex(error.chaincodeMessage, /^PUT_STATE failed: transaction ID: [0-9a-f]{64}: invalid key "licence-\\ud800", must be a UTF-8 string$/);
  const nullKey = await t.throwsAsync(ledger.evaluate(alice, 'firstKeyFrom', ['\u0000x']), { instanceOf: GatewayError });
  t.regex(nullKey.chaincodeMessage, /first character of the key \[\u0000x\] contains a null character/);
});

test('partial composite key queries range over the prefix, in key order; simple ranges skip composite keys', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  for (const [holder, id] of [['h1', 'L3'], ['h2', 'L9'], ['h1', 'L1'], ['h1', 'L2'], ['h10', 'L7']]) {
    await ledger.submit(alice, 'addLicence', [holder!, id!]);
  }
  await ledger.submit(alice, 'put', ['b', '1']);
  await ledger.submit(alice, 'put', ['a', '1']);
  t.deepEqual(JSON.parse(text(await ledger.evaluate(alice, 'licencesOf', ['h1']))), ['L1', 'L2', 'L3']);
  t.deepEqual(JSON.parse(text(await ledger.evaluate(alice, 'simpleKeys', ['', '']))), ['a', 'b']);
  t.deepEqual(JSON.parse(text(await ledger.evaluate(alice, 'simpleKeys', ['b', '']))), ['b']);
  t.deepEqual(JSON.parse(text(await ledger.evaluate(alice, 'simpleKeys', ['', 'b']))), ['a']);
});

test('paginated queries return pages with the next key as bookmark', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  for (const id of ['L1', 'L2', 'L3', 'L4', 'L5']) await ledger.submit(alice, 'addLicence', ['h1', id]);
  await ledger.submit(alice, 'addLicence', ['h2', 'L6']);
  const page = async (bookmark: string): Promise<{ ids: string[]; bookmark: string; fetched: number }> =>
    JSON.parse(text(await ledger.evaluate(alice, 'licencePage', ['h1', '2', bookmark])));
  const first = await page('');
  t.deepEqual(first, { ids: ['L1', 'L2'], bookmark: '\u0000licence\u0000h1\u0000L3\u0000', fetched: 2 });
  const second = await page(first.bookmark);
  t.deepEqual(second.ids, ['L3', 'L4']);
  const third = await page(second.bookmark);
  t.deepEqual(third, { ids: ['L5'], bookmark: '', fetched: 1 });
});

test('an empty page comes without metadata, as fabric-shim hands it over on a peer', async (t) => {
  // The peer marshals QueryResponseMetadata{0, ""} to zero bytes, and handler.js attaches metadata only
  // when its bytes are non-empty, so a contract must not assume `metadata` is there.
  const { ledger, alice } = await openTestLedger(t, [Records]);
  t.deepEqual(JSON.parse(text(await ledger.evaluate(alice, 'emptyPageMetadata', ['nobody']))), { hasMetadata: false });
});

test('a paginated query forbids writes after it, and is refused after a write', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const afterPage = await t.throwsAsync(ledger.submit(alice, 'pageThenWrite', []), { instanceOf: EndorseError });
  t.regex(
    afterPage.chaincodeMessage,
    /^PUT_STATE failed: transaction ID: [0-9a-f]{64}: txid \[[0-9a-f]{64}\]: unsuppored transaction\. Transaction has already performed a paginated query\. Writes are not allowed$/,
  );
  const afterWrite = await t.throwsAsync(ledger.submit(alice, 'writeThenPage', []), { instanceOf: EndorseError });
  t.regex(
    afterWrite.chaincodeMessage,
    /^GET_STATE_BY_RANGE failed: transaction ID: [0-9a-f]{64}: txid \[[0-9a-f]{64}\]: unsuppored transaction\. Paginated queries are supported only in a read-only transaction$/,
  );
  t.is(text(await ledger.evaluate(alice, 'get', ['before-page'])), '');
});

test('history lists committed writes of valid transactions newest first, deletes included', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const v1 = await ledger.submit(alice, 'put', ['k', 'v1']);
  const v2 = await ledger.submit(alice, 'put', ['k', 'v2']);
  const gone = await ledger.submit(alice, 'remove', ['k']);
  const v3 = await ledger.submit(alice, 'put', ['k', 'v3']);
  await ledger.submit(alice, 'put', ['other', 'x']);
  const history = JSON.parse(text(await ledger.evaluate(alice, 'history', ['k']))) as { txId: string; isDelete: boolean; value: string; seconds: number }[];
  t.deepEqual(
    history.map(({ txId, isDelete, value }) => ({ txId, isDelete, value })),
    [
      { txId: v3.txId, isDelete: false, value: 'v3' },
      { txId: gone.txId, isDelete: true, value: '' },
      { txId: v2.txId, isDelete: false, value: 'v2' },
      { txId: v1.txId, isDelete: false, value: 'v1' },
    ],
  );
  const committedAt = (await ledger.getTransaction(v1.txId))!.timestamp;
  t.is(history[3]!.seconds, Math.floor(committedAt.getTime() / 1000));
});

test('the same call endorsed twice with the same txId and timestamp writes the same bytes', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  await ledger.submit(alice, 'put', ['record', 'earlier']);
  const options = { txId: 'a'.repeat(64), timestamp: new Date('2025-03-01T08:00:00.123Z') };
  const first = await ledger.endorse(alice, 'stamp', ['record'], options);
  const second = await ledger.endorse(alice, 'stamp', ['record'], options);
  t.is(first.writeSet.length, 2);
  t.deepEqual(first, second);
  for (const [i, write] of first.writeSet.entries()) t.is(Buffer.compare(write.value, second.writeSet[i]!.value), 0);
  t.like(JSON.parse(text(first.writeSet[1]!.value)), { tx: options.txId, at: '2025-03-01T08:00:00.123Z', previous: 'earlier' });
});

test('the contract sees the caller through ClientIdentity, and the proposal through the stub', async (t) => {
  const { ledger, alice } = await openTestLedger(t, [Records]);
  const timestamp = new Date('2025-06-01T00:00:00Z');
  const endorsement = await ledger.endorse(alice, 'whoAmI', [], { timestamp });
  const seen = JSON.parse(text(endorsement.response.payload));
  t.deepEqual(seen, {
    txIdFromProposal: endorsement.txId,
    nonceLength: 24,
    mspId: 'Org1MSP',
    id: 'x509::/C=CN/ST=Henan/O=河南省大数据管理局/OU=client/CN=alice::/C=CN/ST=Henan/O=河南省大数据管理局/CN=ca.Org1MSP',
    role: 'issuer',
    missing: null,
    txId: endorsement.txId,
    channel: 'henan',
    seconds: timestamp.getTime() / 1000,
  });
});
