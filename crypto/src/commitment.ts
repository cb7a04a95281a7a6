/**
 * Holder commitment (持证主体承诺): how a licence holder's identifier appears on chain. The ID
 * space is small (about 10^11 resident ID numbers), so an unkeyed hash could be reversed by brute
 * force; a keyed HMAC-SM3 with a secret held off chain cannot be, by anyone without the secret.
 */
import { toHex, utf8, concatBytes } from './bytes';
import { CryptoError } from './errors';
import { validateResidentId, validateUscc } from './identifiers';
import { hmacSm3 } from './sm3';

/** Holder code types of GB/T 36903 metadata whose codes this module can validate. */
export const HOLDER_CODE_TYPE_RESIDENT_ID = '111'; // 居民身份证号码
export const HOLDER_CODE_TYPE_USCC = '001'; // 统一社会信用代码

export const MIN_COMMITMENT_SECRET_BYTES = 16;
const DOMAIN_TAG = 'henan-chain/holder/v1';
/** Holder code types are short codes (GB/T 36903 uses 3 digits); letters allowed for local types. */
const HOLDER_CODE_TYPE_RE = /^[0-9A-Za-z]{1,16}$/;
const MAX_CODE_LENGTH = 64;
/** Control, format, unassigned, private-use and lone surrogate code points. */
const NON_PRINTABLE_RE = /\p{C}/u;

/**
 * HMAC-SM3(secret, lp(tag) || lp(type) || lp(code)) in hex, where lp(x) is x's UTF-8 length as
 * 4 big-endian bytes followed by x: no two different (type, code) pairs encode alike, and the tag
 * keeps these MACs apart from any other use of the same secret.
 *
 * Codes of known types are validated and normalised first (an ID number's final x becomes X, a
 * credit code is upper-cased), so one holder always gets one commitment; other types' codes must
 * be printable (NFC-normalised), at most 64 characters, without surrounding spaces. The type is
 * 1-16 ASCII letters or digits.
 */
export function holderCommitment(secret: Uint8Array, holderCodeType: '111' | '001' | string, holderCode: string): string {
  if (!(secret instanceof Uint8Array)) throw new CryptoError('BAD_ARGUMENT', 'secret must be a Uint8Array', 'secret');
  if (secret.length < MIN_COMMITMENT_SECRET_BYTES) {
    throw new CryptoError('BAD_LENGTH', `secret must be at least ${MIN_COMMITMENT_SECRET_BYTES} bytes, got ${secret.length}`, 'secret');
  }
  if (typeof holderCodeType !== 'string' || !HOLDER_CODE_TYPE_RE.test(holderCodeType)) {
    throw new CryptoError('BAD_IDENTIFIER', 'holderCodeType must be 1-16 ASCII letters or digits', 'holderCodeType');
  }
  const code = normaliseHolderCode(holderCodeType, holderCode);
  return toHex(hmacSm3(secret, concatBytes(lengthPrefixed(DOMAIN_TAG), lengthPrefixed(holderCodeType), lengthPrefixed(code))));
}

function normaliseHolderCode(type: string, code: string): string {
  if (typeof code !== 'string') throw new CryptoError('BAD_ARGUMENT', 'holderCode must be a string', 'holderCode');
  try {
    switch (type) {
      case HOLDER_CODE_TYPE_RESIDENT_ID:
        return validateResidentId(code.toUpperCase()).id;
      case HOLDER_CODE_TYPE_USCC:
        return validateUscc(code.toUpperCase()).code;
    }
  } catch (err) {
    // The caller's field is holderCode; the message keeps which part of it was wrong.
    if (err instanceof CryptoError) throw new CryptoError(err.code, `holderCode (${err.part}): ${err.message}`, 'holderCode');
    throw err;
  }
  const normalised = code.normalize('NFC');
  const length = [...normalised].length;
  if (length === 0 || length > MAX_CODE_LENGTH || NON_PRINTABLE_RE.test(normalised) || normalised.trim() !== normalised) {
    throw new CryptoError('BAD_IDENTIFIER', `holderCode must be 1-${MAX_CODE_LENGTH} printable characters without surrounding spaces`, 'holderCode');
  }
  return normalised;
}

function lengthPrefixed(text: string): Uint8Array {
  const bytes = utf8(text);
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, bytes.length);
  return concatBytes(prefix, bytes);
}
