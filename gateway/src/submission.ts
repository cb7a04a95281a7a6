import { randomBytes } from 'node:crypto';
import { sign, sm3Hex, toHex } from '@henan-chain/crypto';
import { signedBytes } from '@henan-chain/chaincode';
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
 * Every write goes through here: the body is signed (by the agency, or by the gateway with the
 * agency's stored key), submitted with the organisation's Fabric identity, awaited until committed,
 * and remembered by request id so a retry returns the first result instead of writing again.
 */
export class Submitter {
  private readonly results;
  private readonly inFlight = new Map<string, Promise<WriteResult>>();

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

  /** An agency's signed request; `body` may already carry the agency's signature. */
  async asAgency(principal: Principal, fn: string, body: Record<string, unknown>): Promise<WriteResult> {
    if (principal.kind !== 'agency') throw new ApiError(403, 'FORBIDDEN', 'this operation is made by an agency, with an agency token');
    if (body.agencyId !== undefined && body.agencyId !== principal.agencyId) {
      throw new ApiError(403, 'FORBIDDEN', `the token belongs to agency ${principal.agencyId}, the body names ${String(body.agencyId)}`);
    }
    const signed = body.signature === undefined ? await this.signFor(principal.agencyId, body) : body;
    if (typeof signed.requestId !== 'string') throw new ApiError(400, 'VALIDATION_FAILED', 'body.requestId: a signed body must carry its request id');
    const org = organisationOf(this.wallet, principal.mspId);
    if (!org) throw new ApiError(403, 'FORBIDDEN', `this gateway does not serve organisation ${principal.mspId}`);

    const slot = `${principal.agencyId}\u0000${signed.requestId}`;
    const fingerprint = sm3Hex(signedBytes({ fn, ...signed }));
    const running = this.inFlight.get(slot);
    if (running) return running; // the same request arriving twice at once waits for the first
    const work = (async () => {
      const stored = await this.results.get(slot);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          throw new ApiError(409, 'REPLAY', `request id ${String(signed.requestId)} was already used for a different request`);
        }
        return stored.result;
      }
      const result = await this.commit(org.client, fn, signed);
      await this.results.put(slot, { fingerprint, result });
      return result;
    })();
    this.inFlight.set(slot, work);
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
    const unsigned = {
      ...body,
      requestId: body.requestId ?? `gw-${toHex(randomBytes(12))}`,
      agencyId,
      keyId: key.keyId,
    };
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
 * agency signed itself must already carry them, unchanged, since the signature covers them.
 */
export function bindFields(body: Record<string, unknown>, bound: Record<string, unknown>): Record<string, unknown> {
  if (body.signature === undefined) return { ...body, ...bound };
  for (const [name, value] of Object.entries(bound)) {
    if (body[name] !== value) {
      throw new ApiError(400, 'VALIDATION_FAILED', `body.${name}: a signed body must carry ${name} = ${JSON.stringify(value)} (from the path)`);
    }
  }
  return body;
}
