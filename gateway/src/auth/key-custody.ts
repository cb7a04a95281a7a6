import type { Logger } from 'pino';
import type { Agency, Seal } from '@henan-chain/chaincode';
import { ApiError } from '../errors';
import { sealIdOfKeyOwner } from '../seals/model';
import type { Services } from '../services';
import type { GatewayMade } from '../submission';
import type { KeyStore, Reconciled } from './keystore';

/** The public keys the chain holds for a key-store owner, oldest first (none for a record not on chain). */
export type ChainKeys = (owner: string) => Promise<string[]>;

/** An agency's keys from its record, or a seal's key from the seal's (owners `seal-<sealId>`). */
export function chainKeysOf(query: Services['query']): ChainKeys {
  return async (owner) => {
    const sealId = sealIdOfKeyOwner(owner);
    try {
      if (sealId !== undefined) return [(await query<Seal>('seal:get', sealId)).publicKey];
      return (await query<Agency>('agency:get', owner)).keys.map((k) => k.publicKey);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') return [];
      throw err;
    }
  };
}

/**
 * The custody of keys the gateway makes for records on chain (an agency's key, a seal's key): each is
 * kept pending before the request that registers it is submitted, promoted once that request is
 * committed, deleted when the ledger refuses it, and otherwise (a crash, a failed promotion, an
 * outcome unknown) settled later against the chain: at start and on a replay of the request.
 */
export class KeyCustody {
  constructor(
    readonly keys: KeyStore,
    private readonly chainKeys: ChainKeys,
    private readonly log: Logger,
  ) {}

  /** Settles every owner's pending keys with the chain (at start, before any request is served). */
  async reconcileAll(): Promise<void> {
    for (const owner of await this.keys.pendingOwners()) await this.reconcile(owner);
  }

  /** Promotes the owner's pending keys that are on chain and deletes the others (leaving those in flight). */
  async reconcile(owner: string): Promise<Reconciled> {
    if ((await this.keys.pending(owner)).length === 0) return { promoted: [], deleted: [] };
    const outcome = await this.keys.reconcile(owner, await this.chainKeys(owner));
    if (outcome.promoted.length + outcome.deleted.length > 0) this.log.warn({ owner, ...outcome }, 'pending keys settled with the chain');
    return outcome;
  }

  /**
   * What the gateway makes for a request (an agency's or governance's) that registers a new key of `owner`: `make` gives
   * the key and the fields it adds to the request. Kept pending while the request is submitted,
   * promoted once it is committed; a replay of the request settles a key whose promotion failed.
   */
  made(owner: string, make: () => { privateKey: Uint8Array; fields: Record<string, unknown> }): GatewayMade {
    let keyId: string | undefined;
    return {
      fields: async () => {
        const { privateKey, fields } = make();
        keyId = (await this.keys.addPending(owner, privateKey)).keyId;
        return fields;
      },
      failed: async (err) => {
        if (keyId !== undefined) await this.failed(owner, keyId, err);
      },
      committed: async () => {
        await this.keys.promote(owner, keyId!);
      },
      replayed: async () => {
        await this.reconcile(owner);
      },
    };
  }

  /**
   * A request that registered a pending key failed: refused by the ledger or the gateway (a 4xx), it
   * was not committed and the key goes; otherwise it may have been, and the key waits for reconcile().
   */
  private async failed(owner: string, keyId: string, err: unknown): Promise<void> {
    if (err instanceof ApiError && err.status < 500) await this.keys.discard(owner, keyId);
    else this.keys.release(owner, keyId);
  }
}
