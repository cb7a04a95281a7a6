import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from '@henan-chain/crypto';
import { ChaincodeError } from './errors';

/**
 * Every value is written as RFC 8785 canonical JSON, so all endorsing peers produce the same bytes
 * whatever order the code built the object in.
 */
export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

export async function writeJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, canonicalBytes(value));
}

/** Reads every value under a partial composite key (small, bounded sets only: an agency's keys, a case's steps). */
export async function readAllByPartialKey<T>(ctx: Context, objectType: string, attributes: string[]): Promise<T[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  const values: T[] = [];
  try {
    for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
      values.push(JSON.parse(Buffer.from(res.value.value).toString('utf8')) as T);
    }
  } finally {
    await iterator.close();
  }
  return values;
}

export interface Page<T> {
  records: T[];
  /** Pass back to get the next page; empty when there is none. */
  bookmark: string;
}

/**
 * One page of an index: composite keys whose last attribute names the record's primary key.
 * Paginated queries are read-only on Fabric, so only evaluate (query) transactions call this.
 */
export async function readIndexPage<T>(
  ctx: Context,
  indexType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
  load: (primaryId: string) => Promise<T | undefined>,
): Promise<Page<T>> {
  // Fabric starts a paged scan AT the bookmark, so one from outside this index's key range would
  // read other entries: a bookmark must lie within the range it continues. Not echoed: it is an
  // index key, the ledger's internals, and what the client sent is what it has.
  const prefix = ctx.stub.createCompositeKey(indexType, attributes);
  if (bookmark !== '' && !bookmark.startsWith(prefix)) {
    throw new ChaincodeError('VALIDATION_FAILED', 'bookmark does not continue this query');
  }
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    indexType,
    attributes,
    pageSize,
    bookmark,
  );
  const records: T[] = [];
  try {
    for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
      const { attributes: parts } = ctx.stub.splitCompositeKey(res.value.key);
      const record = await load(parts[parts.length - 1]!);
      if (record !== undefined) records.push(record);
    }
  } finally {
    await iterator.close();
  }
  // An empty page comes without metadata on Fabric (its protobuf encodes to no bytes, and the shim then
  // omits it), so absent metadata means: nothing fetched, nothing further.
  const fetched = metadata?.fetchedRecordsCount ?? 0;
  return { records, bookmark: fetched < pageSize ? '' : (metadata?.bookmark ?? '') };
}
