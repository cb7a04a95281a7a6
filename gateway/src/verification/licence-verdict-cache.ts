import { LICENCE_ID_ROOT, parseLicenceId } from '@henan-chain/crypto';
import { LRUCache } from 'lru-cache';
import type { LicenceVerification, RecordEvent } from '@henan-chain/chaincode';
import type { TransactionReceipt } from '../submission';

/** The answer of licence verification: the chaincode's verdict, its evidence placed in a block. */
export type VerifiedLicence = Omit<LicenceVerification, 'evidence'> & {
  evidence: (NonNullable<LicenceVerification['evidence']> & TransactionReceipt) | null;
};

interface Entry {
  /** The answer as the bytes of its JSON, as sent: serialised once, and a fraction of the parsed answer's memory. */
  json: Buffer;
  /** The licence's series: any version's issue, renewal or status change may change this answer. */
  series: string;
  /** The issuer and the signer of the judged version: a key rotation or revocation may change it. */
  agencies: string[];
  /** The answer holds from its checkedAt until `until` (ms since the epoch), if nothing changes. */
  from: number;
  until: number;
}

export type LookupOutcome = 'hit' | 'miss' | 'bypass';

export interface CacheLimits {
  entries: number;
  /** The longest an answer is served, so that its checkedAt stays recent. */
  ttlMs: number;
}

/** An answer is about 4 KB of JSON for a typical licence: some 40 MB when full. */
export const DEFAULT_LIMITS: CacheLimits = { entries: 10_000, ttlMs: 60_000 };

/**
 * Licence verdicts by (licence id, documentSm3 or ''), each served until something it depends on may
 * have changed. Changes on the ledger reach it as chaincode events (evict, from RecordChanges), and an
 * answer is served only when it has been given every event of every committed block (`caughtUp`);
 * otherwise the caller evaluates afresh. Changes of time end an entry at the
 * record's next validity boundary after its checkedAt. Least recently used entries go first when it
 * is full. The id is the one asked for, so that a hit need not parse it again: only ids the chaincode
 * answered for are stored, each evicted by its series in canonical form.
 */
export class LicenceVerdictCache {
  /**
   * lru-cache keeps its order in a linked list; a Map kept in order by deleting and re-adding each
   * entry hit cost 10-30 µs a hit at 8,000 entries (V8 rehashes its ordered table under that churn),
   * a fifth of a cache hit's CPU.
   */
  private readonly entries: LRUCache<string, Entry>;
  /**
   * The keys of the entries each series and each agency may change: an event evicts through these
   * rather than by looking at every entry (10,000 of them per write, when the cache is full).
   */
  private readonly bySeries = new KeySets();
  private readonly byAgency = new KeySets();
  /** Counts the events that evicted or could have: an answer evaluated across one is not stored. */
  private changes = 0;

  constructor(
    private readonly caughtUp: () => Promise<boolean>,
    private readonly limits = DEFAULT_LIMITS,
  ) {
    // Whatever takes an entry out (eviction, replacement, removal) takes its keys out of the sets.
    this.entries = new LRUCache({
      max: limits.entries,
      dispose: (entry, key) => {
        this.bySeries.delete(entry.series, key);
        for (const agency of entry.agencies) this.byAgency.delete(agency, key);
      },
    });
  }

  /** The JSON of the answer that still holds at `now`, if any; 'bypass' when its events lag the ledger. */
  async lookup(licenceId: string, documentSm3: string, now: number): Promise<{ json?: Buffer; outcome: LookupOutcome }> {
    if (!(await this.caughtUp())) return { outcome: 'bypass' };
    const key = keyOf(licenceId, documentSm3);
    const entry = this.entries.get(key);
    if (!entry) return { outcome: 'miss' };
    if (now < entry.from || now >= entry.until) {
      this.entries.delete(key);
      return { outcome: 'miss' };
    }
    return { json: entry.json, outcome: 'hit' };
  }

  /** To take before evaluating, and hand to store(). */
  mark(): number {
    return this.changes;
  }

  /**
   * Keeps an answer evaluated after `mark` was taken, unless an event evicted since: the evaluation
   * may have read the ledger before that event's block, and the eviction came before the entry.
   * `licenceId` must be a valid identifier (the chaincode answered for it); `json` is `answer` serialised.
   */
  store(licenceId: string, documentSm3: string, answer: VerifiedLicence, json: Buffer, mark: number): void {
    if (mark !== this.changes) return;
    const key = keyOf(licenceId, documentSm3);
    const from = Date.parse(answer.checkedAt);
    const { record } = answer;
    const boundaries = record ? [record.validFrom, record.validUntil].map((t) => (t === null ? Infinity : Date.parse(t))).filter((t) => t > from) : [];
    const entry: Entry = {
      json,
      series: seriesOf(licenceId),
      agencies: record ? [...new Set([record.issuerId, record.issuance.agencyId].filter((a): a is string => a !== undefined))] : [],
      from,
      until: Math.min(from + this.limits.ttlMs, ...boundaries),
    };
    this.entries.set(key, entry);
    this.bySeries.add(entry.series, key);
    for (const agency of entry.agencies) this.byAgency.add(agency, key);
  }

  /**
   * Evicts what a chaincode event may change. A licence event names the version it wrote; a renewal
   * also supersedes the previous version without an event of its own, so the whole series goes. An
   * agency event (key added, rotated or revoked, status) evicts the licences that agency issued or signed.
   */
  evict(event: RecordEvent): void {
    if (event.kind === 'licence') this.drop(this.bySeries.keysOf(seriesOf(event.id)));
    else if (event.kind === 'agency') this.drop(this.byAgency.keysOf(event.id));
  }

  private drop(keys: readonly string[]): void {
    this.changes++;
    for (const key of keys) this.entries.delete(key);
  }
}

/** Keys grouped by a name (a series, an agency); a name without keys is not kept. */
class KeySets {
  private readonly sets = new Map<string, Set<string>>();

  add(name: string, key: string): void {
    const keys = this.sets.get(name);
    if (keys) keys.add(key);
    else this.sets.set(name, new Set([key]));
  }

  delete(name: string, key: string): void {
    const keys = this.sets.get(name);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.sets.delete(name);
  }

  /** A copy: the caller removes entries while going through it. */
  keysOf(name: string): string[] {
    return [...(this.sets.get(name) ?? [])];
  }
}

const keyOf = (licenceId: string, documentSm3: string): string => `${licenceId}\u0000${documentSm3}`;

/** The identifier without version and check character, in canonical form: the chaincode's seriesId. */
function seriesOf(licenceId: string): string {
  const parts = parseLicenceId(licenceId);
  return [LICENCE_ID_ROOT, parts.licenceTypeCode, parts.issuerCode, parts.serialNumber].join('.');
}
