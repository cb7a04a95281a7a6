import { z } from 'zod';
import { signedFields, sm3Hex, text } from '../common/validation';

/** Largest tree an anchor may claim: far beyond any agency's log, and exact in a JavaScript number. */
export const MAX_TREE_SIZE = 2 ** 40;
/** A consistency proof between trees of at most 2^40 leaves has at most 2 * 40 hashes. */
const MAX_PROOF_LENGTH = 2 * 40;

export const anchorIdSchema = z
  .string()
  .regex(/^[0-9A-HJ-NP-RTUWXY]{18}-[0-9]{8}$/, 'must be <agency credit code>-<8-digit sequence>');

// No defaults or transforms: the signature covers the request exactly as sent.
export const anchorSchema = z.strictObject({
  ...signedFields,
  /** MTH of the agency's tree after this batch. */
  root: sm3Hex,
  size: z.number().int().min(1).max(MAX_TREE_SIZE),
  description: text(500),
  /** RFC 9162 §2.1.4 PROOF(previous size, this tree); omitted or empty on an agency's first anchor. */
  consistencyProof: z.array(sm3Hex).max(MAX_PROOF_LENGTH).optional(),
});
