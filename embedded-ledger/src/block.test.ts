import test from 'ava';
import { createHash } from 'node:crypto';
import {
  blockHash,
  commitHash,
  decodeBlockRecord,
  decodeTransaction,
  encodeBlockRecord,
  encodeTransaction,
  transactionTimestamp,
  type EndorserTransaction,
} from './block';
import { blockEvents, storedBlockEvents } from './events';

const sm3 = (bytes: Buffer): Uint8Array => new Uint8Array(createHash('sm3').update(bytes).digest());

test('the block hash is SM3 over the DER header Fabric hashes: SEQUENCE { INTEGER, OCTET STRING, OCTET STRING }', (t) => {
  const previousHash = new Uint8Array(32).fill(0xaa);
  const dataHash = new Uint8Array(32).fill(0xbb);
  const der = (number: string): Buffer =>
    Buffer.concat([Buffer.from(number, 'hex'), Buffer.from('0420', 'hex'), previousHash, Buffer.from('0420', 'hex'), dataHash]);
  // As Go's asn1.Marshal writes it: the length, then the minimal big-endian integer (0x00-padded if the top bit is set).
  t.deepEqual(blockHash({ number: 1n, previousHash, dataHash }), sm3(Buffer.concat([Buffer.from('3047', 'hex'), der('020101')])));
  t.deepEqual(blockHash({ number: 128n, previousHash, dataHash }), sm3(Buffer.concat([Buffer.from('3048', 'hex'), der('02020080')])));
  t.deepEqual(
    blockHash({ number: 0n, previousHash: new Uint8Array(0), dataHash }),
    sm3(Buffer.concat([Buffer.from('3027020100' + '0400' + '0420', 'hex'), dataHash])),
  );
});

test('the commit hash chains the validation codes', (t) => {
  const first = commitHash([0, 11], new Uint8Array(0));
  t.deepEqual(first, sm3(Buffer.from('00000002000b', 'hex')));
  t.notDeepEqual(commitHash([0, 0], new Uint8Array(0)), first);
  t.notDeepEqual(commitHash([0, 11], first), first);
});

/** An endorser transaction with something in every field. */
const tx: EndorserTransaction = {
  type: 'endorser',
  txId: 'ab'.repeat(32),
  timestamp: new Date('2025-01-02T03:04:05.678Z'),
  creator: { mspId: 'Org1MSP', certificate: '-----BEGIN CERTIFICATE-----\n…\n' },
  chaincodeName: 'henan-chain',
  fn: 'Licence:issue',
  args: ['电子证照', ''],
  readSet: [{ key: 'a', version: { blockNum: 3n, txNum: 1 } }, { key: 'b', version: null }],
  rangeQueries: [{ startKey: '\u0001', endKey: '', itrExhausted: true, reads: [{ key: 'a', version: { blockNum: 3n, txNum: 1 } }] }],
  writeSet: [{ key: '\u0000licence\u0000L1\u0000', isDelete: false, value: new Uint8Array([1, 2, 3]) }, { key: 'gone', isDelete: true, value: new Uint8Array(0) }],
  event: { eventName: 'Issued', payload: new Uint8Array([9]) },
  response: { status: 200, message: '', payload: new Uint8Array(Buffer.from('{"ok":true}')) },
};

test('transactions and block records decode to what was encoded, and nothing else decodes', (t) => {
  const bytes = encodeTransaction(tx);
  t.deepEqual(decodeTransaction(bytes), tx);
  t.throws(() => decodeTransaction(Buffer.concat([bytes, Buffer.of(0)])), { message: /trailing/ });
  t.throws(() => decodeTransaction(bytes.subarray(0, bytes.length - 1)), { message: /truncated/ });

  const record = { header: { number: 7n, previousHash: new Uint8Array(32), dataHash: new Uint8Array(32).fill(1) }, validationCodes: [0, 12], commitHash: new Uint8Array(32).fill(2) };
  t.deepEqual(decodeBlockRecord(encodeBlockRecord(record)), record);
});

test('the events of a stored block, read from its bytes, are those of the decoded block: one per valid transaction that set one', (t) => {
  const { event: _, ...silent } = tx;
  const transactions = [{ type: 'config' as const, channelId: 'henan', chaincodeName: 'henan-chain', msps: [] }, tx, silent, { ...tx, txId: 'b'.repeat(64) }, { ...tx, txId: 'c'.repeat(64) }];
  const record = { header: { number: 7n, previousHash: new Uint8Array(32), dataHash: new Uint8Array(32) }, validationCodes: [0, 0, 0, 11, 0], commitHash: new Uint8Array(32) };
  const events = storedBlockEvents(record, transactions.map(encodeTransaction));
  t.deepEqual(events, blockEvents({ ...record, transactions }));
  t.deepEqual(events.map((e) => [e.blockNumber, e.transactionId, e.eventName]), [
    [7n, tx.txId, tx.event!.eventName],
    [7n, 'c'.repeat(64), tx.event!.eventName],
  ]);
  t.throws(() => storedBlockEvents(record, [encodeTransaction(tx).subarray(0, 200)]), { message: /truncated/ });
});

test('the timestamp of a stored transaction is read from its bytes as the whole decoding has it', (t) => {
  t.deepEqual(transactionTimestamp(encodeTransaction(tx)), tx.timestamp);
  t.is(transactionTimestamp(encodeTransaction({ type: 'config', channelId: 'henan', chaincodeName: 'henan-chain', msps: [] })), undefined);
});
