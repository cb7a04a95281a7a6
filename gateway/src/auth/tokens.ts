import { randomBytes } from 'node:crypto';
import { sm3Hex } from '@henan-chain/crypto';
import { type GatewayDb, section } from '../store';

/** Who a bearer token speaks for. Roles beyond these come from the agency's record on chain. */
export type Principal =
  | { kind: 'governance'; label: string }
  | { kind: 'agency'; agencyId: string; mspId: string; label: string };

/**
 * Bearer tokens, stored by their SM3 digest only: a copy of the database does not hand out
 * working tokens.
 */
export class TokenStore {
  private readonly tokens;

  constructor(db: GatewayDb) {
    this.tokens = section<Principal>(db, 'tokens');
  }

  /** Issues a new random token for `principal` and returns it (the only time it is seen in clear). */
  async issue(principal: Principal): Promise<string> {
    const token = `hnc_${randomBytes(32).toString('base64url')}`;
    await this.tokens.put(sm3Hex(token), principal);
    return token;
  }

  /** Registers a token chosen by the operator (GOVERNANCE_TOKEN), replacing nothing else. */
  async register(token: string, principal: Principal): Promise<void> {
    await this.tokens.put(sm3Hex(token), principal);
  }

  async resolve(token: string): Promise<Principal | undefined> {
    return this.tokens.get(sm3Hex(token));
  }
}
