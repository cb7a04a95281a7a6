import { ledger, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { HistoryReader, KeyModification } from './history';
import { assertValidKey } from './keys';
import {
  HistoryQueryIterator,
  StateQueryIterator,
  type RangeQueryResult,
  type ShimHandler,
} from './shim';
import type { ResultsIterator, TxSimulator } from './simulator';
import type { VersionedKV } from './statedb';

/** Results per message between peer and shim (core/chaincode/chaincode_support.go: MaxResultLimit 100). */
const MAX_RESULT_LIMIT = 100;

/** Results a query may return in total (sampleconfig/core.yaml ledger.state.totalQueryLimit). */
const TOTAL_QUERY_LIMIT = 100_000;

/** An open query: its iterator, already encoding results as the shim expects them, and its progress. */
interface QueryContext {
  next(): Promise<Uint8Array | undefined>;
  bookmarkAndClose(): Promise<string>;
  close(): Promise<void>;
  pending: peer.QueryResultBytes[];
  returned: number;
}

/**
 * The peer's side of one transaction's conversation with fabric-shim's ChaincodeStub, as
 * core/chaincode/handler.go serves it: each stub call is answered from the transaction simulator or the
 * history index, query results go back in batches of MAX_RESULT_LIMIT with further batches on
 * QueryStateNext (query_response_generator.go BuildQueryResponse), and failures reach the chaincode with
 * the peer's wording, `<MESSAGE_TYPE> failed: transaction ID: <txid>: <cause>`.
 *
 * Because results are fetched a batch ahead, as on a peer, a range query over fewer than 100 keys is
 * read to its end even if the contract looks only at the first result — and its phantom check at commit
 * covers the whole range, exactly as Fabric's does.
 */
export class PeerHandler implements ShimHandler {
  private readonly queries = new Map<string, QueryContext>();
  private nextQueryId = 0;

  constructor(
    private readonly simulator: TxSimulator,
    private readonly history: HistoryReader,
    private readonly channelId: string,
    private readonly chaincodeName: string,
    private readonly txId: string,
  ) {}

  handleGetState(collection: string, key: string): Promise<Buffer> {
    return this.serve('GET_STATE', async () => {
      rejectPrivateData(collection);
      // A missing key reaches the chaincode as an empty buffer (handler.js parseResponse of an empty payload).
      return (await this.simulator.getState(key)) ?? Buffer.alloc(0);
    });
  }

  async handlePutState(collection: string, key: string, value: unknown): Promise<Buffer> {
    const bytes = valueBytes(value); // fails in fabric-shim's own encoding, before any message reaches a peer
    return this.serve('PUT_STATE', async () => {
      rejectPrivateData(collection);
      this.simulator.setState(key, bytes);
      return Buffer.alloc(0);
    });
  }

  handleDeleteState(collection: string, key: string): Promise<Buffer> {
    return this.serve('DEL_STATE', async () => {
      rejectPrivateData(collection);
      this.simulator.deleteState(key);
      return Buffer.alloc(0);
    });
  }

  /**
   * handler.go HandleGetStateByRange. Pagination is on when the metadata asks for a page size or gives a
   * bookmark; a non-empty bookmark replaces the start key.
   */
  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    _channelId: string,
    _txId: string,
    metadataBytes?: Uint8Array,
  ): Promise<RangeQueryResult> {
    return this.serve('GET_STATE_BY_RANGE', async () => {
      rejectPrivateData(collection);
      const metadata = metadataBytes?.length ? peer.QueryMetadata.deserializeBinary(metadataBytes) : undefined;
      const paginated = metadata !== undefined && (metadata.getPagesize() !== 0 || metadata.getBookmark() !== '');
      const scan = metadata && paginated
        ? this.simulator.rangeScanWithPagination(metadata.getBookmark() || startKey, endKey, metadata.getPagesize())
        : this.simulator.rangeScan(startKey, endKey);
      const id = this.openQuery(scan, (kv) => this.encodeKV(kv));
      const pageSize = metadata?.getPagesize() ?? 0;
      const limit = pageSize > 0 && pageSize < TOTAL_QUERY_LIMIT ? pageSize : TOTAL_QUERY_LIMIT;
      const { response, metadata: responseMetadata } = await this.buildQueryResponse(id, paginated, limit);
      const iterator = new StateQueryIterator(this, this.channelId, this.txId, response);
      return responseMetadata ? { iterator, metadata: responseMetadata } : { iterator };
    });
  }

  handleQueryStateNext(id: string): Promise<peer.QueryResponse> {
    return this.serve('QUERY_STATE_NEXT', async () => {
      if (!this.queries.has(id)) throw new Error('query iterator not found');
      return (await this.buildQueryResponse(id, false, TOTAL_QUERY_LIMIT)).response;
    });
  }

  handleQueryStateClose(id: string): Promise<peer.QueryResponse> {
    return this.serve('QUERY_STATE_CLOSE', async () => {
      await this.closeQuery(id);
      return queryResponse([], false, id);
    });
  }

  handleGetHistoryForKey(key: string): Promise<object> {
    return this.serve('GET_HISTORY_FOR_KEY', async () => {
      assertValidKey(key);
      const id = this.openQuery(this.history.scan(key), (modification) => this.encodeKeyModification(modification));
      const { response } = await this.buildQueryResponse(id, false, TOTAL_QUERY_LIMIT);
      return new HistoryQueryIterator(this, this.channelId, this.txId, response);
    });
  }

  /** Rich queries need CouchDB; Fabric's LevelDB state database refuses them with this message. */
  handleGetQueryResult(): Promise<never> {
    return this.serve('GET_QUERY_RESULT', async () => {
      throw new Error('ExecuteQuery not supported for leveldb');
    });
  }

  handleGetStateMetadata(): Promise<never> {
    return this.unsupported('GET_STATE_METADATA', 'key-level endorsement policies (state metadata)');
  }

  handlePutStateMetadata(): Promise<never> {
    return this.unsupported('PUT_STATE_METADATA', 'key-level endorsement policies (state metadata)');
  }

  handleGetPrivateDataHash(): Promise<never> {
    return this.unsupported('GET_PRIVATE_DATA_HASH', 'private data collections');
  }

  handlePurgeState(): Promise<never> {
    return this.unsupported('PURGE_PRIVATE_DATA', 'private data collections');
  }

  handleInvokeChaincode(): Promise<never> {
    return this.unsupported('INVOKE_CHAINCODE', 'chaincode-to-chaincode calls (the channel has one chaincode)');
  }

  /** Closes the queries the chaincode left open, as the peer does when the transaction context ends. */
  async close(): Promise<void> {
    await Promise.all([...this.queries.keys()].map((id) => this.closeQuery(id)));
  }

  private openQuery<T>(iterator: ResultsIterator<T>, encode: (result: T) => Uint8Array): string {
    const id = String(this.nextQueryId++);
    this.queries.set(id, {
      next: async () => {
        const result = await iterator.next();
        return result === undefined ? undefined : encode(result);
      },
      bookmarkAndClose: () => iterator.bookmarkAndClose(),
      close: () => iterator.close(),
      pending: [],
      returned: 0,
    });
    return id;
  }

  private async closeQuery(id: string): Promise<void> {
    const query = this.queries.get(id);
    this.queries.delete(id);
    await query?.close();
  }

  /** query_response_generator.go BuildQueryResponse, step for step. */
  private async buildQueryResponse(
    id: string,
    paginated: boolean,
    totalReturnLimit: number,
  ): Promise<{ response: peer.QueryResponse; metadata?: RangeQueryResult['metadata'] }> {
    const query = this.queries.get(id)!;
    try {
      for (;;) {
        if (query.returned >= totalReturnLimit) break;
        const result = await query.next();
        if (result === undefined) break;
        const bytes = new peer.QueryResultBytes();
        bytes.setResultbytes(result);
        if (!paginated && query.pending.length === MAX_RESULT_LIMIT) {
          const batch = query.pending;
          query.pending = [bytes];
          query.returned++;
          return { response: queryResponse(batch, true, id) };
        }
        query.pending.push(bytes);
        query.returned++;
      }
    } catch (err) {
      await this.closeQuery(id);
      throw err;
    }
    const batch = query.pending;
    query.pending = [];
    this.queries.delete(id);
    if (!paginated) {
      await query.close();
      return { response: queryResponse(batch, false, id) };
    }
    const bookmark = await query.bookmarkAndClose();
    const metadata = new peer.QueryResponseMetadata();
    metadata.setBookmark(bookmark);
    metadata.setFetchedRecordsCount(query.returned);
    const metadataBytes = metadata.serializeBinary();
    const response = queryResponse(batch, false, id);
    response.setMetadata(metadataBytes);
    // handler.js hands metadata to the chaincode only when its bytes are non-empty (`if (payload.getMetadata())`).
    return metadataBytes.length > 0
      ? { response, metadata: { bookmark, fetchedRecordsCount: query.returned } }
      : { response };
  }

  private encodeKV(kv: VersionedKV): Uint8Array {
    const result = new ledger.queryresult.KV();
    result.setNamespace(this.chaincodeName);
    result.setKey(kv.key);
    result.setValue(kv.value);
    return result.serializeBinary();
  }

  private encodeKeyModification(modification: KeyModification): Uint8Array {
    const result = new ledger.queryresult.KeyModification();
    result.setTxId(modification.txId);
    result.setValue(modification.value);
    result.setTimestamp(Timestamp.fromDate(modification.timestamp));
    result.setIsDelete(modification.isDelete);
    return result.serializeBinary();
  }

  /** handler.go HandleTransaction: a failed request reaches the chaincode wrapped with its type and txid. */
  private async serve<T>(messageType: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      throw new Error(`${messageType} failed: transaction ID: ${this.txId}: ${cause}`);
    }
  }

  private unsupported(messageType: string, feature: string): Promise<never> {
    return this.serve(messageType, async () => {
      throw new Error(`${feature} are not supported by the embedded ledger`);
    });
  }
}

function queryResponse(results: peer.QueryResultBytes[], hasMore: boolean, id: string): peer.QueryResponse {
  const response = new peer.QueryResponse();
  response.setResultsList(results);
  response.setHasMore(hasMore);
  response.setId(id);
  return response;
}

function rejectPrivateData(collection: string): void {
  if (collection !== '') throw new Error(`private data collections are not supported by the embedded ledger (collection ${collection})`);
}

/**
 * The value bytes the peer would receive. fabric-shim has already turned a string into bytes; its protobuf
 * encoding sends null or undefined as an empty value (a delete) and refuses anything else that is not
 * bytes, with this message.
 */
function valueBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value === null || value === undefined) return new Uint8Array(0);
  throw new Error(`Failure: Cannot coerce to Uint8Array: ${typeof value}`);
}
