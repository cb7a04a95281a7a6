import { createHash } from 'node:crypto';
import { Reader, Writer } from './codec';
import type { MspDefinition } from './identities';
import type { KVRead, ReadWriteSet, Version } from './rwset';

/** The submitting identity as recorded in a transaction (Fabric's SerializedIdentity). */
export interface Creator {
  mspId: string;
  certificate: string;
}

/** The chaincode's response to a proposal (Fabric's peer.Response). */
export interface ProposalResponse {
  status: number;
  message: string;
  payload: Uint8Array;
}

/** The one chaincode event a transaction may carry. */
export interface TransactionEvent {
  eventName: string;
  payload: Uint8Array;
}

/** Block 0's only transaction: the channel's configuration (Fabric's genesis config block). */
export interface ConfigTransaction {
  type: 'config';
  channelId: string;
  chaincodeName: string;
  msps: MspDefinition[];
}

/** An endorsed chaincode invocation as ordered into a block. */
export interface EndorserTransaction extends ReadWriteSet {
  type: 'endorser';
  txId: string;
  /** The proposal's timestamp: the client's clock, as Fabric's channel header carries it. */
  timestamp: Date;
  creator: Creator;
  chaincodeName: string;
  fn: string;
  args: string[];
  event?: TransactionEvent;
  response: ProposalResponse;
}

export type BlockTransaction = ConfigTransaction | EndorserTransaction;

export interface BlockHeader {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

export interface Block {
  header: BlockHeader;
  /** SM3 of the header's DER encoding; see {@link blockHash}. */
  hash: Uint8Array;
  transactions: BlockTransaction[];
  /** Fabric TxValidationCode of each transaction, by index (0 = VALID). */
  validationCodes: number[];
  /** Chains the validation codes of this and all earlier blocks; see {@link commitHash}. */
  commitHash: Uint8Array;
}

/** What the block store keeps under 'b': everything about a block except its transactions. */
export interface BlockRecord {
  header: BlockHeader;
  validationCodes: number[];
  commitHash: Uint8Array;
}

/** Fabric's common.HeaderType values for the two kinds of transaction the ledger holds. */
const HEADER_TYPE_CONFIG = 1;
const HEADER_TYPE_ENDORSER_TRANSACTION = 3;

export function sm3(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sm3');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/**
 * The block hash: SM3 over the DER encoding of SEQUENCE { INTEGER number, OCTET STRING previousHash,
 * OCTET STRING dataHash } — exactly the bytes Fabric hashes (protoutil/blockutils.go BlockHeaderBytes,
 * an asn1.Marshal of that struct), with SM3 in place of SHA-256.
 */
export function blockHash(header: BlockHeader): Uint8Array {
  return sm3(blockHeaderBytes(header));
}

/** SM3 over the concatenated transaction bytes, as protoutil ComputeBlockDataHash does with SHA-256. */
export function dataHash(transactions: readonly Uint8Array[]): Uint8Array {
  return sm3(...transactions);
}

/**
 * SM3(u32 count || one byte per validation code || previous commit hash), after Fabric's COMMIT_HASH
 * block metadata (kvledger/kv_ledger.go addBlockCommitHash). Validation codes are metadata outside the
 * header in Fabric, so without this chain a flipped code (an invalid transaction made valid) would go
 * unnoticed; Fabric also mixes in the state updates, which here follow from the data and the codes.
 */
export function commitHash(validationCodes: readonly number[], previous: Uint8Array): Uint8Array {
  return sm3(new Writer().u32(validationCodes.length).finish(), Uint8Array.from(validationCodes), previous);
}

/** The DER bytes of a block header that Fabric hashes (SHA-256 on Fabric, SM3 here). */
export function blockHeaderBytes(header: BlockHeader): Buffer {
  return derValue(
    0x30,
    Buffer.concat([
      derValue(0x02, derUnsignedInteger(header.number)),
      derValue(0x04, header.previousHash),
      derValue(0x04, header.dataHash),
    ]),
  );
}

function derValue(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}

/** Minimal two's complement of a non-negative integer: a leading 0x00 only when the top bit is set. */
function derUnsignedInteger(value: bigint): Buffer {
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes;
}

/**
 * A transaction's canonical bytes, fields in this order (see codec.ts for the primitives):
 *
 *   config:   u8 1 | channelId | chaincodeName | list of (mspId | rootCertificate)
 *   endorser: u8 3 | txId | u64 seconds | u32 nanos | creator mspId | creator certificate |
 *             chaincodeName | fn | list of args | readSet | rangeQueries | writeSet |
 *             bool hasEvent [eventName | payload] | u32 status | message | payload
 *   read:     key | bool hasVersion [u64 block | u32 tx]
 *   range:    startKey | endKey | bool exhausted | list of reads
 *   write:    key | bool isDelete | value
 */
export function encodeTransaction(tx: BlockTransaction): Buffer {
  const w = new Writer();
  if (tx.type === 'config') {
    w.u8(HEADER_TYPE_CONFIG).string(tx.channelId).string(tx.chaincodeName);
    w.list(tx.msps, (msp) => w.string(msp.mspId).string(msp.rootCertificate));
    return w.finish();
  }
  const millis = tx.timestamp.getTime();
  w.u8(HEADER_TYPE_ENDORSER_TRANSACTION).string(tx.txId);
  w.u64(BigInt(Math.floor(millis / 1000))).u32((millis % 1000) * 1_000_000);
  w.string(tx.creator.mspId).string(tx.creator.certificate).string(tx.chaincodeName).string(tx.fn);
  w.list(tx.args, (arg) => w.string(arg));
  const writeRead = (read: KVRead): void => {
    w.string(read.key).bool(read.version !== null);
    if (read.version) w.u64(read.version.blockNum).u32(read.version.txNum);
  };
  w.list(tx.readSet, writeRead);
  w.list(tx.rangeQueries, (range) => {
    w.string(range.startKey).string(range.endKey).bool(range.itrExhausted).list(range.reads, writeRead);
  });
  w.list(tx.writeSet, (write) => w.string(write.key).bool(write.isDelete).bytes(write.value));
  w.bool(tx.event !== undefined);
  if (tx.event) w.string(tx.event.eventName).bytes(tx.event.payload);
  w.u32(tx.response.status).string(tx.response.message).bytes(tx.response.payload);
  return w.finish();
}

export function decodeTransaction(bytes: Buffer): BlockTransaction {
  const r = new Reader(bytes);
  const type = r.u8();
  let tx: BlockTransaction;
  if (type === HEADER_TYPE_CONFIG) {
    tx = {
      type: 'config',
      channelId: r.string(),
      chaincodeName: r.string(),
      msps: r.list(() => ({ mspId: r.string(), rootCertificate: r.string() })),
    };
  } else if (type === HEADER_TYPE_ENDORSER_TRANSACTION) {
    const readRead = (): KVRead => {
      const key = r.string();
      const version: Version | null = r.bool() ? { blockNum: r.u64(), txNum: r.u32() } : null;
      return { key, version };
    };
    const { txId, timestamp } = endorserHead(r);
    const creator = { mspId: r.string(), certificate: r.string() };
    const chaincodeName = r.string();
    const fn = r.string();
    const args = r.list(() => r.string());
    const readSet = r.list(readRead);
    const rangeQueries = r.list(() => ({
      startKey: r.string(),
      endKey: r.string(),
      itrExhausted: r.bool(),
      reads: r.list(readRead),
    }));
    const writeSet = r.list(() => ({ key: r.string(), isDelete: r.bool(), value: r.bytes() }));
    const event = r.bool() ? { eventName: r.string(), payload: r.bytes() } : undefined;
    const response = { status: r.u32(), message: r.string(), payload: r.bytes() };
    tx = { type: 'endorser', txId, timestamp, creator, chaincodeName, fn, args, readSet, rangeQueries, writeSet, response };
    if (event) tx.event = event;
  } else {
    throw new Error(`unknown transaction type ${type}`);
  }
  r.end();
  return tx;
}

/**
 * When a stored endorser transaction was proposed, read without decoding the rest (a verification
 * shows it as evidence); undefined for the config transaction. The bytes are trusted as stored.
 */
export function transactionTimestamp(bytes: Buffer): Date | undefined {
  const r = new Reader(bytes);
  const type = r.u8();
  if (type === HEADER_TYPE_CONFIG) return undefined;
  if (type !== HEADER_TYPE_ENDORSER_TRANSACTION) throw new Error(`unknown transaction type ${type}`);
  return endorserHead(r).timestamp;
}

/** What an endorser transaction starts with, after its type: its id and when it was proposed. */
function endorserHead(r: Reader): { txId: string; timestamp: Date } {
  return { txId: r.string(), timestamp: new Date(Number(r.u64()) * 1000 + r.u32() / 1_000_000) };
}

/** u64 number | previousHash | dataHash | list of u8 validation codes | commitHash */
export function encodeBlockRecord(record: BlockRecord): Buffer {
  const w = new Writer().u64(record.header.number).bytes(record.header.previousHash).bytes(record.header.dataHash);
  w.list(record.validationCodes, (code) => w.u8(code));
  return w.bytes(record.commitHash).finish();
}

export function decodeBlockRecord(bytes: Buffer): BlockRecord {
  const r = new Reader(bytes);
  const header = { number: r.u64(), previousHash: r.bytes(), dataHash: r.bytes() };
  const record = { header, validationCodes: r.list(() => r.u8()), commitHash: r.bytes() };
  r.end();
  return record;
}
