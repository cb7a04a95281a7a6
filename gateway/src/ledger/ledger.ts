/**
 * The one interface between the gateway and a ledger. Two implementations: the embedded
 * development ledger and (later) Fabric through @hyperledger/fabric-gateway. Everything above this
 * file is ledger-agnostic; everything below maps its ledger's errors onto ApiError the same way.
 */

import type { ChainVerification } from '@henan-chain/embedded-ledger';
import type { LedgerProof } from '@henan-chain/evidence';

export type { ChainVerification };

/** A Fabric identity (ECDSA P-256 X.509) the gateway submits with; one per organisation it serves. */
export interface LedgerIdentity {
  mspId: string;
  certificate: string;
  privateKey: string;
}

export interface Committed {
  txId: string;
  blockNumber: bigint;
  payload: Uint8Array;
  /** The transaction's evidence, when the ledger knows it at commit (the embedded ledger does): no lookup then. */
  evidence?: TransactionEvidence;
}

export interface LedgerEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: Uint8Array;
}

/** The hash a ledger's block hashes are made with: Fabric's SHA-256, the embedded ledger's SM3. */
export type BlockHashAlgorithm = 'sha256' | 'sm3';

/** Where a transaction sits on the chain: what a verifier is shown as evidence. */
export interface TransactionEvidence {
  txId: string;
  blockNumber: bigint;
  blockHash: string;
  /** What `blockHash` is a hash with, so a third party checks it against any peer's copy of the chain. */
  hashAlgorithm: BlockHashAlgorithm;
  timestamp: string;
  valid: boolean;
}

/** A committed transaction with the chaincode's response payload as it was returned then. */
export interface CommittedTransaction extends TransactionEvidence {
  payload: Uint8Array;
}

/**
 * A transaction proposed and not yet endorsed, its id known before it is sent (fabric-gateway:
 * Contract.newProposal, then Proposal.getTransactionId), so the gateway can record the id first.
 */
export interface PreparedTransaction {
  readonly txId: string;
  /**
   * Endorses, orders and waits for the commit, like Ledger.submit but once, without re-proposing: a
   * transaction invalidated by an MVCC or phantom read conflict throws ApiError LEDGER_CONFLICT.
   */
  submit(): Promise<Committed>;
}

export interface CloseableAsyncIterable<T> extends AsyncIterable<T> {
  close(): void;
}

export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
  readonly blockHashAlgorithm: BlockHashAlgorithm;
  /** Endorses, orders and waits for the commit; resolves only once the transaction is on the ledger. */
  submit(identity: LedgerIdentity, fn: string, args: string[]): Promise<Committed>;
  /** A proposal whose transaction id is known before anything is sent; nothing happens until its submit(). */
  prepare(identity: LedgerIdentity, fn: string, args: string[]): PreparedTransaction;
  evaluate(identity: LedgerIdentity, fn: string, args: string[]): Promise<Uint8Array>;
  /**
   * Chaincode events of valid transactions from `startBlock` on, in ledger order, then live; with
   * `endBlock`, only those of the blocks before it, and the stream then ends (an index rebuild).
   */
  events(startBlock: bigint, endBlock?: bigint): CloseableAsyncIterable<LedgerEvent>;
  evidence(txId: string): Promise<TransactionEvidence | undefined>;
  /**
   * The transaction `txId` as committed, valid or not, with the chaincode's response payload (Fabric:
   * qscc GetTransactionByID, the ChaincodeAction's response in its ProposalResponsePayload); undefined
   * when the ledger does not hold it. How the gateway rebuilds a write's first result after a crash.
   */
  transaction(txId: string): Promise<CommittedTransaction | undefined>;
  /**
   * What links transaction `txId` to a block hash, for offline evidence bundles (henan-chain/evidence-bundle/v1):
   * embedded, the block header, the canonical bytes of the block's transactions and the next block's header;
   * Fabric, the block header and the endorsements with the endorsers' certificates. Undefined when the ledger
   * does not hold the transaction.
   */
  transactionProof(txId: string): Promise<LedgerProof | undefined>;
  height(): Promise<bigint>;
  /**
   * Re-derives the block hash chain from the stored blocks (data hash, previous-hash link, commit hash)
   * and reports the first broken link. Only a ledger whose blocks this process holds can offer it: a
   * Fabric peer keeps its own.
   */
  verifyChain?(onProgress?: (checked: bigint, height: bigint) => void): Promise<ChainVerification>;
  close(): Promise<void>;
}
