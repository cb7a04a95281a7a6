import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, type Contract, type Gateway, type Network, signers } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type { Logger } from 'pino';
import { toHex } from '@henan-chain/crypto';
import type { FabricBlockProof } from '@henan-chain/evidence';
import { retryOnConflict } from '../conflicts';
import { EvidenceCache } from '../evidence-cache';
import type {
  CloseableAsyncIterable,
  Committed,
  CommittedTransaction,
  Ledger,
  LedgerEvent,
  LedgerIdentity,
  PreparedTransaction,
  TransactionEvidence,
} from '../ledger';
import { type BlockLike, type BlockTransaction, VALID, blockHashOf, blockNumberOf, endorsementsOf, headerOf, organisationRootsOf, transactionsOf } from './blocks';
import { apiErrorFromFabric, commitFailure } from './errors';
import type { FabricConnection } from './profile';

/** Deadlines of the calls to the peer: an endorsement runs the chaincode on both organisations' peers. */
const EVALUATE_MS = 10_000;
const ENDORSE_MS = 30_000;
const SUBMIT_MS = 10_000;
const COMMIT_STATUS_MS = 60_000;
/** Pause before the block stream is opened again after the peer dropped it. */
const RECONNECT_MS = 1_000;

/** qscc's answer for a transaction id it does not hold (peer/core/scc/qscc: "entry not found in index"). */
const NOT_FOUND = /not found|no such transaction/i;

const deadline = (ms: number) => () => ({ deadline: Date.now() + ms });

/**
 * The gateway's ledger on a real Fabric network, through the peer's Gateway service
 * (@hyperledger/fabric-gateway 1.11 over @grpc/grpc-js, TLS to the organisation's peer). Writes
 * return after the commit; evidence and committed transactions come from qscc; chaincode events
 * come from whole blocks, so the validation code and block of each event are the chain's own.
 */
export class FabricLedger implements Ledger {
  readonly kind = 'fabric' as const;
  /** Fabric hashes a block header's DER form with SHA-256 (protoutil.BlockHeaderHash). */
  readonly blockHashAlgorithm = 'sha256' as const;
  private readonly gateways = new Map<string, Gateway>();
  private readonly evidenceCache = new EvidenceCache((txId) => this.transaction(txId));
  private roots?: Promise<Record<string, string[]>>;

  private constructor(
    private readonly connection: FabricConnection,
    private readonly client: grpc.Client,
    private readonly log?: Logger,
  ) {}

  /** A ledger on the organisation's peer; nothing is dialled until the first call. */
  static open(connection: FabricConnection, log?: Logger): FabricLedger {
    const { address, tlsRootCert, hostOverride } = connection.peer;
    const client = new grpc.Client(address, grpc.credentials.createSsl(Buffer.from(tlsRootCert)), {
      ...(hostOverride ? { 'grpc.ssl_target_name_override': hostOverride } : {}),
      // Keep the connection alive through idle periods between bursts of writes.
      'grpc.keepalive_time_ms': 60_000,
    });
    return new FabricLedger(connection, client, log);
  }

  submit(identity: LedgerIdentity, fn: string, args: string[]): Promise<Committed> {
    return retryOnConflict(() => this.prepare(identity, fn, args).submit());
  }

  prepare(identity: LedgerIdentity, fn: string, args: string[]): PreparedTransaction {
    const proposal = this.contract(identity).newProposal(fn, { arguments: args });
    const txId = proposal.getTransactionId();
    return {
      txId,
      async submit() {
        try {
          const transaction = await proposal.endorse();
          const submitted = await transaction.submit();
          const status = await submitted.getStatus();
          if (!status.successful) throw commitFailure(status.code, txId);
          return { txId, blockNumber: status.blockNumber, payload: transaction.getResult() };
        } catch (err) {
          throw apiErrorFromFabric(err);
        }
      },
    };
  }

  async evaluate(identity: LedgerIdentity, fn: string, args: string[]): Promise<Uint8Array> {
    try {
      return await this.contract(identity).evaluateTransaction(fn, ...args);
    } catch (err) {
      throw apiErrorFromFabric(err);
    }
  }

  events(startBlock: bigint, endBlock?: bigint): CloseableAsyncIterable<LedgerEvent> {
    const network = this.network(this.connection.client);
    const { chaincode } = this.connection;
    const log = this.log;
    let closed = false;
    let blocks: CloseableAsyncIterable<BlockLike> | undefined;
    return {
      close() {
        closed = true;
        blocks?.close();
      },
      async *[Symbol.asyncIterator]() {
        let next = startBlock;
        while (!closed && (endBlock === undefined || next < endBlock)) {
          try {
            blocks = await network.getBlockEvents({ startBlock: next });
            if (closed) return;
            for await (const block of blocks) {
              const number = blockNumberOf(block);
              for (const tx of transactionsOf(block)) {
                if (tx.validationCode !== VALID || tx.event?.chaincodeId !== chaincode) continue;
                yield { blockNumber: number, transactionId: tx.txId, eventName: tx.event.eventName, payload: tx.event.payload };
              }
              // A block is yielded whole or not at all, so a new stream starts at the next one.
              next = number + 1n;
              if (endBlock !== undefined && next >= endBlock) return;
            }
          } catch (err) {
            if (closed) return;
            // A bounded read (an index rebuild, a progress scan) reports the failure; the live stream
            // rides out a peer restart, resuming after the last whole block it read.
            if (endBlock !== undefined) throw apiErrorFromFabric(err);
            log?.warn({ err: (err as Error).message, next: next.toString() }, 'Fabric block stream interrupted; reconnecting');
            await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
          } finally {
            blocks?.close();
          }
        }
      },
    };
  }

  evidence(txId: string): Promise<TransactionEvidence | undefined> {
    return this.evidenceCache.get(txId);
  }

  async transaction(txId: string): Promise<CommittedTransaction | undefined> {
    const found = await this.blockOf(txId);
    if (!found) return undefined;
    const { block, tx } = found;
    return {
      txId,
      blockNumber: blockNumberOf(block),
      blockHash: toHex(blockHashOf(block)),
      hashAlgorithm: this.blockHashAlgorithm,
      timestamp: tx.timestamp.toISOString(),
      valid: tx.validationCode === VALID,
      payload: tx.payload,
    };
  }

  /**
   * The block header and all of the block's envelopes (SHA-256 over them is the header's data hash),
   * the transaction's endorsements with the endorsers' certificates (each signed the proposal response
   * payload followed by its serialised identity), the organisations' root certificates from the
   * channel's genesis configuration, and the next block's header when there is one (the hash link).
   */
  async transactionProof(txId: string): Promise<FabricBlockProof | undefined> {
    const found = await this.blockOf(txId);
    if (!found) return undefined;
    const { block, tx } = found;
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const { proposalResponsePayload, endorsements } = endorsementsOf(envelopes[tx.index]!);
    const next = await this.blockByNumber(blockNumberOf(block) + 1n);
    return {
      ledger: 'fabric',
      txId,
      hashAlgorithm: 'SHA-256',
      blockNumber: blockNumberOf(block).toString(),
      header: headerOf(block),
      blockHash: toHex(blockHashOf(block)),
      transactionIndex: tx.index,
      transactions: envelopes.map(toHex),
      validationCode: tx.validationCode,
      proposalResponsePayload: toHex(proposalResponsePayload),
      endorsements: endorsements.map((e) => ({ mspId: e.mspId, certificate: e.certificate, endorser: toHex(e.endorser), signature: toHex(e.signature) })),
      organisationRoots: await this.organisationRoots(),
      ...(next ? { next: headerOf(next) } : {}),
    };
  }

  async height(): Promise<bigint> {
    try {
      return BigInt(common.BlockchainInfo.deserializeBinary(await this.qscc('GetChainInfo')).getHeight());
    } catch (err) {
      throw apiErrorFromFabric(err);
    }
  }

  async close(): Promise<void> {
    for (const gateway of this.gateways.values()) gateway.close();
    this.gateways.clear();
    this.client.close();
  }

  /** The block holding `txId` and the transaction in it; undefined when the channel does not hold it. */
  private async blockOf(txId: string): Promise<{ block: common.Block; tx: BlockTransaction } | undefined> {
    const block = await this.notFoundAsUndefined(() => this.qscc('GetBlockByTxID', txId));
    if (!block) return undefined;
    const tx = transactionsOf(block).find((t) => t.txId === txId);
    return tx && { block, tx };
  }

  private blockByNumber(number: bigint): Promise<common.Block | undefined> {
    return this.notFoundAsUndefined(() => this.qscc('GetBlockByNumber', number.toString()));
  }

  /** The organisations' root certificates never change without a config block; read once. */
  private organisationRoots(): Promise<Record<string, string[]>> {
    this.roots ??= this.blockByNumber(0n).then((genesis) => (genesis ? organisationRootsOf(genesis) : {}));
    return this.roots;
  }

  private async notFoundAsUndefined(read: () => Promise<Uint8Array>): Promise<common.Block | undefined> {
    try {
      return common.Block.deserializeBinary(await read());
    } catch (err) {
      if (err instanceof Error && NOT_FOUND.test(`${err.message} ${JSON.stringify((err as { details?: unknown }).details ?? '')}`)) return undefined;
      throw apiErrorFromFabric(err);
    }
  }

  /** The channel's ledger queries (qscc), asked as the organisation's client. */
  private qscc(fn: string, ...args: string[]): Promise<Uint8Array> {
    return this.network(this.connection.client).getContract('qscc').evaluateTransaction(fn, this.connection.channel, ...args);
  }

  private contract(identity: LedgerIdentity): Contract {
    return this.network(identity).getContract(this.connection.chaincode);
  }

  /** One fabric-gateway Gateway per identity (the admin's and the client's), over the one gRPC connection. */
  private network(identity: LedgerIdentity): Network {
    let gateway = this.gateways.get(identity.certificate);
    if (!gateway) {
      gateway = connect({
        client: this.client,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
        signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
        evaluateOptions: deadline(EVALUATE_MS),
        endorseOptions: deadline(ENDORSE_MS),
        submitOptions: deadline(SUBMIT_MS),
        commitStatusOptions: deadline(COMMIT_STATUS_MS),
      });
      this.gateways.set(identity.certificate, gateway);
    }
    return gateway.getNetwork(this.connection.channel);
  }
}
