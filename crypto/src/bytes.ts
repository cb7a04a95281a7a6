import { CryptoError } from './errors';

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Strict hex decoding: even length, hex digits only, and (when given) exactly `length` bytes.
 * `what` names the input in the error, so a caller learns which field was wrong.
 */
export function fromHex(hex: string, what: string, length?: number): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !HEX_RE.test(hex)) {
    throw new CryptoError('BAD_HEX', `${what} is not an even-length hexadecimal string`, what);
  }
  if (length !== undefined && hex.length !== length * 2) {
    throw new CryptoError('BAD_LENGTH', `${what} must be ${length} bytes, got ${hex.length / 2}`, what);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** UTF-8 bytes of a string; bytes pass through unchanged. */
export function utf8(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data;
}

/** Constant-time equality for equal-length byte strings (false for different lengths). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Big-endian unsigned bytes to bigint. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** bigint to exactly `length` big-endian bytes (throws if it does not fit). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new CryptoError('BAD_ARGUMENT', 'negative integer');
  const hex = value.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new CryptoError('BAD_LENGTH', `integer does not fit in ${length} bytes`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
