import { randomBytes } from 'node:crypto';
import { sign, sm3Hex, toHex } from '@henan-chain/crypto';
import { operationOf, signedBytes } from '@henan-chain/chaincode';
import type { Principal } from './auth/tokens';
import type { KeyStore } from './auth/keystore';
import { ApiError } from './errors';
import type { Ledger, LedgerIdentity } from './ledger/ledger';
import { organisationOf, type Wallet } from './organisations';
import type { Metrics } from './metrics';
import { type GatewayDb, section } from './store';

export interface TransactionReceipt {
  txId: string;
  blockNumber: string;
  blockHash: string;
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
 * What the gateway makes for an agency's request that only a new request needs (a fresh key and its
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
 * and remembered by request id so a retry returns the first result instead of writing again.
 */
export class Submitter {
  private readonly results;
  private readonly inFlight = new Map<string, { fingerprint: string; work: Promise<WriteResult> }>();

  constructor(
    private readonly ledger: Ledger,
    private readonly wallet: Wallet,
    private readonly keys: KeyStore,
    db: GatewayDb,
    private readonly metrics: Metrics,
  ) {
    this.results = section<StoredResult>(db, 'idempotency');
  }

  /** A governance act, submitted with the governance organisation's admin identity. */
  async asGovernance(fn: string, body: Record<string, unknown>): Promise<WriteResult> {
    const org = organisationOf(this.wallet, this.wallet.governanceMspId);
    if (!org) throw new ApiError(503, 'LEDGER_UNAVAILABLE', 'this gateway holds no identity of the governance organisation');
    return this.commit(org.admin, fn, body);
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

    const slot = `${principal.agencyId}\u0000${requestId}`;
    // What the request is: a body the agency signed, as signed; one the gateway signs, as the client sent
    // it. The gateway's key id and what it makes (a new key, a sign time) differ from one try to the next.
    const fingerprint = sm3Hex(signedBytes(selfSigned ? { fn, ...body } : { fn, ...body, requestId, agencyId: principal.agencyId }));
    const replay = () => new ApiError(409, 'REPLAY', `request id ${requestId} was already used for a different request`);
    const running = this.inFlight.get(slot);
    if (running) {
      // The same request arriving twice at once waits for the first; another one under its id is a replay.
      if (running.fingerprint !== fingerprint) throw replay();
      return running.work;
    }
    const work = (async () => {
      const stored = await this.results.get(slot);
      if (stored) {
        if (stored.fingerprint !== fingerprint) throw replay();
        await made?.replayed?.(stored.result);
        return stored.result;
      }
      let result: WriteResult;
      try {
        const signed = selfSigned ? body : await this.signFor(principal.agencyId, { ...body, ...(await made?.fields()), requestId });
        result = await this.commit(org.client, fn, signed);
      } catch (err) {
        await made?.failed?.(err);
        throw err;
      }
      try {
        await this.results.put(slot, { fingerprint, result });
      } finally {
        await made?.committed?.(result);
      }
      return result;
    })();
    this.inFlight.set(slot, { fingerprint, work });
    try {
      return await work;
    } finally {
      this.inFlight.delete(slot);
    }
  }

  private async signFor(agencyId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const key = await this.keys.active(agencyId);
    if (!key) {
      throw new ApiError(422, 'NO_SIGNING_KEY', `the gateway keeps no key for agency ${agencyId}: sign the body yourself (keyId, signature)`);
    }
    const unsigned = { ...body, agencyId, keyId: key.keyId };
    return { ...unsigned, signature: toHex(sign(signedBytes(unsigned), key.privateKey)) };
  }

  private async commit(identity: LedgerIdentity, fn: string, body: Record<string, unknown>): Promise<WriteResult> {
    let committed;
    try {
      committed = await this.ledger.submit(identity, fn, [JSON.stringify(body)]);
      this.metrics.submissions.inc({ fn, outcome: 'committed' });
    } catch (err) {
      this.metrics.submissions.inc({ fn, outcome: err instanceof ApiError ? err.code : 'error' });
      throw err;
    }
    const evidence = await this.ledger.evidence(committed.txId);
    const text = Buffer.from(committed.payload).toString('utf8');
    return {
      transaction: {
        txId: committed.txId,
        blockNumber: committed.blockNumber.toString(),
        blockHash: evidence?.blockHash ?? '',
        timestamp: evidence?.timestamp ?? '',
      },
      record: text ? JSON.parse(text) : null,
    };
  }
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
