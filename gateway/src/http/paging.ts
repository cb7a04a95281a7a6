import { z } from 'zod';
import { fields } from '@henan-chain/chaincode';

/** Bounds the chaincode queries behind one page when most index entries are filtered out. */
const MAX_ROUNDS = 25;

const bookmark = z
  .string()
  .max(5600)
  .regex(/^[A-Za-z0-9_-]*$/, 'must be a bookmark this API returned')
  .optional()
  .describe('the bookmark of the previous page; omit for the first');

/** The query parameters of a paginated list: `limit` in plain decimal digits. */
export const pagingQuery = { limit: fields.pageSize.default(50).describe('records per page, 1-200'), bookmark };

/** The same in a JSON body: `limit` a JSON integer. */
export const pagingBody = { limit: fields.pageLimit.default(50).describe('records per page, 1-200'), bookmark };

export interface ChaincodePage<T> {
  records: T[];
  /** The chaincode's bookmark (a composite key): empty after the last page. */
  bookmark: string;
}

/**
 * One page of at most `limit` records that pass `keep`, read through as many chaincode pages as it
 * takes. Each chaincode page asks for exactly the records still missing, so the page never overflows
 * and the bookmark resumes right after the last entry read. After MAX_ROUNDS the page is returned
 * short, with its bookmark. The chaincode's bookmark holds NUL separators, so clients get it as base64url.
 */
export async function collectPage<T>(
  read: (pageSize: number, bookmark: string) => Promise<ChaincodePage<T>>,
  keep: (record: T) => boolean,
  limit: number,
  bookmark = '',
): Promise<ChaincodePage<T>> {
  let next = Buffer.from(bookmark, 'base64url').toString('utf8');
  const records: T[] = [];
  for (let round = 0; round < MAX_ROUNDS && records.length < limit; round++) {
    const page = await read(limit - records.length, next);
    records.push(...page.records.filter(keep));
    next = page.bookmark;
    if (!next) break;
  }
  return { records, bookmark: Buffer.from(next, 'utf8').toString('base64url') };
}
