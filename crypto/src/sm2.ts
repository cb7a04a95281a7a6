/**
 * SM2 signatures (GB/T 32918.2, GM/T 0003.2) with Z_A (GM/T 0009), DER-encoded signatures.
 *
 * Nonce: hedged RFC 6979. k comes from HMAC-DRBG over HMAC-SM3 seeded with int2octets(d) ||
 * bits2octets(e) || 32 fresh CSPRNG bytes (the "additional data" k' of RFC 6979 §3.6). Because d
 * and e are in the seed, a broken or repeating RNG cannot produce the same k for two different
 * messages, so it cannot leak the key; because of the fresh bytes, signing the same message twice
 * still uses different k (no fault-attack target, no linkable signatures). `deterministic: true`
 * drops the fresh bytes: pure RFC 6979 with SM3, reproducible, for tests and audits.
 *
 * Verification is the hot path (chaincode verifies every record against a few long-lived agency
 * keys), so decoded keys are cached with their Z_A for the default id, and once a key has been
 * used a few times with a precomputed window table.
 */
import { randomBytes } from 'node:crypto';
import { createHmacDrbg } from '@noble/curves/utils.js';
import { LRUCache } from 'lru-cache';
import { DerReader, derInteger, derSequence } from './asn1';
import { modularInverse } from './modular-inverse';
import { bytesToBigInt, concatBytes, toHex, utf8 } from './bytes';
import { CryptoError, type CryptoErrorCode } from './errors';
import { CURVE, Fn, Point, bytesOf, decodePoint, privateScalar, bytes32 } from './sm2-curve';
import { hasAffineX } from './sm2-jacobian';
import { type PointTable, baseMulX, mulAdd, pointTable } from './sm2-precompute';
import { mulAddOnce } from './sm2-wnaf';
import { hmacSm3, sm3, sm3Stream } from './sm3';

export const DEFAULT_SM2_ID = '1234567812345678';
/** ENTL, the bit length of the id, has two bytes (GB/T 32918.2 §5.5): at most 65,535 bits. */
export const SM2_ID_MAX_BYTES = 8191;

export type VerifyResult = { valid: true } | { valid: false; code: CryptoErrorCode; reason: string };

export interface SignOptions {
  /** Distinguishing identifier of the signer (UTF-8), default `1234567812345678`. */
  id?: string;
  /** Pure RFC 6979 (no fresh randomness): the same message and key always give the same signature. */
  deterministic?: boolean;
  /**
   * Remember the signature as valid, as verify's `remember` does once it has checked one: a signature
   * just made is valid under the signer's own key by construction, so a `remember` verification of it
   * in this process (the embedded ledger's chaincode checking a body the gateway signed) is answered
   * without the curve arithmetic. Under any other key, message or id it is checked as ever.
   */
  remember?: boolean;
}

const CURVE_CONSTANTS = concatBytes(...[CURVE.a, CURVE.b, CURVE.Gx, CURVE.Gy].map(bytes32));

/** The first byte of an uncompressed point's encoding, before x||y. */
const UNCOMPRESSED = Uint8Array.of(0x04);

/** x||y of a point, 64 bytes, as Z_A hashes it. */
function coordinates(point: Point): Uint8Array {
  return point.toBytes(false).subarray(1);
}

function zaOf(xy: Uint8Array, id: string): Uint8Array {
  if (typeof id !== 'string') throw new CryptoError('BAD_ARGUMENT', 'SM2 id must be a string', 'id');
  const idBytes = utf8(id);
  // ENTL is the bit length of the id in two bytes.
  if (idBytes.length > SM2_ID_MAX_BYTES) {
    throw new CryptoError('BAD_LENGTH', `SM2 id must be at most ${SM2_ID_MAX_BYTES} UTF-8 bytes`, 'id');
  }
  const entl = Uint8Array.of((idBytes.length * 8) >> 8, (idBytes.length * 8) & 0xff);
  return sm3(concatBytes(entl, idBytes, CURVE_CONSTANTS, xy));
}

/** Z_A = SM3(ENTL || ID || a || b || Gx || Gy || xA || yA). */
export function computeZA(publicKey: string | Uint8Array, id: string = DEFAULT_SM2_ID): Uint8Array {
  return zaOf(coordinates(decodePoint(bytesOf(publicKey, 'publicKey'))), id);
}

function messageBytes(message: string | Uint8Array): Uint8Array {
  if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
    throw new CryptoError('BAD_ARGUMENT', 'message must be a string or bytes', 'message');
  }
  return utf8(message);
}

function eOf(za: Uint8Array, message: string | Uint8Array): Uint8Array {
  return sm3(concatBytes(za, messageBytes(message)));
}

/** e = SM3(Z_A || M), the value SM2 signs (what an HSM that "signs a digest" expects). */
export function computeE(
  message: string | Uint8Array,
  publicKey: string | Uint8Array,
  id: string = DEFAULT_SM2_ID,
): Uint8Array {
  return eOf(computeZA(publicKey, id), message);
}

/**
 * computeE of a message that arrives in chunks (a stream, e.g. a file of any size), hashed as it
 * comes: memory stays constant however long the message. Sign and verify the result with
 * signDigest and verifyDigest.
 */
export async function computeEStream(
  message: AsyncIterable<Uint8Array>,
  publicKey: string | Uint8Array,
  id: string = DEFAULT_SM2_ID,
): Promise<Uint8Array> {
  const za = computeZA(publicKey, id);
  async function* zaThenMessage(): AsyncIterable<Uint8Array> {
    yield za;
    yield* message;
  }
  return sm3Stream(zaThenMessage());
}

/** e given as a digest: exactly the 32 bytes of an SM3 value. */
function digestOf(e: Uint8Array | string): bigint {
  const bytes = bytesOf(e, 'e');
  if (bytes.length !== 32) throw new CryptoError('BAD_LENGTH', `e must be a 32-byte SM3 digest, got ${bytes.length} bytes`, 'e');
  return bytesToBigInt(bytes);
}

// ---- signing ----

/** Window 8 for G: 4,224 points (about 0.5 MB), built once, on the first signature or verification. */
const BASE_TABLE_WINDOW = 8;
let gTable: PointTable | undefined;

function baseTable(): PointTable {
  gTable ??= pointTable(Point.BASE, BASE_TABLE_WINDOW);
  return gTable;
}

interface RS {
  r: bigint;
  s: bigint;
}

/** One signing attempt with nonce k; undefined for the degenerate cases the standard skips. */
function trySign(e: bigint, d: bigint, k: bigint): RS | undefined {
  const x1 = baseMulX(k, baseTable()) ?? Point.BASE.multiply(k).x;
  const r = Fn.create(e + x1);
  if (r === 0n || r + k === CURVE.n) return undefined;
  const s = Fn.mul(modularInverse(d + 1n, CURVE.n), Fn.sub(k, Fn.mul(r, d)));
  return s === 0n ? undefined : { r, s };
}

const drbg = createHmacDrbg<RS>(32, 32, (key, ...messages) => hmacSm3(key, concatBytes(...messages)));

/**
 * The signer's x||y by private key, kept for the last keys used: deriving it is a scalar
 * multiplication, as costly as the signature itself, for a value that never changes. Keyed by the
 * SM3 of the scalar, so the map holds no private key.
 */
const SIGNER_CACHE_SIZE = 64;
const signerCoordinates = new Map<string, Uint8Array>();

function coordinatesOfSigner(d: bigint): Uint8Array {
  const cacheId = toHex(sm3(bytes32(d)));
  let xy = signerCoordinates.get(cacheId);
  if (!xy) {
    xy = coordinates(Point.BASE.multiply(d));
    if (signerCoordinates.size >= SIGNER_CACHE_SIZE) signerCoordinates.delete(signerCoordinates.keys().next().value!);
    signerCoordinates.set(cacheId, xy);
  }
  return xy;
}

/** SM2 signature of `message` (UTF-8 if a string) as DER SEQUENCE { r, s } (GM/T 0009). */
export function sign(message: string | Uint8Array, privateKey: Uint8Array, options: SignOptions = {}): Uint8Array {
  const d = privateScalar(privateKey);
  const xy = coordinatesOfSigner(d);
  const e = eOf(zaOf(xy, options.id ?? DEFAULT_SM2_ID), message);
  const rs = signRS(bytesToBigInt(e), d, options.deterministic);
  if (options.remember) remembered.set(signatureMemo(concatBytes(UNCOMPRESSED, xy), e, rs), true);
  return encodeSignature(rs);
}

/**
 * SM2 signature of a message given by its e = SM3(Z_A || M) (computeE / computeEStream, under the
 * signer's own public key and id), as an HSM that "signs a digest" makes it. Same nonce and
 * encoding as `sign`: sign(M) and signDigest(computeE(M)) are interchangeable.
 */
export function signDigest(e: Uint8Array | string, privateKey: Uint8Array, options: Pick<SignOptions, 'deterministic'> = {}): Uint8Array {
  const d = privateScalar(privateKey);
  return encodeSignature(signRS(digestOf(e), d, options.deterministic));
}

function signRS(e: bigint, d: bigint, deterministic: boolean | undefined): RS {
  const extra = deterministic ? new Uint8Array(0) : new Uint8Array(randomBytes(32));
  const seed = concatBytes(bytes32(d), bytes32(Fn.create(e)), extra);
  // RFC 6979 §3.2 h: draw candidates until k is in [1, n-1] and gives a usable signature.
  return drbg(seed, (candidate) => {
    const k = bytesToBigInt(candidate);
    return k >= 1n && k < CURVE.n ? trySign(e, d, k) : undefined;
  });
}

/**
 * Signs the digest e with a caller-given nonce k. Only for known-answer tests of the standard's
 * vectors and of the r = 0, r + k = n and s = 0 rejections: never export it from the package.
 */
export function signWithNonce(e: Uint8Array, privateKey: Uint8Array, k: Uint8Array): Uint8Array {
  const d = privateScalar(privateKey);
  const kValue = bytesToBigInt(k);
  const rs = kValue >= 1n && kValue < CURVE.n ? trySign(bytesToBigInt(e), d, kValue) : undefined;
  if (!rs) throw new CryptoError('BAD_ARGUMENT', 'this k gives no valid signature (r = 0, r + k = n or s = 0)', 'k');
  return encodeSignature(rs);
}

// ---- signature encodings ----

function encodeSignature({ r, s }: RS): Uint8Array {
  return derSequence(derInteger(r), derInteger(s));
}

function checkRange(rs: RS): RS {
  for (const part of ['r', 's'] as const) {
    if (rs[part] < 1n || rs[part] >= CURVE.n) throw new CryptoError('SCALAR_RANGE', `${part} is not in [1, n-1]`, part);
  }
  return rs;
}

function decodeDerSignature(der: Uint8Array): RS {
  if (der[0] !== 0x30) {
    throw new CryptoError(
      'BAD_SIGNATURE_FORMAT',
      `signature must be DER SEQUENCE { r, s } or 64 bytes r||s, got ${der.length} bytes`,
      'signature',
    );
  }
  const top = new DerReader(der, 'signature');
  const seq = top.readConstructed('signature');
  top.end();
  const rs = { r: seq.readInteger('r'), s: seq.readInteger('s') };
  seq.end();
  return checkRange(rs);
}

function decodeRawSignature(raw: Uint8Array): RS {
  if (raw.length !== 64) {
    throw new CryptoError('BAD_LENGTH', `raw signature must be 64 bytes, got ${raw.length}`, 'signature');
  }
  return checkRange({ r: bytesToBigInt(raw.subarray(0, 32)), s: bytesToBigInt(raw.subarray(32)) });
}

/** DER signature to 64-byte r||s, strictly (DER rules, r and s in [1, n-1]). */
export function signatureToRaw(der: Uint8Array): Uint8Array {
  const { r, s } = decodeDerSignature(der);
  return concatBytes(bytes32(r), bytes32(s));
}

/** 64-byte r||s to DER, strictly (r and s in [1, n-1]). */
export function signatureFromRaw(raw: Uint8Array): Uint8Array {
  return encodeSignature(decodeRawSignature(raw));
}

/** 64 bytes are r||s; anything else must be DER (a DER signature is 8 to 72 bytes, never 64 in practice). */
function decodeSignature(signature: Uint8Array | string): RS {
  const bytes = bytesOf(signature, 'signature');
  return bytes.length === 64 ? decodeRawSignature(bytes) : decodeDerSignature(bytes);
}

// ---- verification and its key cache ----

interface CachedKey {
  point: Point;
  zaDefault: Uint8Array;
  /** Verifications under this key since it entered the cache. */
  uses: number;
  table?: PointTable;
}

/**
 * Window 6: 1,408 affine points, about 160 KB per key, so a full cache stays near 40 MB. Against
 * window 4 (520 points) a verification takes 43 additions for the key instead of 61: about 1.4x the
 * verifications per CPU second, measured on this project's machines.
 */
const KEY_CACHE_SIZE = 256;
const KEY_TABLE_WINDOW = 6;
/**
 * A key gets its table on this use. The table costs about 8 first-use verifications and saves
 * three quarters of one on every later use (CPU time, measured): built once the first uses have
 * cost about as much extra as the table (the ski-rental rule), a key costs at most about twice what
 * the best choice in hindsight would have, whether it is used twice or a million times.
 */
export const KEY_TABLE_AFTER_USES = 10;
const keyCache = new LRUCache<string, CachedKey>({ max: KEY_CACHE_SIZE });

/**
 * Signatures found valid with `remember`, by SM3 of (public key, e, r, s): a signature checked when
 * a record was written need not be checked again each time the record is read. Only valid ones are
 * kept (no one can fill the set without valid signatures); 64 hex digits each, about 15 MB when full.
 */
const REMEMBERED_SIZE = 100_000;
const remembered = new LRUCache<string, true>({ max: REMEMBERED_SIZE });

/** Drops every cached public key and remembered signature (for benchmarks of the cold path, and tests). */
export function clearSm2KeyCache(): void {
  keyCache.clear();
  remembered.clear();
}

function cachedKey(publicKey: Uint8Array | string): CachedKey {
  const cacheId = typeof publicKey === 'string' ? publicKey : toHex(bytesOf(publicKey, 'publicKey'));
  const entry = keyCache.get(cacheId);
  if (entry) {
    entry.uses += 1;
    if (entry.uses >= KEY_TABLE_AFTER_USES) entry.table ??= pointTable(entry.point, KEY_TABLE_WINDOW);
    return entry;
  }
  const point = decodePoint(bytesOf(publicKey, 'publicKey'));
  const added: CachedKey = { point, zaDefault: zaOf(coordinates(point), DEFAULT_SM2_ID), uses: 1 };
  keyCache.set(cacheId, added);
  return added;
}

/**
 * Whether (e + x) mod n = r for x the affine x of [s]G + [t]P (false for infinity). Variable time:
 * every input is public. x is not computed: the x of the sum must be r - e modulo n, so it is that
 * value or that value plus n (when below p), checked on the Jacobian point. With the key's table
 * when it has one, else with its odd multiples (a first use); noble's complete formulas when the
 * fast arithmetic meets an exceptional case.
 */
function matchesR(e: bigint, r: bigint, s: bigint, t: bigint, key: CachedKey): boolean {
  const sum = key.table ? mulAdd(s, baseTable(), t, key.table) : mulAddOnce(s, baseTable(), t, key.point);
  if (sum !== undefined) {
    const x = Fn.create(r - e);
    return hasAffineX(sum, x) || (x + CURVE.n < CURVE.p && hasAffineX(sum, x + CURVE.n));
  }
  const slow = Point.BASE.multiplyUnsafe(s).add(key.point.multiplyUnsafe(t));
  return !slow.is0() && Fn.create(e + slow.toAffine().x) === r;
}

function verifyOrThrow(
  message: string | Uint8Array,
  signature: Uint8Array | string,
  publicKey: Uint8Array | string,
  options: VerifyOptions,
): VerifyResult {
  const rs = decodeSignature(signature);
  const key = cachedKey(publicKey);
  const za = options.id === undefined || options.id === DEFAULT_SM2_ID ? key.zaDefault : zaOf(coordinates(key.point), options.id);
  const e = eOf(za, message);
  if (!options.remember) return verifyE(bytesToBigInt(e), rs, key);
  // The point's own encoding, not the caller's (hex or bytes, compressed or not): one key, one entry.
  const memo = signatureMemo(key.point.toBytes(false), e, rs);
  if (remembered.get(memo)) return { valid: true };
  const result = verifyE(bytesToBigInt(e), rs, key);
  if (result.valid) remembered.set(memo, true);
  return result;
}

/** The remembered set's entry of a signature: SM3 of the key's uncompressed point, e, r and s. */
function signatureMemo(uncompressedPoint: Uint8Array, e: Uint8Array, rs: RS): string {
  return toHex(sm3(concatBytes(uncompressedPoint, e, bytes32(rs.r), bytes32(rs.s))));
}

function verifyE(e: bigint, { r, s }: RS, key: CachedKey): VerifyResult {
  const t = Fn.create(r + s);
  if (t === 0n) return { valid: false, code: 'BAD_SIGNATURE', reason: 't = (r + s) mod n is 0' };
  if (matchesR(e, r, s, t, key)) return { valid: true };
  return { valid: false, code: 'BAD_SIGNATURE', reason: 'signature does not match message and key' };
}

export interface VerifyOptions {
  /** Distinguishing identifier of the signer (UTF-8), default `1234567812345678`. */
  id?: string;
  /**
   * Remember a valid result, and answer from memory when the same signature of the same message
   * under the same key is asked again (e.g. a record's signature, checked when it was written and
   * again whenever it is read). The answer is the same either way: verification is a pure function.
   */
  remember?: boolean;
}

/**
 * Verifies an SM2 signature (DER or 64-byte r||s, bytes or hex) of `message` under `publicKey`.
 * Never throws: malformed input gives `{ valid: false }` with the error code and a reason.
 */
export function verify(
  message: string | Uint8Array,
  signature: Uint8Array | string,
  publicKey: Uint8Array | string,
  options: VerifyOptions = {},
): VerifyResult {
  return neverThrowing(() => verifyOrThrow(message, signature, publicKey, options));
}

/**
 * Verifies an SM2 signature of the message whose e = SM3(Z_A || M) is given (computeE /
 * computeEStream under this public key and the signer's id). Never throws, as `verify`.
 */
export function verifyDigest(e: Uint8Array | string, signature: Uint8Array | string, publicKey: Uint8Array | string): VerifyResult {
  return neverThrowing(() => {
    const digest = digestOf(e);
    const rs = decodeSignature(signature);
    return verifyE(digest, rs, cachedKey(publicKey));
  });
}

function neverThrowing(check: () => VerifyResult): VerifyResult {
  try {
    return check();
  } catch (err) {
    if (err instanceof CryptoError) return { valid: false, code: err.code, reason: err.message };
    return { valid: false, code: 'BAD_ARGUMENT', reason: err instanceof Error ? err.message : String(err) };
  }
}
