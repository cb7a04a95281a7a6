import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { createHash, randomFillSync } from 'node:crypto';
import type { Identity } from './identities';

/** A transaction proposal as a client builds it and a peer hands it to the chaincode shim. */
export interface Proposal {
  txId: string;
  timestamp: Date;
  /** The invocation's arguments, `[fn, ...args]` as bytes (the peer's ChaincodeMessage payload). */
  input: peer.ChaincodeInput;
  signedProposal: peer.SignedProposal;
}

/** common/crypto/random.go NonceSize. */
const NONCE_SIZE = 24;

/**
 * Builds the proposal the way a Fabric client does (fabric-gateway proposalbuilder.ts, protoutil/proputils.go):
 * the creator is the serialized identity (MSP id + PEM), the transaction id is hex SHA-256(nonce || creator)
 * with a fresh 24-byte nonce (proputils.go ComputeTxID), and the timestamp is the client's clock — the only
 * time a contract can see, through getTxTimestamp / getDateTimestamp. A caller-chosen `txId` replaces the
 * computed one (for deterministic re-endorsement); Fabric would refuse such a proposal, so the ledger never
 * orders one. The proposal is not signed: the embedded ledger authenticates the identity by its
 * certificate, and its signature field stays empty.
 */
export function createProposal(options: {
  identity: Identity;
  channelId: string;
  chaincodeName: string;
  fn: string;
  args: readonly string[];
  txId?: string;
  timestamp?: Date;
}): Proposal {
  const timestamp = options.timestamp ?? new Date();
  if (Number.isNaN(timestamp.getTime()) || timestamp.getTime() < 0) {
    throw new RangeError(`invalid proposal timestamp ${String(options.timestamp)}`);
  }

  const creatorBytes = serializedIdentity(options.identity);
  const nonce = nextNonce();
  const txId = options.txId ?? createHash('sha256').update(nonce).update(creatorBytes).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(options.chaincodeName);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(options.channelId);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(timestamp));
  channelHeader.setExtension$(extension.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList([options.fn, ...options.args].map((arg) => Buffer.from(arg, 'utf8')));
  const spec = new peer.ChaincodeSpec();
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const signedProposal = new peer.SignedProposal();
  signedProposal.setProposalBytes(proposal.serializeBinary());

  return { txId, timestamp, input, signedProposal };
}

/** Identities that send proposals are few and send many: each one's serialized form, by certificate. */
const serializedIdentities = new Map<string, { mspId: string; bytes: Uint8Array }>();

/** More than the identities of any channel this ledger serves; past it the cache starts again. */
const MAX_IDENTITIES = 1_000;

/** msp.SerializedIdentity of the identity (MSP id and PEM), made once per identity. */
function serializedIdentity(identity: Identity): Uint8Array {
  const kept = serializedIdentities.get(identity.certificate);
  if (kept?.mspId === identity.mspId) return kept.bytes;
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(Buffer.from(identity.certificate, 'utf8'));
  const bytes = creator.serializeBinary();
  if (serializedIdentities.size >= MAX_IDENTITIES) serializedIdentities.clear();
  serializedIdentities.set(identity.certificate, { mspId: identity.mspId, bytes });
  return bytes;
}

/**
 * Nonces are cut from a pool the CSPRNG fills 170 at a time: a randomBytes call per proposal cost more
 * than the rest of the nonce's handling. Each nonce is a fresh copy, never handed out twice.
 */
const noncePool = Buffer.alloc(NONCE_SIZE * 170);
let nonceOffset = noncePool.length;

function nextNonce(): Buffer {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(nonceOffset, nonceOffset + NONCE_SIZE));
  nonceOffset += NONCE_SIZE;
  return nonce;
}
