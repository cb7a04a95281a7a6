import { randomBytes } from 'node:crypto';
import { sign, sm3Hex, toHex } from '@henan-chain/crypto';
import { operationOf, signedBytes } from '@henan-chain/chaincode';
import type { Principal } from './auth/tokens';
import type { KeyStore } from './auth/keystore';
import { ApiError } from './errors';
import type { BlockHashAlgorithm, Ledger, LedgerIdentity } from './ledger/ledger';
import { retryOnConflict } from './ledger/conflicts';
import { organisationOf, type Wallet } from './organisations';
import type { Metrics } from './metrics';
import { type GatewayDb, section } from './store';

export interface TransactionReceipt {
  txId: string;
  blockNumber: string;
  blockHash: string;
  hashAlgorithm: BlockHashAlgorithm;
  timestamp: string;
}

export interface WriteResult {
  transaction: TransactionReceipt;
  record: unknown;
}

interface StoredResult {
  fingerprint: string;
  result: WriteResult;
}

/**
 * A write under a request id whose outcome the gateway has not seen through: kept before each
 * submission with every transaction id it was given, so that after a crash the first result is
 * rebuilt from the transaction the ledger committed, not written again.
 */
interface Intent {
  fingerprint: string;
  txIds: string[];
}

/** How a write is idempotent: its slot (who and which request id) and what the request is. */
interface Idempotency {
  slot: string;
  requestId: string;
  fingerprint: string;
}

/**
 * What the gateway makes for a request (an agency's or governance's) that only a new request needs (a fresh key and its
 * proof of possession, a sign time and the seal's signature over it): made once the request id is
 * known to be new, so a retry is judged by what the client sent and gets the first result.
 */
export interface GatewayMade {
  /** Fields added to the request before the gateway signs it. */
  fields(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Runs when the request, once fields() ran, fails before or in its submission (e.g. dropping the new key). */
  failed?(err: unknown): Promise<void>;
  /**
   * Runs once the request is committed and its result kept (e.g. keeping the new key): when it
   * fails, a retry of the request gets that result and runs replayed().
   */
  committed?(result: WriteResult): Promise<void>;
  /** Runs when a retry of the request gets its first result (e.g. settling a new key not yet kept). */
  replayed?(result: WriteResult): Promise<void>;
}

/**
 * Every write goes through here: the body is signed (by the agency, or by the gateway with the
 * agency's stored key), submitted with the organisation's Fabric identity, awaited until committed,
 * and remembered by request id so a retry returns the first result instead of writing again, also
 * when the gateway stopped between the commit and keeping that result (see Intent).
 */
export class Submitter {
  private readonly results;
  private readonly intents;
  private readonly inFlight = new Map<string, { fingerprint: string; work: Promise<WriteResult> }>();

  constructor(
    private readonly ledger: Ledger,
    private readonly wallet: Wallet,
    private readonly keys: KeyStore,
    private readonly db: GatewayDb,
    private readonly metrics: Metrics,
  ) {
    this.results = section<StoredResult>(db, 'idempotency');
    this.intents = section<Intent>(db, 'intents');
  }

  /**
   * Settles every write left unsettled by a stop (at start, before any request is served): those the
   * ledger committed get their first result kept; the others stay, and a retry settles or submits them.
   */
  async settleAll(): Promise<{ committed: number; open: number }> {
    const counts = { committed: 0, open: 0 };
    for await (const slot of this.intents.keys()) {
      if (await this.settle(slot)) counts.committed++;
      else counts.open++;
    }
    return counts;
  }

  /**
   * A governance act, submitted with the governance organisation's admin identity; with a request id
   * (kept by the gateway, not on chain), a retry gets the first result. `made` as for asAgency.
   */
  async asGovernance(fn: string, body: Record<string, unknown>, options: { requestId?: string; made?: GatewayMade } = {}): Promise<WriteResult> {
    const org = organisationOf(this.wallet, this.wallet.governanceMspId);
    if (!org) throw new ApiError(503, 'LEDGER_UNAVAILABLE', 'this gateway holds no identity of the governance organisation');
    const { requestId, made } = options;
    const once = requestId === undefined ? undefined : { slot: `governance\u0000${requestId}`, requestId, fingerprint: sm3Hex(signedBytes({ fn, ...body })) };
    return this.once(once, made, async (record) => this.commit(org.admin, fn, { ...body, ...(await made?.fields()) }, record));
  }

  /**
   * An agency's signed request for chaincode transaction `fn`; `body` may already carry the agency's
   * signature, over the `operation` that names `fn`. For a body the gateway signs, `made` adds what
   * the gateway makes for a new request (never for a retry).
   */
  async asAgency(principal: Principal, fn: string, request: Record<string, unknown>, made?: GatewayMade): Promise<WriteResult> {
    if (principal.kind !== 'agency') throw new ApiError(403, 'FORBIDDEN', 'this operation is made by an agency, with an agency token');
    if (request.agencyId !== undefined && request.agencyId !== principal.agencyId) {
      throw new ApiError(403, 'FORBIDDEN', `the token belongs to agency ${principal.agencyId}, the body names ${String(request.agencyId)}`);
    }
    const body = bindFields(request, { operation: operationOf(fn) });
    const selfSigned = body.signature !== undefined;
    if (selfSigned && made) throw new Error(`${fn}: the gateway makes no fields for a body the agency signed itself`);
    const requestId = selfSigned ? body.requestId : (body.requestId ?? `gw-${toHex(randomBytes(12))}`);
    if (typeof requestId !== 'string') throw new ApiError(400, 'VALIDATION_FAILED', 'body.requestId: a signed body must carry its request id');
    const org = organisationOf(this.wallet, principal.mspId);
    if (!org) throw new ApiError(403, 'FORBIDDEN', `this gateway does not serve organisation ${principal.mspId}`);
    // What the request is: a body the agency signed, as signed; one the gateway signs, as the client sent
    // it. The gateway's key id and what it makes (a new key, a sign time) differ from one try to the next.
    const fingerprint = sm3Hex(signedBytes(selfSigned ? { fn, ...body } : { fn, ...body, requestId, agencyId: principal.agencyId }));
    const once = { slot: `${principal.agencyId}\u0000${requestId}`, requestId, fingerprint };
    return this.once(once, made, async (record) => {
      const signed = selfSigned ? body : await this.signFor(principal.agencyId, { ...body, ...(await made?.fields()), requestId });
      return this.commit(org.client, fn, signed, record);
    });
  }

  /**
   * Runs `submit` for a request not seen before; a retry (same slot and fingerprint) gets the first
   * result, waiting for it while the first is in flight; another request under the slot is a REPLAY.
   * `submit` is handed `record`, to keep each transaction id in the slot's intent before it is sent.
   */
  private async once(
    once: Idempotency | undefined,
    made: GatewayMade | undefined,
    submit: (record?: (txId: string) => Promise<void>) => Promise<WriteResult>,
  ): Promise<WriteResult> {
    if (!once) return this.submitNew(made, () => submit());
    const { slot, requestId, fingerprint } = once;
    const replay = () => new ApiError(409, 'REPLAY', `request id ${requestId} was already used for a different request`);
    const running = this.inFlight.get(slot);
    if (running) {
      // The same request arriving twice at once waits for the first; another one under its id is a replay.
      if (running.fingerprint !== fingerprint) throw replay();
      return running.work;
    }
    const work = (async () => {
      const settled = await this.settle(slot);
      if (settled) {
        if (settled.fingerprint !== fingerprint) throw replay();
        await made?.replayed?.(settled.result);
        return settled.result;
      }
      const intent = this.intents.getSync(slot);
      if (intent && intent.fingerprint !== fingerprint) throw replay();
      const txIds = [...(intent?.txIds ?? [])];
      const record = async (txId: string) => {
        txIds.push(txId);
        await this.intents.put(slot, { fingerprint, txIds });
      };
      try {
        return await this.submitNew(made, () => submit(record), (result) => this.keep(slot, { fingerprint, result }));
      } catch (err) {
        // The chaincode refused a request id it has seen: when it saw it in one of our own
        // transactions (committed, then its outcome lost), that transaction holds the first result.
        const first = replayedTxId(err);
        const settled = first !== undefined && txIds.includes(first) ? await this.settle(slot) : undefined;
        if (settled) {
          await made?.replayed?.(settled.result);
          return settled.result;
        }
        // Refused before ordering (a 4xx): nothing of this request is on the ledger.
        if (err instanceof ApiError && err.status < 500 && err.code !== 'LEDGER_CONFLICT') await this.intents.del(slot);
        throw err;
      }
    })();
    this.inFlight.set(slot, { fingerprint, work });
    try {
      return await work;
    } finally {
      this.inFlight.delete(slot);
    }
  }

  /**
   * Runs a new request's submission and keeps its result, telling what the gateway made for it the
   * outcome (made.committed runs even when keeping the result failed).
   */
  private async submitNew(made: GatewayMade | undefined, submit: () => Promise<WriteResult>, keep?: (result: WriteResult) => Promise<void>): Promise<WriteResult> {
    let result: WriteResult;
    try {
      result = await submit();
    } catch (err) {
      await made?.failed?.(err);
      throw err;
    }
    try {
      await keep?.(result);
    } finally {
      await made?.committed?.(result);
    }
    return result;
  }

  /**
   * The slot's first result: kept, or rebuilt from the committed transaction its intent names. The
   * reads are synchronous: LevelDB answers them from memory, sparing each write two trips through
   * libuv's thread pool.
   */
  private async settle(slot: string): Promise<StoredResult | undefined> {
    const stored = this.results.getSync(slot);
    if (stored) return stored;
    const intent = this.intents.getSync(slot);
    if (!intent) return undefined;
    for (const txId of intent.txIds) {
      const tx = await this.ledger.transaction(txId);
      if (!tx?.valid) continue;
      const settled = { fingerprint: intent.fingerprint, result: writeResult(tx, tx.payload) };
      await this.keep(slot, settled);
      return settled;
    }
    return undefined;
  }

  private async keep(slot: string, stored: StoredResult): Promise<void> {
    await this.db.batch([
      { type: 'put', sublevel: this.results, key: slot, value: stored },
      { type: 'del', sublevel: this.intents, key: slot },
    ]);
  }

  private async signFor(agencyId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const key = await this.keys.active(agencyId);
    if (!key) {
      throw new ApiError(422, 'NO_SIGNING_KEY', `the gateway keeps no key for agency ${agencyId}: sign the body yourself (keyId, signature)`);
    }
    // A key named in the body is the client's claim of what signs: another than this one is refused, not overridden.
    if (body.keyId !== undefined && body.keyId !== key.keyId) {
      throw new ApiError(400, 'VALIDATION_FAILED', `body.keyId: ${JSON.stringify(body.keyId)} is not the key the gateway signs with for agency ${agencyId} (${key.keyId}); leave keyId out, or sign the body yourself`);
    }
    const unsigned = { ...body, agencyId, keyId: key.keyId };
    // Remembered: the chaincode's check of this very signature, in this process, need not redo the curve arithmetic.
    return { ...unsigned, signature: toHex(sign(signedBytes(unsigned), key.privateKey, { remember: true })) };
  }

  /**
   * Submits and awaits the commit, a fresh proposal on each MVCC conflict; with `record`, each
   * proposal's transaction id is recorded before it is sent.
   */
  private async commit(identity: LedgerIdentity, fn: string, body: Record<string, unknown>, record?: (txId: string) => Promise<void>): Promise<WriteResult> {
    let committed;
    try {
      committed = await retryOnConflict(async () => {
        const prepared = this.ledger.prepare(identity, fn, [JSON.stringify(body)]);
        await record?.(prepared.txId);
        return prepared.submit();
      });
      this.metrics.submissions.inc({ fn, outcome: 'committed' });
    } catch (err) {
      this.metrics.submissions.inc({ fn, outcome: err instanceof ApiError ? err.code : 'error' });
      throw err;
    }
    const evidence = committed.evidence ?? (await this.ledger.evidence(committed.txId));
    return writeResult(
      { txId: committed.txId, blockNumber: committed.blockNumber, blockHash: evidence?.blockHash ?? '', hashAlgorithm: this.ledger.blockHashAlgorithm, timestamp: evidence?.timestamp ?? '' },
      committed.payload,
    );
  }
}

/** A write's result as the gateway returns it: where the transaction sits and the chaincode's answer. */
function writeResult(tx: Omit<TransactionReceipt, 'blockNumber'> & { blockNumber: bigint }, payload: Uint8Array): WriteResult {
  const text = Buffer.from(payload).toString('utf8');
  return {
    transaction: { txId: tx.txId, blockNumber: tx.blockNumber.toString(), blockHash: tx.blockHash, hashAlgorithm: tx.hashAlgorithm, timestamp: tx.timestamp },
    record: text ? JSON.parse(text) : null,
  };
}

/** The first transaction id a chaincode REPLAY refusal names, if the error is one. */
function replayedTxId(err: unknown): string | undefined {
  if (!(err instanceof ApiError) || err.code !== 'REPLAY') return undefined;
  const first = (err.details as { firstTxId?: unknown } | undefined)?.firstTxId;
  return typeof first === 'string' ? first : undefined;
}

/**
 * Puts fields the path names (e.g. the licence id of /v1/licences/:id/revoke) into a body. A body the
 * agency signed itself must already carry them, unchanged, since the signature covers them; any other
 * body may leave them out, but one that names another record than the path is refused, not overridden.
 */
export function bindFields(body: Record<string, unknown>, bound: Record<string, unknown>): Record<string, unknown> {
  const signed = body.signature !== undefined;
  for (const [name, value] of Object.entries(bound)) {
    if (body[name] === value || (!signed && body[name] === undefined)) continue;
    const message = signed
      ? `a signed body must carry ${name} = ${JSON.stringify(value)} (from the path)`
      : `${JSON.stringify(body[name])} is not the path\u2019s ${JSON.stringify(value)}`;
    throw new ApiError(400, 'VALIDATION_FAILED', `body.${name}: ${message}`);
  }
  return signed ? body : { ...body, ...bound };
}
