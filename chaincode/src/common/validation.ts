import { z } from 'zod';
import { CryptoError, isWellFormedText, parseLicenceId, parsePublicKey, validateAreaCode, validateResidentId, validateUscc } from '@henan-chain/crypto';
import { ChaincodeError } from './errors';

/** Requests larger than this are refused before parsing: nothing legitimate comes near it. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Wraps a crypto identifier check as a zod refinement that reports the wrong part. */
function checked(check: (value: string) => unknown, what: string) {
  return z.string().superRefine((value, ctx) => {
    try {
      check(value);
    } catch (err) {
      const detail = err instanceof CryptoError ? err.message : String(err);
      ctx.addIssue({ code: 'custom', message: `invalid ${what}: ${detail}` });
    }
  });
}

/** 统一社会信用代码, GB 32100. */
export const uscc = checked(validateUscc, 'unified social credit code');
/** 行政区划代码, GB/T 2260. */
export const areaCode = checked(validateAreaCode, 'area code');
/** 电子证照标识, GB/T 36904. */
export const licenceId = checked(parseLicenceId, 'licence identifier');
/** An uncompressed SM2 public key, 04||x||y in hex, on the curve. */
export const sm2PublicKey = checked(parsePublicKey, 'SM2 public key').pipe(z.string().regex(/^04[0-9a-f]{128}$/, 'must be lower-case uncompressed 04||x||y hex'));

export const sm3Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (an SM3 digest)');
export const keyId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits');
/** DER (GM/T 0009, 70-72 bytes) or raw r||s (64 bytes), hex. */
export const signatureHex = z
  .string()
  .regex(/^([0-9a-f]{2}){64,72}$/, 'must be a DER or raw r||s SM2 signature in lower-case hex');
export const requestId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,64}$/, 'must be 8-64 characters of A-Z a-z 0-9 . _ : -');
/** A UTC instant, as the gateway and clients send it; parsed and compared as Date. */
export const isoTime = z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time such as 2026-01-31T08:00:00Z' });

/** Printable text without control characters (names, reasons, purposes), not blank. */
export const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
    // A reason of spaces (or 全角空格) says nothing, yet would stand on chain as if it did.
    .refine((value) => value.trim() !== '', 'must not be blank')
    // RFC 8785 cannot serialise a lone surrogate, so such text could never be signed or stored.
    .refine(isWellFormedText, 'must be well-formed Unicode (no lone surrogates)');

// An 18-character run standing alone (not part of a longer number) that passes the GB 11643 check.
const RESIDENT_ID_RUN = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;

/**
 * True when the text carries no resident ID number (身份证号). Free text fields are public on the
 * chain, and some licence numbers ARE the holder's ID number (a driving licence's 证号), so an
 * agency that copies one in by mistake is refused rather than published.
 */
export function hasNoResidentIdNumber(value: string): boolean {
  for (const match of value.matchAll(RESIDENT_ID_RUN)) {
    try {
      validateResidentId(match[0].toUpperCase());
      return false;
    } catch {
      // not a valid ID number: an ordinary run of digits
    }
  }
  return true;
}

/** Public text: bounded, no control characters, no resident ID number. */
export const publicText = (max: number) =>
  text(max).refine(hasNoResidentIdNumber, 'must not contain a resident ID number (personal data never goes on chain in the clear)');

/**
 * A positive integer as text carries it (chaincode arguments, query strings, form fields): plain
 * decimal digits only, where Number() and z.coerce would also take '0x10', '1e2', ' 10', true or [5].
 */
export const decimalCount = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer in plain decimal digits')
  .transform(Number);

/** Records per page, as a JSON body gives it: a JSON integer. */
export const pageLimit = z.number().int().min(1).max(200);

/** Records per page, as text gives it (a query string, a chaincode argument). */
export const pageSize = decimalCount.pipe(pageLimit);

/**
 * The chaincode transaction a signed request authorises, `family:fn` written `family.fn` (e.g.
 * `licence.revoke`): requests of the same shape (suspend and revoke) cannot stand in for each other.
 */
export const operation = z.string().regex(/^[a-z]+\.[A-Za-z]+$/, 'must name the transaction it authorises, such as licence.revoke');

/** The fields every agency-signed request carries. */
export const signedFields = {
  operation,
  requestId,
  agencyId: uscc,
  keyId,
  signature: signatureHex,
};

/** Parses a JSON argument against a strict schema; any failure is VALIDATION_FAILED naming the field. */
export function parseArgument<T>(schema: z.ZodType<T>, raw: string, what = 'request'): T {
  if (typeof raw !== 'string' || Buffer.byteLength(raw, 'utf8') > MAX_REQUEST_BYTES) {
    throw new ChaincodeError('VALIDATION_FAILED', `${what} must be a JSON string of at most ${MAX_REQUEST_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new ChaincodeError('VALIDATION_FAILED', `${what} is not valid JSON: ${(err as Error).message}`);
  }
  return checkArgument(schema, value, what);
}

/**
 * Checks an argument that is already a value (a query's plain string arguments), with the same
 * VALIDATION_FAILED naming the field as parseArgument.
 */
export function checkArgument<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    const first = issues[0]!;
    throw new ChaincodeError('VALIDATION_FAILED', `${what}.${first.path}: ${first.message}`, { issues });
  }
  return result.data;
}
