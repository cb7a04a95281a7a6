import { join } from 'node:path';
import { contracts } from '@henan-chain/chaincode';
import {
  CommitError,
  EmbeddedLedger,
  GatewayError,
  chaincodeFromContracts,
  type BlockHeader,
  type MspDefinition,
} from '@henan-chain/embedded-ledger';
import type { EmbeddedBlockProof } from '@henan-chain/evidence';
import { toHex } from '@henan-chain/crypto';
import { ApiError } from '../errors';
import { apiErrorFromChaincode } from './chaincode-errors';
import { conflictError, retryOnConflict } from './conflicts';
import { EvidenceCache } from './evidence-cache';
import type {
  ChainVerification,
  CloseableAsyncIterable,
  Committed,
  CommittedTransaction,
  Ledger,
  LedgerEvent,
  LedgerIdentity,
  PreparedTransaction,
  TransactionEvidence,
} from './ledger';

const MVCC_READ_CONFLICT = 11;
const PHANTOM_READ_CONFLICT = 12;

function isConflict(err: unknown): err is CommitError {
  return err instanceof CommitError && (err.code === MVCC_READ_CONFLICT || err.code === PHANTOM_READ_CONFLICT);
}

function mapError(err: unknown): never {
  // EndorseError (submit) and a plain GatewayError (evaluate) both carry the chaincode's message.
  if (err instanceof GatewayError) throw apiErrorFromChaincode(err.chaincodeMessage);
  if (isConflict(err)) throw conflictError(err.transactionId);
  if (err instanceof CommitError) {
    throw new ApiError(500, 'INTERNAL', `transaction ${err.transactionId} was invalidated at commit (code ${err.code})`);
  }
  throw err;
}

/** The development ledger behind the gateway's Ledger interface (same contracts, same errors). */
export class EmbeddedLedgerAdapter implements Ledger {
  readonly kind = 'embedded' as const;
  readonly blockHashAlgorithm = 'sm3' as const;

  /** Reading evidence from the block store (tx-id index, transaction, block) cost about a fifth of a verification's CPU. */
  private readonly evidenceCache = new EvidenceCache(async (txId) => {
    const place = await this.ledger.transactionPlace(txId);
    if (!place) return undefined;
    const { blockNumber, blockHash, timestamp, validationCode } = place;
    return { txId, blockNumber, blockHash: toHex(blockHash), hashAlgorithm: this.blockHashAlgorithm, timestamp: timestamp.toISOString(), valid: validationCode === 0 };
  });

  private constructor(private readonly ledger: EmbeddedLedger) {}

  static async open(dataDir: string, msps: MspDefinition[]): Promise<EmbeddedLedgerAdapter> {
    const ledger = await EmbeddedLedger.open({
      dataDir: join(dataDir, 'ledger'),
      chaincode: chaincodeFromContracts(contracts),
      msps,
    });
    return new EmbeddedLedgerAdapter(ledger);
  }

  submit(identity: LedgerIdentity, fn: string, args: string[]): Promise<Committed> {
    return retryOnConflict(() => this.prepare(identity, fn, args).submit());
  }

  prepare(identity: LedgerIdentity, fn: string, args: string[]): PreparedTransaction {
    const prepared = this.ledger.prepare(identity, fn, args);
    const { blockHashAlgorithm: hashAlgorithm } = this;
    return {
      txId: prepared.txId,
      async submit() {
        let result;
        try {
          result = await prepared.submit();
        } catch (err) {
          return mapError(err);
        }
        const { txId, blockNumber, payload } = result;
        const evidence = { txId, blockNumber, blockHash: toHex(result.blockHash), hashAlgorithm, timestamp: result.timestamp.toISOString(), valid: true };
        return { txId, blockNumber, payload, evidence };
      },
    };
  }

  async evaluate(identity: LedgerIdentity, fn: string, args: string[]): Promise<Uint8Array> {
    try {
      return await this.ledger.evaluate(identity, fn, args);
    } catch (err) {
      return mapError(err);
    }
  }

  events(startBlock: bigint, endBlock?: bigint): CloseableAsyncIterable<LedgerEvent> {
    // A chaincode event is a LedgerEvent with its chaincode's name: passed on as it is, without a copy per event.
    return this.ledger.chaincodeEvents({ startBlock, endBlock });
  }

  evidence(txId: string): Promise<TransactionEvidence | undefined> {
    return this.evidenceCache.get(txId);
  }

  async transaction(txId: string): Promise<CommittedTransaction | undefined> {
    const tx = await this.ledger.getTransaction(txId);
    if (!tx) return undefined;
    return {
      txId,
      blockNumber: tx.blockNumber,
      blockHash: toHex(tx.blockHash),
      hashAlgorithm: this.blockHashAlgorithm,
      timestamp: tx.timestamp.toISOString(),
      valid: tx.validationCode === 0,
      payload: tx.payload,
    };
  }

  async transactionProof(txId: string): Promise<EmbeddedBlockProof | undefined> {
    const proof = await this.ledger.transactionProof(txId);
    if (!proof) return undefined;
    const headerOf = (h: BlockHeader) => ({ number: h.number.toString(), previousHash: toHex(h.previousHash), dataHash: toHex(h.dataHash) });
    const next = await this.ledger.getBlock(proof.header.number + 1n);
    return {
      ledger: 'embedded',
      txId,
      hashAlgorithm: 'SM3',
      blockNumber: proof.header.number.toString(),
      header: headerOf(proof.header),
      blockHash: toHex(proof.blockHash),
      transactionIndex: proof.transactionIndex,
      transactions: proof.transactions.map(toHex),
      validationCode: proof.validationCode,
      ...(next ? { next: headerOf(next.header) } : {}),
    };
  }

  height(): Promise<bigint> {
    return this.ledger.height();
  }

  verifyChain(onProgress?: (checked: bigint, height: bigint) => void): Promise<ChainVerification> {
    return this.ledger.verifyChain({ onProgress });
  }

  close(): Promise<void> {
    return this.ledger.close();
  }
}
