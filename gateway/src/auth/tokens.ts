import { randomBytes } from 'node:crypto';
import { sm3Hex } from '@henan-chain/crypto';
import { ApiError } from '../errors';
import { type GatewayDb, section } from '../store';

/** Who a bearer token speaks for. Roles beyond these come from the agency's record on chain. */
export type Principal =
  | { kind: 'governance'; label: string }
  | { kind: 'agency'; agencyId: string; mspId: string; label: string };

/** What may be shown of a token: never the token, nor its digest. */
export interface TokenInfo {
  id: string;
  label: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt?: string;
  /** Updated at most once a minute. */
  lastUsedAt?: string;
  revokedAt?: string;
  /** `governance`, or the agency that revoked its own token. */
  revokedBy?: string;
  revocationReason?: string;
}

/** A token as kept, under the SM3 digest of the token. */
interface TokenRecord {
  id: string;
  principal: Principal;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  revokedBy?: string;
  revocationReason?: string;
}

export interface TokenOptions {
  /** Lifetime of agency tokens in days (TOKEN_TTL_DAYS); none when unset. */
  ttlDays?: number;
}

const DAY_MS = 86_400_000;
/** lastUsedAt is written when it is older than this, not on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;
const SEP = '\u0000';
export const TOKEN_ID = /^tok_[0-9a-f]{16}$/;

/** Whose a token is: an agency's id, or `governance`. */
const ownerOf = (p: Principal) => (p.kind === 'agency' ? p.agencyId : 'governance');

/**
 * Bearer tokens, stored by their SM3 digest only: a copy of the database does not hand out working
 * tokens. Each has an id (to list and revoke it by), a creation time and, for an agency's token when
 * TOKEN_TTL_DAYS is set, an expiry.
 */
export class TokenStore {
  /** SM3(token) → its record; before token ids, the bare principal (migrated by open()). */
  private readonly tokens;
  /** `<owner>\0<id>` → SM3(token): an owner's tokens, and a token by id. */
  private readonly ids;
  /** SM3(token) → when it was last used (kept apart, so a request never rewrites the record). */
  private readonly used;
  /** Revocations one at a time, so that two never rewrite the same record from the same reading. */
  private revoking: Promise<unknown> = Promise.resolve();

  /** The clock (a seam for tests of expiry). */
  now: () => number = Date.now;

  private constructor(
    private readonly db: GatewayDb,
    private readonly options: TokenOptions,
  ) {
    this.tokens = section<TokenRecord | Principal>(db, 'tokens');
    this.ids = section<string>(db, 'token-ids');
    this.used = section<string>(db, 'token-used');
  }

  /** The store, with tokens kept before they had ids given one (created: now). */
  static async open(db: GatewayDb, options: TokenOptions = {}): Promise<TokenStore> {
    const store = new TokenStore(db, options);
    for await (const [digest, value] of store.tokens.iterator()) {
      if (!('principal' in value)) await store.keep(digest, store.record(value, { withoutExpiry: true }));
    }
    return store;
  }

  /** Issues a new random token for `principal`; the token is seen in clear only in what this returns. */
  async issue(principal: Principal): Promise<{ token: string; info: TokenInfo }> {
    const token = `hnc_${randomBytes(32).toString('base64url')}`;
    const record = this.record(principal);
    await this.keep(sm3Hex(token), record);
    return { token, info: this.infoOf(record) };
  }

  /** Registers a token chosen by the operator (GOVERNANCE_TOKEN) once, replacing nothing else. */
  async register(token: string, principal: Principal): Promise<void> {
    const digest = sm3Hex(token);
    if (!(await this.tokens.get(digest))) await this.keep(digest, this.record(principal, { withoutExpiry: true }));
  }

  /** The principal of a token that is known, not revoked and not expired; otherwise a 401. */
  async authenticate(token: string): Promise<Principal> {
    const digest = sm3Hex(token);
    // Read synchronously (here and in touch), as on every request: LevelDB answers from memory.
    const record = this.tokens.getSync(digest);
    if (!record || !('principal' in record)) throw new ApiError(401, 'UNAUTHENTICATED', 'the bearer token is not valid');
    const status = this.statusOf(record);
    if (status === 'revoked') throw new ApiError(401, 'TOKEN_REVOKED', `the bearer token ${record.id} was revoked at ${record.revokedAt}`);
    if (status === 'expired') throw new ApiError(401, 'TOKEN_EXPIRED', `the bearer token ${record.id} expired at ${record.expiresAt}`);
    await this.touch(digest);
    return record.principal;
  }

  /** The principal of a working token, or undefined. */
  async resolve(token: string): Promise<Principal | undefined> {
    try {
      return await this.authenticate(token);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return undefined;
      throw err;
    }
  }

  /** The tokens of an agency (or of `governance`), oldest first. */
  async list(owner: string): Promise<TokenInfo[]> {
    const infos: TokenInfo[] = [];
    for await (const digest of this.ids.values({ gte: owner + SEP, lt: owner + SEP + '\uffff' })) {
      const record = await this.tokens.get(digest);
      if (record && 'principal' in record) infos.push(this.infoOf(record, await this.used.get(digest)));
    }
    return infos.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /**
   * Revokes every working token of `owner` but `token` (the governance token after the operator
   * replaced GOVERNANCE_TOKEN: the old one must stop working).
   */
  async revokeAllBut(owner: string, token: string, reason: string): Promise<void> {
    const keep = sm3Hex(token);
    for await (const [key, digest] of this.ids.iterator({ gte: owner + SEP, lt: owner + SEP + '\uffff' })) {
      const record = digest === keep ? undefined : await this.tokens.get(digest);
      if (record && 'principal' in record && this.statusOf(record) === 'active') {
        await this.revoke(owner, key.slice(owner.length + 1), 'governance', reason);
      }
    }
  }

  /** Revokes `owner`'s token `id` for good: 404 if it has none such, 409 if it is revoked already. */
  revoke(owner: string, id: string, revokedBy: string, reason?: string): Promise<TokenInfo> {
    const work = this.revoking.then(async () => {
      const digest = await this.ids.get(owner + SEP + id);
      const record = digest === undefined ? undefined : await this.tokens.get(digest);
      if (digest === undefined || !record || !('principal' in record)) throw new ApiError(404, 'NOT_FOUND', `${owner} has no token ${id}`);
      if (record.revokedAt) throw new ApiError(409, 'INVALID_STATE', `token ${id} was revoked at ${record.revokedAt}`);
      const revoked: TokenRecord = { ...record, revokedAt: this.iso(), revokedBy, ...(reason ? { revocationReason: reason } : {}) };
      await this.tokens.put(digest, revoked);
      return this.infoOf(revoked, await this.used.get(digest));
    });
    this.revoking = work.catch(() => undefined);
    return work;
  }

  private record(principal: Principal, options: { withoutExpiry?: boolean } = {}): TokenRecord {
    const ttlDays = principal.kind === 'agency' && !options.withoutExpiry ? this.options.ttlDays : undefined;
    // One reading of the clock, so a token lives exactly its TTL, not a millisecond less.
    const now = this.now();
    return {
      id: `tok_${randomBytes(8).toString('hex')}`,
      principal,
      createdAt: this.iso(now),
      ...(ttlDays !== undefined ? { expiresAt: this.iso(now + ttlDays * DAY_MS) } : {}),
    };
  }

  private async keep(digest: string, record: TokenRecord): Promise<void> {
    const batch = this.db.batch();
    batch.put(digest, record, { sublevel: this.tokens });
    batch.put(ownerOf(record.principal) + SEP + record.id, digest, { sublevel: this.ids });
    await batch.write();
  }

  private async touch(digest: string): Promise<void> {
    const last = this.used.getSync(digest);
    if (last === undefined || this.now() - Date.parse(last) >= LAST_USED_GRANULARITY_MS) await this.used.put(digest, this.iso());
  }

  private statusOf(record: TokenRecord): TokenInfo['status'] {
    if (record.revokedAt) return 'revoked';
    if (record.expiresAt && this.now() >= Date.parse(record.expiresAt)) return 'expired';
    return 'active';
  }

  private infoOf(record: TokenRecord, lastUsedAt?: string): TokenInfo {
    const { id, principal, createdAt, expiresAt, revokedAt, revokedBy, revocationReason } = record;
    return {
      id,
      label: principal.label,
      status: this.statusOf(record),
      createdAt,
      ...(expiresAt ? { expiresAt } : {}),
      ...(lastUsedAt ? { lastUsedAt } : {}),
      ...(revokedAt ? { revokedAt, revokedBy, ...(revocationReason ? { revocationReason } : {}) } : {}),
    };
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }
}
