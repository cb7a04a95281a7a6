/**
 * SM2 public-key encryption (GB/T 32918.4) in C1C3C2 order. Ciphertexts are written as GM/T 0009
 * DER `SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING (32), ciphertext OCTET STRING }` (what
 * OpenSSL writes) and read in that form or raw `04 || x || y || C3 || C2`.
 */
import { randomBytes } from 'node:crypto';
import { DerReader, derInteger, derOctetString, derSequence } from './asn1';
import { bytesToBigInt, concatBytes, equalBytes } from './bytes';
import { CryptoError } from './errors';
import { CURVE, Point, bytesOf, decodePoint, encodePoint, privateScalar, bytes32 } from './sm2-curve';
import { sm3 } from './sm3';

/** KDF of GB/T 32918.4 §5.4.3: SM3(Z || ct) blocks, ct a 32-bit big-endian counter from 1. */
function kdf(z: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let ct = 1, offset = 0; offset < length; ct++, offset += 32) {
    const block = sm3(concatBytes(z, Uint8Array.of(ct >>> 24, (ct >>> 16) & 0xff, (ct >>> 8) & 0xff, ct & 0xff)));
    out.set(block.subarray(0, Math.min(32, length - offset)), offset);
  }
  return out;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((byte, i) => byte ^ b[i]!);
}

/** Encrypts non-empty `plaintext` to `publicKey` (hex or bytes); the result is DER. */
export function encrypt(publicKey: string | Uint8Array, plaintext: Uint8Array): Uint8Array {
  const point = decodePoint(bytesOf(publicKey, 'publicKey'));
  if (!(plaintext instanceof Uint8Array) || plaintext.length === 0) {
    throw new CryptoError('BAD_ARGUMENT', 'plaintext must be non-empty bytes', 'plaintext');
  }
  for (;;) {
    const k = bytesToBigInt(randomBytes(32));
    if (k < 1n || k >= CURVE.n) continue;
    const c1 = Point.BASE.multiply(k).toAffine();
    const shared = encodePoint(point.multiply(k)).subarray(1); // x2 || y2
    const t = kdf(shared, plaintext.length);
    if (t.every((byte) => byte === 0)) continue; // the standard's step A5: pick another k
    const c3 = sm3(concatBytes(shared.subarray(0, 32), plaintext, shared.subarray(32)));
    return derSequence(derInteger(c1.x), derInteger(c1.y), derOctetString(c3), derOctetString(xor(plaintext, t)));
  }
}

interface Parts {
  c1: Uint8Array; // 04 || x || y
  c3: Uint8Array;
  c2: Uint8Array;
}

function decryptFailed(message = 'SM2 decryption failed'): CryptoError {
  return new CryptoError('DECRYPT_FAILED', message);
}

function readParts(ciphertext: Uint8Array): Parts {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length === 0) throw decryptFailed('ciphertext is empty');
  if (ciphertext[0] === 0x04) {
    if (ciphertext.length < 65 + 32 + 1) throw decryptFailed('raw SM2 ciphertext is too short');
    return { c1: ciphertext.subarray(0, 65), c3: ciphertext.subarray(65, 97), c2: ciphertext.subarray(97) };
  }
  if (ciphertext[0] !== 0x30) {
    throw decryptFailed('SM2 ciphertext must be DER (GM/T 0009) or raw 04||C1||C3||C2');
  }
  const top = new DerReader(ciphertext, 'SM2Cipher');
  const seq = top.readConstructed('sm2Cipher');
  top.end();
  const x = seq.readInteger('x');
  const y = seq.readInteger('y');
  const c3 = seq.readOctetString('hash');
  const c2 = seq.readOctetString('ciphertext');
  seq.end();
  if (c3.length !== 32) throw new CryptoError('BAD_DER', `SM2Cipher: hash must be 32 bytes, got ${c3.length}`, 'hash');
  if (c2.length === 0) throw decryptFailed('SM2 ciphertext is empty');
  // Coordinates >= p are no point; they are reported like any other bad C1.
  if (x >= CURVE.p || y >= CURVE.p) throw decryptFailed();
  return { c1: concatBytes(Uint8Array.of(4), bytes32(x), bytes32(y)), c3, c2 };
}

/**
 * Decrypts a DER or raw C1C3C2 ciphertext. Every failure after parsing (C1 off the curve, hash
 * mismatch) is the same DECRYPT_FAILED error, so callers learn nothing about which step failed.
 */
export function decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const d = privateScalar(privateKey);
  const { c1, c3, c2 } = readParts(ciphertext);
  let point: Point;
  try {
    point = decodePoint(c1, 'C1');
  } catch {
    throw decryptFailed();
  }
  const shared = encodePoint(point.multiply(d)).subarray(1);
  const t = kdf(shared, c2.length);
  const plaintext = xor(c2, t);
  const u = sm3(concatBytes(shared.subarray(0, 32), plaintext, shared.subarray(32)));
  if (t.every((byte) => byte === 0) || !equalBytes(u, c3)) throw decryptFailed();
  return plaintext;
}
