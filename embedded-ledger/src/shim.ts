import type { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeStub } from 'fabric-shim';

/**
 * The parts of fabric-shim 2.5.8 the ledger drives that its type declarations leave out. The contracts
 * see fabric-shim's own ChaincodeStub, iterators and contract router, so key validation, composite keys,
 * argument marshalling, ClientIdentity and error handling are the code that runs on a peer; this ledger
 * plays the peer on the other side of the stub.
 */

/**
 * The calls ChaincodeStub makes on its handler (lib/handler.js ChaincodeMessageHandler), each of which
 * becomes one ChaincodeMessage to the peer there. Results have the shapes handler.js parseResponse gives.
 */
export interface ShimHandler {
  handleGetState(collection: string, key: string, channelId: string, txId: string): Promise<Buffer>;
  handlePutState(collection: string, key: string, value: unknown, channelId: string, txId: string): Promise<Buffer>;
  handleDeleteState(collection: string, key: string, channelId: string, txId: string): Promise<Buffer>;
  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    channelId: string,
    txId: string,
    metadata?: Uint8Array,
  ): Promise<RangeQueryResult>;
  handleQueryStateNext(id: string, channelId: string, txId: string): Promise<peer.QueryResponse>;
  handleQueryStateClose(id: string, channelId: string, txId: string): Promise<peer.QueryResponse>;
  handleGetHistoryForKey(key: string, channelId: string, txId: string): Promise<object>;
  handleGetQueryResult(collection: string, query: string, metadata: unknown, channelId: string, txId: string): Promise<never>;
  handleGetStateMetadata(collection: string, key: string, channelId: string, txId: string): Promise<never>;
  handlePutStateMetadata(collection: string, key: string, metakey: string, ep: unknown, channelId: string, txId: string): Promise<never>;
  handleGetPrivateDataHash(collection: string, key: string, channelId: string, txId: string): Promise<never>;
  handlePurgeState(collection: string, key: string, channelId: string, txId: string): Promise<never>;
  handleInvokeChaincode(chaincodeName: string, args: string[], channelId: string, txId: string): Promise<never>;
}

/** What handler.js answers GetStateByRange with: the iterator, and for paginated queries the metadata. */
export interface RangeQueryResult {
  iterator: object;
  metadata?: { bookmark: string; fetchedRecordsCount: number };
}

/** fabric-shim's ChaincodeStub with the fields the handler reads after Invoke (handler.js handleMessage). */
export type ShimStub = ChaincodeStub & { chaincodeEvent?: peer.ChaincodeEvent };

type StubConstructor = new (
  handler: ShimHandler,
  channelId: string,
  txId: string,
  input: peer.ChaincodeInput,
  signedProposal: peer.SignedProposal,
) => ShimStub;

type QueryIteratorConstructor = new (
  handler: ShimHandler,
  channelId: string,
  txId: string,
  response: peer.QueryResponse,
) => object;

type ChaincodeFromContractConstructor = new (
  contractClasses: unknown[],
  serializers: unknown,
  metadata: object,
  title?: string,
  version?: string,
) => object;

const shim = require('fabric-shim') as {
  ChaincodeStub: StubConstructor;
  StateQueryIterator: QueryIteratorConstructor;
  HistoryQueryIterator: QueryIteratorConstructor;
};

export const { ChaincodeStub: ShimChaincodeStub, StateQueryIterator, HistoryQueryIterator } = shim;

export const ChaincodeFromContract =
  require('fabric-shim/lib/contract-spi/chaincodefromcontract') as ChaincodeFromContractConstructor;
