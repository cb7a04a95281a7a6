import { z } from 'zod';
import { signingFields } from './schemas';

type SigningFields = ReturnType<typeof signingFields>;

/** The chaincode request's shape with the signing fields and the path-bound fields `K` optional. */
type HttpShape<S extends z.ZodRawShape, K extends keyof S> = Omit<S, K | keyof SigningFields> & SigningFields & { [P in K]: z.ZodOptional<S[P]> };

/**
 * The HTTP body of an agency-signed chaincode request, derived from the chaincode's own schema so the
 * two cannot drift: the same fields and the same cross-field rules (its refinements), with the signing
 * fields optional (the gateway fills them when it signs; `operation` is the one of `fn`, the chaincode
 * transaction the route submits) and the fields the path names optional (`bindFields` puts them in; a
 * body the agency signed itself must already carry them).
 */
export function agencyRequestBody<S extends z.ZodRawShape, K extends keyof S & string = never>(
  schema: z.ZodObject<S>,
  fn: string,
  pathFields: readonly K[] = [],
) {
  const bound = Object.fromEntries(
    pathFields.map((name) => [name, z.optional(schema.shape[name]!).describe('taken from the path; a body the agency signs itself must carry it')]),
  );
  const shape = { ...schema.shape, ...signingFields(fn), ...bound } as unknown as HttpShape<S, K>;
  // zod forbids .omit/.extend on refined objects, so the refinements are carried over as checks; they
  // read only fields both shapes share, so they hold for the wider output type as well.
  return z.strictObject(shape).check(...((schema.def.checks ?? []) as never[]));
}
