import { z } from 'zod';
import { validate } from './route';

/**
 * A reader of a route's `:id` path parameter checked against `schema` (the chaincode's id format), so
 * a malformed id is a 400 naming `path.id` before any ledger call rather than a confusing NOT_FOUND.
 */
export function pathId(schema: z.ZodType<string>): (params: Record<string, string>) => string {
  const params = z.object({ id: schema });
  return (given) => validate(params, { id: given.id }, 'path').id;
}
