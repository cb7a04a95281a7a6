import { ApiError } from '../errors';
import { type GatewayDb, orderKey, section } from '../store';

/** The reads that name a holder (持证主体), each written to the trail before it is answered. */
export const HOLDER_READ_ACTIONS = ['licences.byHolder', 'licences.holderLookup', 'holders.commitment'] as const;
export type HolderReadAction = (typeof HOLDER_READ_ACTIONS)[number];

/** One holder-linked read: who asked, how, and for which holder (by commitment: the clear code is never kept). */
export interface HolderRead {
  at: string;
  agencyId: string;
  action: HolderReadAction;
  codeType?: string;
  commitment: string;
  /** The request's x-request-id, as the access log has it. */
  requestId: string;
}

/** Milliseconds (15 digits) then a per-process sequence (10 digits): keys in the order the reads happened. */
const KEY = /^\d{25}$/;

/**
 * 持证主体查询留痕: the trail of holder-linked reads in the gateway's own database. A commitment is a
 * stable pseudonym, so every read by one (or one that makes one) is kept with the reading agency, and
 * governance and auditors can list them. Written before the answer leaves: a read the trail could not
 * keep is not answered.
 */
export class HolderReadLog {
  private readonly reads;
  private sequence = 0;

  constructor(db: GatewayDb) {
    this.reads = section<HolderRead>(db, 'holder-reads');
  }

  async record(read: Omit<HolderRead, 'at'>): Promise<void> {
    const now = Date.now();
    const key = orderKey(now, 15) + orderKey(this.sequence++ % 1e10, 10);
    await this.reads.put(key, { at: new Date(now).toISOString(), ...read });
  }

  /** Reads in the order they happened, filtered by agency and holder; `cursor` resumes after the last one served. */
  async page(query: { agency?: string; holder?: string; cursor?: string; limit: number }): Promise<{ reads: HolderRead[]; cursor: string }> {
    const after = query.cursor ? Buffer.from(query.cursor, 'base64url').toString('utf8') : undefined;
    if (after !== undefined && (!KEY.test(after) || Buffer.from(after).toString('base64url') !== query.cursor)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'query.cursor: not a cursor this API returned');
    }
    const reads: HolderRead[] = [];
    let last = '';
    for await (const [key, read] of this.reads.iterator(after === undefined ? {} : { gt: after })) {
      if ((query.agency !== undefined && read.agencyId !== query.agency) || (query.holder !== undefined && read.commitment !== query.holder)) continue;
      reads.push(read);
      last = key;
      if (reads.length === query.limit) break;
    }
    return { reads, cursor: reads.length === query.limit ? Buffer.from(last).toString('base64url') : '' };
  }
}
