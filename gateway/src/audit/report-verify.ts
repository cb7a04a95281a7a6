import { canonicalBytes, fromHex, parseIJson, sm3, toHex, verify } from '@henan-chain/crypto';
import { CSV_SIGNATURE_PREFIX, REPORT_ALGORITHM, type ReportSignature } from './report-format';

export type ReportVerification =
  | { valid: true; format: 'json' | 'csv'; keyId: string; publicKey: string }
  | { valid: false; format?: 'json' | 'csv'; reason: string };

const PUBLIC_KEY = /^04[0-9a-f]{128}$/;
const KEY_ID = /^[0-9a-f]{32}$/;
/** Lower-case only: hex is case-insensitive, and a verifier that let a byte change pass would not be one. */
const SIGNATURE = /^(?:[0-9a-f]{2})+$/;
const CSV_SIGNATURE = new RegExp(`^${CSV_SIGNATURE_PREFIX}([0-9a-f]{32}) (04[0-9a-f]{128}) ((?:[0-9a-f]{2})+)$`);

/**
 * Verifies a signed audit report (JSON or CSV, as GET /v1/audit/report returned it) and says who
 * signed it. Pass the gateway's public key (GET /v1/gateway/key, obtained from a source you trust) as
 * `publicKey`: without it the check proves only that the report is intact under the key it names.
 */
export function verifyReport(input: string | Uint8Array, options: { publicKey?: string } = {}): ReportVerification {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const first = bytes.toString('latin1').trimStart()[0];
  return first === '{' ? verifyJson(bytes, options.publicKey) : verifyCsv(bytes, options.publicKey);
}

function verifyJson(bytes: Buffer, trusted: string | undefined): ReportVerification {
  let document: unknown;
  try {
    document = parseIJson(bytes.toString('utf8'));
  } catch (err) {
    return { valid: false, format: 'json', reason: `not JSON: ${(err as Error).message}` };
  }
  const { report, signature, ...rest } = (document ?? {}) as { report?: unknown; signature?: Partial<ReportSignature> };
  if (report === undefined || typeof signature !== 'object' || signature === null) {
    return { valid: false, format: 'json', reason: 'expected {"report": {...}, "signature": {...}}' };
  }
  if (Object.keys(rest).length > 0) return { valid: false, format: 'json', reason: `unsigned fields beside the report: ${Object.keys(rest).join(', ')}` };
  const { algorithm, keyId, publicKey, value, ...extra } = signature;
  if (Object.keys(extra).length > 0) return { valid: false, format: 'json', reason: `unknown signature fields: ${Object.keys(extra).join(', ')}` };
  if (algorithm !== REPORT_ALGORITHM) return { valid: false, format: 'json', reason: `signature.algorithm must be ${REPORT_ALGORITHM}` };
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) return { valid: false, format: 'json', reason: 'signature.keyId must be 32 lower-case hex digits' };
  if (typeof publicKey !== 'string' || !PUBLIC_KEY.test(publicKey)) return { valid: false, format: 'json', reason: 'signature.publicKey must be 04||x||y in lower-case hex' };
  if (typeof value !== 'string' || !SIGNATURE.test(value)) return { valid: false, format: 'json', reason: 'signature.value must be lower-case hex' };
  let signed: Uint8Array;
  try {
    signed = canonicalBytes(report);
  } catch (err) {
    return { valid: false, format: 'json', reason: `the report has no canonical form: ${(err as Error).message}` };
  }
  return check('json', signed, { keyId, publicKey, value }, trusted);
}

function verifyCsv(bytes: Buffer, trusted: string | undefined): ReportVerification {
  // The signature line is the last one; a final line break after it is allowed, nothing else is.
  let end = bytes.length;
  if (bytes[end - 1] === 0x0a) end -= bytes[end - 2] === 0x0d ? 2 : 1;
  const start = bytes.lastIndexOf(0x0a, end - 1) + 1;
  const match = CSV_SIGNATURE.exec(bytes.subarray(start, end).toString('latin1'));
  if (!match) return { valid: false, format: 'csv', reason: `the last line is not "${CSV_SIGNATURE_PREFIX}<keyId> <publicKey> <signature>"` };
  return check('csv', bytes.subarray(0, start), { keyId: match[1]!, publicKey: match[2]!, value: match[3]! }, trusted);
}

function check(
  format: 'json' | 'csv',
  signed: Uint8Array,
  signature: { keyId: string; publicKey: string; value: string },
  trusted: string | undefined,
): ReportVerification {
  const { keyId, publicKey, value } = signature;
  // A key id is the first 16 bytes of SM3 over the public key (the rule of agency keys, keyIdOf).
  if (toHex(sm3(fromHex(publicKey, 'publicKey'))).slice(0, 32) !== keyId) {
    return { valid: false, format, reason: `key id ${keyId} does not name public key ${publicKey}` };
  }
  if (trusted !== undefined && trusted.toLowerCase() !== publicKey) {
    return { valid: false, format, reason: `signed by key ${keyId}, which is not the trusted gateway key` };
  }
  const result = verify(signed, value, publicKey);
  if (!result.valid) return { valid: false, format, reason: `the signature does not verify: ${result.reason}` };
  return { valid: true, format, keyId, publicKey };
}
