/**
 * The SM2 recommended curve (GB/T 32918.5) on @noble/curves arithmetic, and the few helpers every
 * SM2 module needs: point decoding with validation, scalars.
 */
import { weierstrassN, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { bigIntToBytes, bytesToBigInt, fromHex } from './bytes';
import { CryptoError } from './errors';

const p = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;

export const CURVE = {
  p,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  a: p - 3n,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;

export type Point = WeierstrassPoint<bigint>;
/** Point constructor; `Point.Fn` is arithmetic modulo n. */
export const Point = weierstrassN(CURVE);
export const Fn = Point.Fn;

/** Object identifiers (GM/T 0006, RFC 5480). */
export const OID = {
  EC_PUBLIC_KEY: '1.2.840.10045.2.1',
  SM2: '1.2.156.10197.1.301',
} as const;

/** 32 big-endian bytes of a scalar or a coordinate. */
export function bytes32(value: bigint): Uint8Array {
  return bigIntToBytes(value, 32);
}

/** Bytes given as bytes or hex; errors name the input `what`. */
export function bytesOf(input: string | Uint8Array, what: string): Uint8Array {
  if (typeof input === 'string') return fromHex(input, what);
  if (!(input instanceof Uint8Array)) throw new CryptoError('BAD_ARGUMENT', `${what} must be bytes or hex`, what);
  return input;
}

/**
 * A validated public key point from its SEC1 encoding: 04||x||y (65 bytes) or 02/03||x (33 bytes).
 * Rejects coordinates >= p, points off the curve and the point at infinity.
 */
export function decodePoint(bytes: Uint8Array, what = 'publicKey'): Point {
  const head = bytes[0];
  if (bytes.length !== 65 && bytes.length !== 33) {
    const message = `${what} must be 65 bytes (04||x||y) or 33 (compressed), got ${bytes.length}`;
    throw new CryptoError('BAD_LENGTH', message, what);
  }
  if (bytes.length === 65 ? head !== 0x04 : head !== 0x02 && head !== 0x03) {
    const prefix = head!.toString(16).padStart(2, '0');
    throw new CryptoError('NOT_ON_CURVE', `${what} has a bad point prefix 0x${prefix}`, what);
  }
  try {
    return Point.fromBytes(bytes);
  } catch {
    throw new CryptoError('NOT_ON_CURVE', `${what} is not a point of the SM2 curve`, what);
  }
}

/** 04||x||y of a point. */
export function encodePoint(point: Point): Uint8Array {
  return point.toBytes(false);
}

/** A private key as a scalar, checked to be in [1, n-2] (so that 1 + d is invertible mod n). */
export function privateScalar(d: Uint8Array, what = 'privateKey'): bigint {
  if (!(d instanceof Uint8Array)) throw new CryptoError('BAD_ARGUMENT', `${what} must be bytes`, what);
  if (d.length !== 32) throw new CryptoError('BAD_LENGTH', `${what} must be 32 bytes, got ${d.length}`, what);
  const value = bytesToBigInt(d);
  if (value < 1n || value > CURVE.n - 2n) {
    throw new CryptoError('SCALAR_RANGE', `${what} must be in [1, n-2]`, what);
  }
  return value;
}
