import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { blockHashOf, blockNumberOf, transactionsOf } from './blocks';

/** An envelope as a peer commits it: channel header (type, tx id, time) and one chaincode action. */
function envelope(options: { type?: number; txId: string; seconds: number; response?: string; event?: { chaincodeId: string; name: string; payload: string } }): Uint8Array {
  const timestamp = new Timestamp();
  timestamp.setSeconds(options.seconds);
  timestamp.setNanos(123_456_789);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(options.type ?? 3);
  channelHeader.setTxId(options.txId);
  channelHeader.setTimestamp(timestamp);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());

  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(Buffer.from(options.response ?? ''));
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResponse(response);
  if (options.event) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(options.event.chaincodeId);
    event.setTxId(options.txId);
    event.setEventName(options.event.name);
    event.setPayload(Buffer.from(options.event.payload));
    chaincodeAction.setEvents(event.serializeBinary());
  }
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  return env.serializeBinary();
}

function block(number: number, envelopes: Uint8Array[], validationCodes: number[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(Buffer.alloc(32, 1));
  header.setDataHash(Buffer.alloc(32, 2));
  const data = new common.BlockData();
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), Uint8Array.from(validationCodes), new Uint8Array(), new Uint8Array()]);
  const b = new common.Block();
  b.setHeader(header);
  b.setData(data);
  b.setMetadata(metadata);
  // What arrives from a peer is decoded from bytes: go through them, as the peer's answer does.
  return common.Block.deserializeBinary(b.serializeBinary());
}

test('a block yields its endorser transactions in order with validation code, time, response and chaincode event', (t) => {
  const [a, b] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
  const decoded = transactionsOf(
    block(
      7,
      [
        envelope({ type: 1, txId: '', seconds: 1 }), // a config transaction: no chaincode action
        envelope({ txId: a, seconds: 1_780_000_000, response: '{"licenceId":"x"}', event: { chaincodeId: 'henan-chain', name: 'licence.issued', payload: '{"kind":"licence"}' } }),
        envelope({ txId: b, seconds: 1_780_000_001, response: '' }),
      ],
      [0, 0, 11],
    ),
  );
  t.is(decoded.length, 2);
  t.like(decoded[0], { txId: a, validationCode: 0 });
  t.is(decoded[0]!.timestamp.toISOString(), new Date(1_780_000_000_123).toISOString());
  t.is(Buffer.from(decoded[0]!.payload).toString(), '{"licenceId":"x"}');
  t.deepEqual(decoded[0]!.event && { ...decoded[0]!.event, payload: Buffer.from(decoded[0]!.event.payload).toString() }, {
    chaincodeId: 'henan-chain',
    eventName: 'licence.issued',
    payload: '{"kind":"licence"}',
  });
  t.like(decoded[1], { txId: b, validationCode: 11, event: undefined });
});

test('a transaction beyond the validation filter counts as not validated, never as valid', (t) => {
  const txId = randomBytes(32).toString('hex');
  const [tx] = transactionsOf(block(3, [envelope({ txId, seconds: 5 })], []));
  t.not(tx!.validationCode, 0);
});

test('the block hash is SHA-256 of the header in DER, as Fabric hashes it', (t) => {
  const b = block(128, [], []);
  t.is(blockNumberOf(b), 128n);
  // SEQUENCE { INTEGER 128 (00 80: the top bit needs a leading zero), OCTET STRING prev, OCTET STRING data }
  const der = Buffer.concat([Buffer.from('3048020200800420', 'hex'), Buffer.alloc(32, 1), Buffer.from('0420', 'hex'), Buffer.alloc(32, 2)]);
  t.deepEqual(Buffer.from(blockHashOf(b)), createHash('sha256').update(der).digest());
});
