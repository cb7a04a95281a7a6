import { z } from 'zod';
import { validate } from './route';

/**
 * A reader of a route's `:id` path parameter (or the one `name` says) checked against `schema` (the
 * chaincode's id format), so a malformed id is a 400 naming `path.id` before any ledger call rather
 * than a confusing NOT_FOUND, or a refusal naming the body field the path fills.
 */
export function pathId(schema: z.ZodType<string>, name = 'id'): (params: Record<string, string>) => string {
  const params = z.record(z.literal(name), schema);
  return (given) => validate(params, { [name]: given[name] }, 'path')[name]!;
}
