import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
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
    found.push({ txId: channelHeader.getTxId(), validationCode, timestamp, ...chaincodeActionOf(payload.getData_asU8()) });
  });
  return found;
}

/** The response payload and chaincode event of a transaction's (first and, from the gateway, only) action. */
function chaincodeActionOf(transactionBytes: Uint8Array): Pick<BlockTransaction, 'payload' | 'event'> {
  const action = peer.Transaction.deserializeBinary(transactionBytes).getActionsList()[0];
  if (!action) return { payload: new Uint8Array() };
  const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array());
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const payload = chaincodeAction.getResponse()?.getPayload_asU8() ?? new Uint8Array();
  const eventBytes = chaincodeAction.getEvents_asU8();
  if (eventBytes.length === 0) return { payload };
  const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
  return { payload, event: { chaincodeId: event.getChaincodeId(), eventName: event.getEventName(), payload: event.getPayload_asU8() } };
}

function requireHeader(block: BlockLike) {
  const header = block.getHeader();
  if (!header) throw new Error('a block without a header');
  return header;
}
