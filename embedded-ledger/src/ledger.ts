import { blockHash, type Block, type BlockHeader, type ConfigTransaction, type Creator, type EndorserTransaction, type ProposalResponse, type TransactionEvent } from './block';
import { LRUCache } from 'lru-cache';
import { BlockStore } from './blockstore';
import type { ChaincodeLike } from './chaincode';
import { Committer } from './committer';
import { openDb, type Db } from './db';
import {
  CommitError,
  EndorseError,
  GatewayError,
  GrpcStatus,
  TxValidationCode,
  type ErrorDetail,
} from './errors';
import {
  ChaincodeEventStream,
  blockEvents,
  transactionEventOf,
  type ChaincodeEvent,
  type CloseableAsyncIterable,
} from './events';
import { PeerHandler } from './handler';
import { HistoryReader } from './history';
import type { Identity, MspDefinition } from './identities';
import { Membership } from './membership';
import { BlockCutter, type BlockCutting } from './orderer';
import { createProposal, type Proposal } from './proposal';
import type { KVRead, KVWrite, RangeQueryInfo } from './rwset';
import { ShimChaincodeStub, type ShimStub } from './shim';
import { TxSimulator } from './simulator';
import { StateReader } from './statedb';
import { verifyChain, type ChainVerification, type VerifyOptions } from './verify';

export interface EmbeddedLedgerOptions {
  /** Directory of the ledger's LevelDB; created when missing. */
  dataDir: string;
  /** Default 'henan'. */
  channelId?: string;
  /** The namespace the chaincode's state lives in. Default 'henan-chain'. */
  chaincodeName?: string;
  chaincode: ChaincodeLike;
  /** The channel's organisations. Recorded in the genesis block; a reopened ledger must be given the same. */
  msps: MspDefinition[];
  /** The largest block, like the orderer's BatchSize (default 100 transactions); blocks are cut by group commit (see BlockCutter). */
  block?: BlockCutting;
}

/** The result of simulating a proposal: what a peer's endorsement would carry. Nothing is committed. */
export interface Endorsement {
  txId: string;
  timestamp: Date;
  response: ProposalResponse;
  /** Keys read and the versions seen, sorted by key (UTF-8 byte order). */
  readSet: KVRead[];
  /** Range scans and what they returned, for phantom validation. */
  rangeQueries: RangeQueryInfo[];
  /** The last write of each key, sorted by key; deletes are writes with `isDelete`. */
  writeSet: KVWrite[];
  /** The transaction's one chaincode event: the last setEvent. */
  event?: TransactionEvent;
}

/**
 * A proposal made and not yet endorsed: its transaction id is known before anything is sent, as with
 * fabric-gateway's Proposal.getTransactionId(), so a caller can record it before the transaction may commit.
 */
export interface PreparedSubmission {
  readonly txId: string;
  /** Endorses, orders and commits it, as submit() does; once only. */
  submit(): Promise<SubmitResult>;
}

export interface SubmitResult {
  txId: string;
  blockNumber: bigint;
  transactionIndex: number;
  /** The SM3 hash of the block's header, as getTransaction would read it back. */
  blockHash: Uint8Array;
  /** The proposal's timestamp, the transaction's time on the ledger. */
  timestamp: Date;
  payload: Uint8Array;
  event?: ChaincodeEvent;
}

export interface TransactionRecord {
  txId: string;
  blockNumber: bigint;
  transactionIndex: number;
  timestamp: Date;
  creator: Creator;
  fn: string;
  args: string[];
  /** Fabric TxValidationCode: 0 VALID, 11 MVCC_READ_CONFLICT, 12 PHANTOM_READ_CONFLICT. */
  validationCode: number;
  /** The chaincode's response payload, as submit() returned it. */
  payload: Uint8Array;
  event?: ChaincodeEvent;
  blockHash: Uint8Array;
}

/** Where a transaction sits on the chain, without its contents: see EmbeddedLedger.transactionPlace. */
export interface TransactionPlace {
  txId: string;
  blockNumber: bigint;
  transactionIndex: number;
  timestamp: Date;
  /** Fabric TxValidationCode: 0 VALID. */
  validationCode: number;
  blockHash: Uint8Array;
}

/** Blocks whose hash and validation codes are kept for transactionPlace: the most recently asked for. */
const BLOCK_SUMMARIES_KEPT = 1_000;

/** What transactionPlace needs of a committed block: its header's hash and its transactions' validation codes. */
interface BlockSummary {
  hash: Uint8Array;
  validationCodes: number[];
}

/** A transaction with what links it to its block's hash: see EmbeddedLedger.transactionProof. */
export interface TransactionProof {
  txId: string;
  transactionIndex: number;
  header: BlockHeader;
  blockHash: Uint8Array;
  /** The canonical bytes (block.ts encodeTransaction) of every transaction of the block, in order. */
  transactions: Uint8Array[];
  /** Fabric TxValidationCode (0 = VALID): block metadata, chained by the commit hash, not the block hash. */
  validationCode: number;
}

interface OrderedTransaction {
  tx: EndorserTransaction;
  committed(outcome: { block: Block; txNum: number }): void;
  failed(err: unknown): void;
}

const DEFAULT_BLOCK_CUTTING: BlockCutting = { maxTransactions: 100 };

/** The address error details name: the chaincode runs in this process, not on a peer. */
const ENDORSER_ADDRESS = 'embedded';

/**
 * The development ledger of 河南链: the project's Fabric contracts run in this process, through fabric-shim's
 * own stub and contract router, against LevelDB-backed state with Fabric's simulation, ordering and
 * validation semantics, committing into SM3 hash-linked blocks. One process, one set of organisations,
 * no consensus — behaviour is meant to be indistinguishable from a Fabric peer, so that one conformance
 * suite passes against both.
 */
export class EmbeddedLedger {
  private readonly cutter: BlockCutter<OrderedTransaction>;
  private commits: Promise<void> = Promise.resolve();
  private lastBlock: Block | undefined;
  /** Committed blocks never change: the hash and validation codes of those transactionPlace read. */
  private readonly blockSummaries = new LRUCache<bigint, BlockSummary>({ max: BLOCK_SUMMARIES_KEPT });
  private commitSignal = signal();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly streams = new Set<ChaincodeEventStream>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly blocks: BlockStore,
    private readonly committer: Committer,
    private readonly membership: Membership,
    private readonly chaincode: ChaincodeLike,
    private readonly channelId: string,
    private readonly chaincodeName: string,
    cutting: BlockCutting,
  ) {
    this.cutter = new BlockCutter(cutting, (batch) => (this.commits = this.commits.then(() => this.commitBatch(batch))));
  }

  /** Opens the ledger in `dataDir`, writing the genesis block on first use. */
  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    const channelId = options.channelId ?? 'henan';
    const chaincodeName = options.chaincodeName ?? 'henan-chain';
    const membership = new Membership(options.msps, channelId);
    const db = await openDb(options.dataDir);
    try {
      const blocks = new BlockStore(db);
      const tip = (await blocks.readTip()) ?? { height: 0n, currentHash: new Uint8Array(0), commitHash: new Uint8Array(0), eventsFrom: 0n };
      const committer = new Committer(db, tip);
      const config: ConfigTransaction = { type: 'config', channelId, chaincodeName, msps: options.msps };
      if (tip.height === 0n) await committer.commit([config]);
      else await assertSameChannel(blocks, config, options.dataDir);
      const cutting = options.block ?? DEFAULT_BLOCK_CUTTING;
      return new EmbeddedLedger(db, blocks, committer, membership, options.chaincode, channelId, chaincodeName, cutting);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /**
   * Simulates the invocation and returns the endorsement; nothing is ordered or committed. `txId` and
   * `timestamp` may be fixed to reproduce an endorsement byte for byte.
   * @throws {IdentityError} when the identity is not a member of the channel.
   * @throws {EndorseError} when the chaincode answers with an error status.
   */
  async endorse(identity: Identity, fn: string, args: string[], options: { txId?: string; timestamp?: Date } = {}): Promise<Endorsement> {
    const tx = await this.simulate(identity, fn, args, this.propose(fn, args, identity, options));
    assertEndorsed(tx);
    const { txId, timestamp, response, readSet, rangeQueries, writeSet, event } = tx;
    return event ? { txId, timestamp, response, readSet, rangeQueries, writeSet, event } : { txId, timestamp, response, readSet, rangeQueries, writeSet };
  }

  /**
   * Endorses, orders and commits the transaction; resolves only after the block holding it is durably
   * committed.
   * @throws {IdentityError} when the identity is not a member of the channel.
   * @throws {EndorseError} when the chaincode answers with an error status (nothing is ordered).
   * @throws {CommitError} when the transaction was ordered but failed validation (e.g. MVCC_READ_CONFLICT).
   */
  submit(identity: Identity, fn: string, args: string[]): Promise<SubmitResult> {
    return this.prepare(identity, fn, args).submit();
  }

  /** The proposal of a submission, its transaction id known now; submit() it to endorse, order and commit it. */
  prepare(identity: Identity, fn: string, args: string[]): PreparedSubmission {
    this.assertOpen();
    const proposal = this.propose(fn, args, identity, {});
    let submitted = false;
    return {
      txId: proposal.txId,
      submit: () => {
        if (submitted) return Promise.reject(new Error(`transaction ${proposal.txId} was already submitted`));
        submitted = true;
        return this.submitProposal(identity, fn, args, proposal);
      },
    };
  }

  private async submitProposal(identity: Identity, fn: string, args: string[], proposal: Proposal): Promise<SubmitResult> {
    const { tx, committed } = await this.track(async () => {
      const endorsed = await this.simulate(identity, fn, args, proposal);
      assertEndorsed(endorsed);
      return { tx: endorsed, committed: this.order(endorsed) };
    });
    const { block, txNum } = await committed;
    const code = block.validationCodes[txNum]!;
    if (code !== TxValidationCode.VALID) throw new CommitError({ code, transactionId: tx.txId });
    const result: SubmitResult = {
      txId: tx.txId,
      blockNumber: block.header.number,
      transactionIndex: txNum,
      blockHash: block.hash,
      timestamp: tx.timestamp,
      payload: tx.response.payload,
    };
    // Its own event only: the whole block's, searched by each of its transactions, grew with the block squared.
    const event = transactionEventOf(block, txNum);
    return event ? { ...result, event } : result;
  }

  /**
   * Runs the invocation as a query and returns its result; nothing is ordered.
   * @throws {GatewayError} when the chaincode answers with an error status.
   */
  async evaluate(identity: Identity, fn: string, args: string[]): Promise<Uint8Array> {
    const tx = await this.simulate(identity, fn, args, this.propose(fn, args, identity, {}));
    const { status, message } = tx.response;
    if (!succeeded(tx.response)) {
      throw new GatewayError({
        code: GrpcStatus.UNKNOWN,
        message: `${GrpcStatus.UNKNOWN} UNKNOWN: evaluate call to endorser returned error: chaincode response ${status}, ${message}`,
        details: [errorDetail(tx)],
        chaincodeMessage: message,
      });
    }
    return tx.response.payload;
  }

  /**
   * Events of committed valid transactions, from `startBlock` (default: the next block to be committed)
   * in ledger order, then live as blocks commit, until close() — or until the ledger closes. With
   * `endBlock` the stream ends by itself once the blocks before it are delivered (a bounded replay).
   */
  chaincodeEvents(options: { startBlock?: bigint; endBlock?: bigint } = {}): CloseableAsyncIterable<ChaincodeEvent> {
    this.assertOpen();
    const stream = new ChaincodeEventStream(
      {
        height: () => this.committer.height,
        nextCommit: () => this.commitSignal.promise,
        events: (from, to) => this.blockEventsOf(from, to),
      },
      options.startBlock ?? this.committer.height,
      () => this.streams.delete(stream),
      options.endBlock,
    );
    this.streams.add(stream);
    return stream;
  }

  getBlock(blockNumber: bigint): Promise<Block | undefined> {
    return this.track(() => this.blocks.readBlock(blockNumber));
  }

  getTransaction(txId: string): Promise<TransactionRecord | undefined> {
    return this.track(async () => {
      const location = await this.blocks.locate(txId);
      if (!location) return undefined;
      const [tx, record] = await Promise.all([
        this.blocks.readTransaction(location.blockNum, location.txNum),
        this.blocks.readBlockRecord(location.blockNum),
      ]);
      if (tx?.type !== 'endorser' || !record) {
        throw new Error(`the tx-id index names block ${location.blockNum} transaction ${location.txNum}, which does not hold ${txId}`);
      }
      const transaction: TransactionRecord = {
        txId,
        blockNumber: location.blockNum,
        transactionIndex: location.txNum,
        timestamp: tx.timestamp,
        creator: tx.creator,
        fn: tx.fn,
        args: tx.args,
        validationCode: record.validationCodes[location.txNum]!,
        payload: tx.response.payload,
        blockHash: blockHash(record.header),
      };
      if (tx.event) {
        transaction.event = { blockNumber: location.blockNum, transactionId: txId, chaincodeName: tx.chaincodeName, ...tx.event };
      }
      return transaction;
    });
  }

  /**
   * Where `txId` sits (block, index, block hash, timestamp, validation code), read without decoding the
   * transaction or hashing its block's header again: every licence verification shows it as evidence,
   * and getTransaction's whole decode cost about a tenth of one. Undefined when the ledger lacks it.
   */
  transactionPlace(txId: string): Promise<TransactionPlace | undefined> {
    return this.track(async () => {
      const location = await this.blocks.locate(txId);
      if (!location) return undefined;
      const { blockNum: blockNumber, txNum: transactionIndex } = location;
      const [timestamp, summary] = await Promise.all([this.blocks.readTransactionTimestamp(blockNumber, transactionIndex), this.blockSummary(blockNumber)]);
      if (!timestamp || !summary) {
        throw new Error(`the tx-id index names block ${blockNumber} transaction ${transactionIndex}, which does not hold ${txId}`);
      }
      return { txId, blockNumber, transactionIndex, timestamp, validationCode: summary.validationCodes[transactionIndex]!, blockHash: summary.hash };
    });
  }

  private async blockSummary(blockNumber: bigint): Promise<BlockSummary | undefined> {
    const kept = this.blockSummaries.get(blockNumber);
    if (kept) return kept;
    const record = await this.blocks.readBlockRecord(blockNumber);
    if (!record) return undefined;
    const summary = { hash: blockHash(record.header), validationCodes: record.validationCodes };
    this.blockSummaries.set(blockNumber, summary);
    return summary;
  }

  /**
   * What proves `txId` is in its block without trusting this ledger: the block's header, the canonical
   * bytes of every transaction in it (their SM3 is the header's data hash) and the transaction's index.
   * Offline evidence bundles carry it; undefined when the ledger does not hold the transaction.
   */
  transactionProof(txId: string): Promise<TransactionProof | undefined> {
    return this.track(async () => {
      const location = await this.blocks.locate(txId);
      if (!location) return undefined;
      const [record, transactions] = await Promise.all([
        this.blocks.readBlockRecord(location.blockNum),
        this.blocks.readTransactionBytes(location.blockNum),
      ]);
      if (!record) throw new Error(`the tx-id index names block ${location.blockNum}, which is not stored`);
      return {
        txId,
        transactionIndex: location.txNum,
        header: record.header,
        blockHash: blockHash(record.header),
        transactions: transactions.map((bytes) => new Uint8Array(bytes)),
        validationCode: record.validationCodes[location.txNum]!,
      };
    });
  }

  /** The number of committed blocks, genesis included. */
  async height(): Promise<bigint> {
    this.assertOpen();
    return this.committer.height;
  }

  /** Checks every stored block's data hash, hash link and commit hash; reports the first broken block. */
  verifyChain(options: VerifyOptions = {}): Promise<ChainVerification> {
    return this.track(() => verifyChain(this.blocks, options));
  }

  /**
   * Stops taking requests, lets submissions already being endorsed be ordered, commits what is queued,
   * ends event streams and closes the database.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const stream of this.streams) stream.close();
    while (this.inflight.size > 0) await Promise.allSettled(this.inflight);
    this.cutter.cut();
    await this.commits;
    await this.db.close();
  }

  private propose(fn: string, args: string[], identity: Identity, options: { txId?: string; timestamp?: Date }): Proposal {
    return createProposal({ identity, channelId: this.channelId, chaincodeName: this.chaincodeName, fn, args, ...options });
  }

  /** Runs the chaincode on a fresh snapshot of committed state, as a peer endorses a proposal. */
  private simulate(identity: Identity, fn: string, args: string[], proposal: Proposal): Promise<EndorserTransaction> {
    return this.track(async () => {
      await this.membership.validate(identity);
      const { channelId, chaincodeName } = this;
      const { txId } = proposal;
      const snapshot = this.db.snapshot();
      const simulator = new TxSimulator(new StateReader(this.db, snapshot), txId);
      const handler = new PeerHandler(simulator, new HistoryReader(this.db, this.blocks, snapshot), channelId, chaincodeName, txId);
      try {
        const stub = new ShimChaincodeStub(handler, channelId, txId, proposal.input, proposal.signedProposal);
        const { response, event } = await invoke(this.chaincode, stub);
        const tx: EndorserTransaction = {
          type: 'endorser',
          txId,
          timestamp: proposal.timestamp,
          creator: { mspId: identity.mspId, certificate: identity.certificate },
          chaincodeName,
          fn,
          args: [...args],
          ...simulator.results(),
          response,
        };
        if (event) tx.event = event;
        return tx;
      } finally {
        await handler.close();
        await simulator.close();
        await snapshot.close();
      }
    });
  }

  private order(tx: EndorserTransaction): Promise<{ block: Block; txNum: number }> {
    return new Promise((committed, failed) => this.cutter.order({ tx, committed, failed }));
  }

  private async commitBatch(batch: OrderedTransaction[]): Promise<void> {
    let block: Block;
    try {
      block = await this.committer.commit(batch.map((ordered) => ordered.tx));
    } catch (err) {
      for (const ordered of batch) ordered.failed(err);
      return;
    }
    this.lastBlock = block;
    batch.forEach((ordered, txNum) => ordered.committed({ block, txNum }));
    const committed = this.commitSignal;
    this.commitSignal = signal();
    committed.resolve();
  }

  private async blockEventsOf(from: bigint, to: bigint): Promise<ChaincodeEvent[]> {
    // A stream that follows the commits asks for the block just committed, which is still at hand.
    if (to === from + 1n && this.lastBlock?.header.number === from) return blockEvents(this.lastBlock);
    return this.track(() => this.blocks.readEvents(from, to, this.committer.current));
  }

  /** Registers work that close() must wait for before it closes the database. */
  private track<T>(work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const running = work();
    this.inflight.add(running);
    const forget = (): void => void this.inflight.delete(running);
    running.then(forget, forget);
    return running;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('the embedded ledger is closed');
  }
}

/**
 * Calls the chaincode as fabric-shim's handler.js handleMessage does, then reads the event the stub kept
 * (its chaincodeEvent holds only the last setEvent). A response without a status is an error there; an
 * exception escaping Invoke() — which ChaincodeFromContract never lets happen — is reported as status 500
 * here, where a peer would time out.
 */
async function invoke(chaincode: ChaincodeLike, stub: ShimStub): Promise<{ response: ProposalResponse; event?: TransactionEvent }> {
  try {
    const result = await chaincode.Invoke(stub);
    if (!result || !result.status) {
      return { response: errorResponse('Calling chaincode Invoke() has not called success or error.') };
    }
    const response = { status: result.status, message: result.message ?? '', payload: Uint8Array.from(result.payload ?? []) };
    const event = stub.chaincodeEvent;
    return event && succeeded(response)
      ? { response, event: { eventName: event.getEventName(), payload: Uint8Array.from(event.getPayload_asU8()) } }
      : { response };
  } catch (err) {
    return { response: errorResponse(err instanceof Error ? err.message : String(err)) };
  }
}

function errorResponse(message: string): ProposalResponse {
  return { status: 500, message, payload: new Uint8Array(0) };
}

/** The gateway's rule (internal/pkg/gateway/apiutils.go responseStatus): 200 <= status < 400 is success. */
function succeeded(response: ProposalResponse): boolean {
  return response.status >= 200 && response.status < 400;
}

/** Fabric's gateway reports a chaincode error as an ABORTED endorsement, the chaincode's words in the details. */
function assertEndorsed(tx: EndorserTransaction): void {
  if (succeeded(tx.response)) return;
  throw new EndorseError({
    code: GrpcStatus.ABORTED,
    message: `${GrpcStatus.ABORTED} ABORTED: failed to endorse transaction, see attached details for more info`,
    details: [errorDetail(tx)],
    chaincodeMessage: tx.response.message,
    transactionId: tx.txId,
  });
}

function errorDetail(tx: EndorserTransaction): ErrorDetail {
  return {
    address: ENDORSER_ADDRESS,
    mspId: tx.creator.mspId,
    message: `chaincode response ${tx.response.status}, ${tx.response.message}`,
  };
}

/** A reopened ledger must serve the channel its genesis block configured. */
async function assertSameChannel(blocks: BlockStore, expected: ConfigTransaction, dataDir: string): Promise<void> {
  const genesis = await blocks.readTransaction(0n, 0);
  if (genesis?.type !== 'config') throw new Error(`${dataDir} has no genesis configuration block`);
  const describe = (config: ConfigTransaction): string =>
    JSON.stringify({
      channelId: config.channelId,
      chaincodeName: config.chaincodeName,
      msps: [...config.msps].sort((a, b) => (a.mspId < b.mspId ? -1 : 1)).map((m) => [m.mspId, m.rootCertificate.trim()]),
    });
  if (describe(genesis) !== describe(expected)) {
    throw new Error(
      `${dataDir} holds channel ${genesis.channelId} (chaincode ${genesis.chaincodeName}, MSPs ${genesis.msps.map((m) => m.mspId).join(', ')}) ` +
        'whose genesis block differs from the options given: the channel id, chaincode name and MSP definitions must be the same as when it was created',
    );
  }
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
