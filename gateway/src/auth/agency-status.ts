import type { Agency } from '@henan-chain/chaincode';
import { ApiError } from '../errors';
import type { Services } from '../services';

/** How long an agency's status is taken as read; its events on the ledger end it sooner (evict). */
const STATUS_TTL_MS = 5_000;

/**
 * Whether an agency is suspended on chain, for refusing its tokens: read with `agency:get`, kept a few
 * seconds, and dropped as soon as the agency changes (the ledger's events as delivered, or this gateway's own
 * suspension or reinstatement). The lookup itself is kept, so that concurrent requests share one, and
 * one started before an eviction is not served after it.
 */
export class AgencyStatusCache {
  private readonly entries = new Map<string, { status: Promise<Agency['status']>; until: number }>();

  constructor(
    private readonly query: Services['query'],
    private readonly ttlMs = STATUS_TTL_MS,
  ) {}

  status(agencyId: string): Promise<Agency['status']> {
    const cached = this.entries.get(agencyId);
    if (cached && cached.until > Date.now()) return cached.status;
    const entry = { status: this.read(agencyId), until: Date.now() + this.ttlMs };
    this.entries.set(agencyId, entry);
    entry.status.catch(() => {
      if (this.entries.get(agencyId) === entry) this.entries.delete(agencyId);
    });
    return entry.status;
  }

  evict(agencyId: string): void {
    this.entries.delete(agencyId);
  }

  private async read(agencyId: string): Promise<Agency['status']> {
    try {
      return (await this.query<Agency>('agency:get', agencyId)).status;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') throw new ApiError(401, 'UNAUTHENTICATED', `the token's agency ${agencyId} is not on the ledger`);
      throw err;
    }
  }
}
