import { createHash } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { blockHeaderBytes } from '@henan-chain/embedded-ledger';

/**
 * What the gateway reads from a Fabric block (common.Block): its number and hash, and each endorser
 * transaction with its validation code, time, the chaincode's response and its chaincode event.
 * Blocks arrive from the peer's Deliver service (block events) and from qscc (GetBlockByTxID).
 */

/** Fabric's common.HeaderType.ENDORSER_TRANSACTION; config transactions carry no chaincode action. */
const ENDORSER_TRANSACTION = 3;
/** Fabric's common.BlockMetadataIndex.TRANSACTIONS_FILTER: one validation code byte per transaction. */
const TRANSACTIONS_FILTER = 2;
/** peer.TxValidationCode.VALID. */
export const VALID = 0;

/** The parts of common.Block the gateway reads (fabric-gateway's and this package's copies alike). */
export interface BlockLike {
  getHeader(): { getNumber(): number; getPreviousHash_asU8(): Uint8Array; getDataHash_asU8(): Uint8Array } | undefined;
  getData(): { getDataList_asU8(): Uint8Array[] } | undefined;
  getMetadata(): { getMetadataList_asU8(): Uint8Array[] } | undefined;
}

export interface BlockTransaction {
  txId: string;
  /** Where its envelope sits in the block's data (config transactions count too). */
  index: number;
  validationCode: number;
  timestamp: Date;
  /** The chaincode's response payload, as the client got it at endorsement. */
  payload: Uint8Array;
  event?: { chaincodeId: string; eventName: string; payload: Uint8Array };
}

export function blockNumberOf(block: BlockLike): bigint {
  return BigInt(requireHeader(block).getNumber());
}

/** SHA-256 of the header's DER encoding, as Fabric hashes blocks (protoutil.BlockHeaderHash). */
export function blockHashOf(block: BlockLike): Uint8Array {
  const header = requireHeader(block);
  const bytes = blockHeaderBytes({ number: BigInt(header.getNumber()), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** The endorser transactions of a block, in block order (config transactions are skipped). */
export function transactionsOf(block: BlockLike): BlockTransaction[] {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
  const found: BlockTransaction[] = [];
  envelopes.forEach((bytes, i) => {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
    if (channelHeader.getType() !== ENDORSER_TRANSACTION) return;
    const seconds = channelHeader.getTimestamp();
    const timestamp = new Date((seconds?.getSeconds() ?? 0) * 1000 + Math.floor((seconds?.getNanos() ?? 0) / 1e6));
    // A transaction the filter does not cover was never validated: treat it as invalid, never as valid.
    const validationCode = filter[i] ?? 255;
    found.push({ txId: channelHeader.getTxId(), index: i, validationCode, timestamp, ...chaincodeActionOf(payload.getData_asU8()) });
  });
  return found;
}

/** The endorsed action of a transaction's first (and, from the gateway, only) action. */
function endorsedActionOf(transactionBytes: Uint8Array): peer.ChaincodeEndorsedAction | undefined {
  const action = peer.Transaction.deserializeBinary(transactionBytes).getActionsList()[0];
  return action && peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
}

/** The response payload and chaincode event of a transaction's action. */
function chaincodeActionOf(transactionBytes: Uint8Array): Pick<BlockTransaction, 'payload' | 'event'> {
  const endorsed = endorsedActionOf(transactionBytes);
  if (!endorsed) return { payload: new Uint8Array() };
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array());
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const payload = chaincodeAction.getResponse()?.getPayload_asU8() ?? new Uint8Array();
  const eventBytes = chaincodeAction.getEvents_asU8();
  if (eventBytes.length === 0) return { payload };
  const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
  return { payload, event: { chaincodeId: event.getChaincodeId(), eventName: event.getEventName(), payload: event.getPayload_asU8() } };
}

/** What each endorsing peer signed: the proposal response payload followed by its serialised identity. */
export interface Endorsements {
  proposalResponsePayload: Uint8Array;
  endorsements: { mspId: string; certificate: string; endorser: Uint8Array; signature: Uint8Array }[];
}

/** The endorsements of the transaction in `envelope` (an endorser transaction's envelope bytes). */
export function endorsementsOf(envelope: Uint8Array): Endorsements {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
  const endorsed = endorsedActionOf(payload.getData_asU8());
  return {
    proposalResponsePayload: endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
    endorsements: (endorsed?.getEndorsementsList() ?? []).map((e) => {
      const identity = msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8());
      return { mspId: identity.getMspid(), certificate: Buffer.from(identity.getIdBytes_asU8()).toString('utf8'), endorser: e.getEndorser_asU8(), signature: e.getSignature_asU8() };
    }),
  };
}

/**
 * The root certificates (PEM) of each application organisation in a config block (the channel's
 * genesis block, or a later config block): what an endorser's certificate must chain to.
 */
export function organisationRootsOf(configBlock: BlockLike): Record<string, string[]> {
  const [envelope] = configBlock.getData()?.getDataList_asU8() ?? [];
  if (!envelope) throw new Error('a config block without its config transaction');
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  const application = config?.getChannelGroup()?.getGroupsMap().get('Application');
  const roots: Record<string, string[]> = {};
  application?.getGroupsMap().forEach((org) => {
    const value = org.getValuesMap().get('MSP');
    if (!value) return;
    const fabricMsp = msp.FabricMSPConfig.deserializeBinary(msp.MSPConfig.deserializeBinary(value.getValue_asU8()).getConfig_asU8());
    roots[fabricMsp.getName()] = fabricMsp.getRootCertsList_asU8().map((c) => Buffer.from(c).toString('utf8'));
  });
  return roots;
}

/** A block header as evidence shows it: number in decimal, hashes in hex. */
export function headerOf(block: BlockLike): { number: string; previousHash: string; dataHash: string } {
  const header = requireHeader(block);
  return { number: String(header.getNumber()), previousHash: Buffer.from(header.getPreviousHash_asU8()).toString('hex'), dataHash: Buffer.from(header.getDataHash_asU8()).toString('hex') };
}

function requireHeader(block: BlockLike) {
  const header = block.getHeader();
  if (!header) throw new Error('a block without a header');
  return header;
}
