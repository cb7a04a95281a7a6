/**
 * The one interface between the gateway and a ledger. Two implementations: the embedded
 * development ledger and (later) Fabric through @hyperledger/fabric-gateway. Everything above this
 * file is ledger-agnostic; everything below maps its ledger's errors onto ApiError the same way.
 */

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
}

export interface LedgerEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: Uint8Array;
}

/** Where a transaction sits on the chain: what a verifier is shown as evidence. */
export interface TransactionEvidence {
  txId: string;
  blockNumber: bigint;
  blockHash: string;
  timestamp: string;
  valid: boolean;
}

export interface CloseableAsyncIterable<T> extends AsyncIterable<T> {
  close(): void;
}

export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
  /** Endorses, orders and waits for the commit; resolves only once the transaction is on the ledger. */
  submit(identity: LedgerIdentity, fn: string, args: string[]): Promise<Committed>;
  evaluate(identity: LedgerIdentity, fn: string, args: string[]): Promise<Uint8Array>;
  /**
   * Chaincode events of valid transactions from `startBlock` on, in ledger order, then live; with
   * `endBlock`, only those of the blocks before it, and the stream then ends (an index rebuild).
   */
  events(startBlock: bigint, endBlock?: bigint): CloseableAsyncIterable<LedgerEvent>;
  evidence(txId: string): Promise<TransactionEvidence | undefined>;
  height(): Promise<bigint>;
  close(): Promise<void>;
}
