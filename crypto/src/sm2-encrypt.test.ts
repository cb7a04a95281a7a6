import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { DerReader, derInteger, derOctetString, derSequence } from './asn1';
import { bigIntToBytes, concatBytes, fromHex, toHex, utf8 } from './bytes';
import { CryptoError, type CryptoErrorCode } from './errors';
import { CURVE } from './sm2-curve';
import { decrypt, encrypt } from './sm2-encrypt';
import { generateKeyPair } from './sm2-keys';

const { privateKey, publicKey } = generateKeyPair();

/** sm-crypto 0.5.8 (no types): raw C1C3C2 hex without the 04 of C1 when cipherMode is 1. */
const legacy = (require('sm-crypto') as { sm2: LegacySm2 }).sm2;
interface LegacySm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doEncrypt(msg: Uint8Array, publicKey: string, cipherMode: 1): string;
  doDecrypt(data: string, privateKey: string, cipherMode: 1, options: { output: 'array' }): number[];
}

/** The parts of a DER ciphertext, and its raw 04||x||y||C3||C2 form. */
function cipherParts(der: Uint8Array) {
  const seq = new DerReader(der, 'c').readConstructed('seq');
  const x = seq.readInteger('x');
  const y = seq.readInteger('y');
  const c3 = seq.readOctetString('hash');
  const c2 = seq.readOctetString('ciphertext');
  const raw = concatBytes(Uint8Array.of(4), bigIntToBytes(x, 32), bigIntToBytes(y, 32), c3, c2);
  return { x, y, c3, c2, raw };
}

test('property: encrypt/decrypt round trip, DER and raw', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (plaintext) => {
      const der = encrypt(publicKey, plaintext);
      const { c3, c2, raw } = cipherParts(der);
      assert.equal(c3.length, 32);
      assert.equal(c2.length, plaintext.length);
      assert.equal(toHex(decrypt(privateKey, der)), toHex(plaintext));
      assert.equal(toHex(decrypt(privateKey, raw)), toHex(plaintext));
    }),
    { numRuns: 40 },
  );
  t.pass();
});

test('encryption is randomised and hides the plaintext', (t) => {
  const message = utf8('身份证号 410102199001011234');
  const a = encrypt(toHex(publicKey), message);
  const b = encrypt(publicKey, message);
  t.not(toHex(a), toHex(b));
  t.false(toHex(a).includes(toHex(message)));
  t.is(toHex(decrypt(privateKey, a)), toHex(message));
});

function failure(fn: () => unknown): { code: CryptoErrorCode; message: string } | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof CryptoError) return { code: err.code, message: err.message };
    throw err;
  }
  return undefined;
}

test('tampering, wrong keys and bad C1 all give the same DECRYPT_FAILED', (t) => {
  const plaintext = utf8('a licence of 河南');
  const der = encrypt(publicKey, plaintext);
  const { x, y, c3, c2, raw } = cipherParts(der);
  const rebuild = (xx: bigint, yy: bigint, h: Uint8Array, c: Uint8Array) =>
    derSequence(derInteger(xx), derInteger(yy), derOctetString(h), derOctetString(c));
  const flipped = (bytes: Uint8Array, i: number) => bytes.map((b, j) => (j === i ? b ^ 1 : b));
  const cases: [string, () => unknown][] = [
    ['flipped C2', () => decrypt(privateKey, rebuild(x, y, c3, flipped(c2, 0)))],
    ['flipped C3', () => decrypt(privateKey, rebuild(x, y, flipped(c3, 31), c2))],
    ['C1 off the curve', () => decrypt(privateKey, rebuild(x, y ^ 1n, c3, c2))],
    ['C1 with x >= p', () => decrypt(privateKey, rebuild(x + CURVE.p, y, c3, c2))],
    ['raw with flipped C1', () => decrypt(privateKey, flipped(raw, 10))],
    ['wrong private key', () => decrypt(generateKeyPair().privateKey, der)],
  ];
  for (const [name, run] of cases) t.deepEqual(failure(run), { code: 'DECRYPT_FAILED', message: 'SM2 decryption failed' }, name);
});

test('malformed ciphertexts give DECRYPT_FAILED or BAD_DER with what is wrong', (t) => {
  const der = encrypt(publicKey, utf8('x'));
  const { x, y, c3, raw } = cipherParts(der);
  const withParts = (hash: Uint8Array, c2: Uint8Array) =>
    derSequence(derInteger(x), derInteger(y), derOctetString(hash), derOctetString(c2));
  const table: [string, Uint8Array, CryptoErrorCode, RegExp][] = [
    ['empty', new Uint8Array(0), 'DECRYPT_FAILED', /empty/],
    ['raw too short', raw.subarray(0, 97), 'DECRYPT_FAILED', /too short/],
    ['unknown format', Uint8Array.of(0x05, 1, 2), 'DECRYPT_FAILED', /DER \(GM\/T 0009\) or raw/],
    ['trailing bytes', concatBytes(der, Uint8Array.of(0)), 'BAD_DER', /trailing/],
    ['truncated DER', der.subarray(0, der.length - 1), 'BAD_DER', /truncated/],
    ['hash of 31 bytes', withParts(c3.subarray(1), Uint8Array.of(1)), 'BAD_DER', /32 bytes/],
    ['empty C2', withParts(c3, new Uint8Array(0)), 'DECRYPT_FAILED', /empty/],
  ];
  for (const [name, input, code, message] of table) {
    const f = failure(() => decrypt(privateKey, input));
    t.is(f?.code, code, name);
    t.regex(f?.message ?? '', message, name);
  }
  t.is(failure(() => encrypt(publicKey, new Uint8Array(0)))?.code, 'BAD_ARGUMENT');
  t.is(failure(() => encrypt(toHex(publicKey).slice(2), utf8('x')))?.code, 'BAD_LENGTH');
  t.is(failure(() => decrypt(new Uint8Array(32), der))?.code, 'SCALAR_RANGE');
});

test('sm-crypto cross-check, both directions, C1C3C2, with keys made by each side', (t) => {
  const theirs = legacy.generateKeyPairHex();
  const theirPrivate = fromHex(theirs.privateKey.padStart(64, '0'), 'sm-crypto key');
  const ours = { privateKey: toHex(privateKey), publicKey: toHex(publicKey) };
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (plaintext) => {
      // theirs -> ours: their raw form lacks the 04 prefix of C1.
      for (const [pub, priv] of [[theirs.publicKey, theirPrivate], [ours.publicKey, privateKey]] as const) {
        const fromThem = fromHex('04' + legacy.doEncrypt(plaintext, pub, 1), 'sm-crypto ciphertext');
        assert.equal(toHex(decrypt(priv, fromThem)), toHex(plaintext));
      }
      // ours -> theirs
      for (const [pub, priv] of [[theirs.publicKey, theirs.privateKey], [ours.publicKey, ours.privateKey]] as const) {
        const rawHex = toHex(cipherParts(encrypt(pub, plaintext)).raw).slice(2);
        assert.equal(toHex(Uint8Array.from(legacy.doDecrypt(rawHex, priv, 1, { output: 'array' }))), toHex(plaintext));
      }
    }),
    { numRuns: 10 },
  );
  t.pass();
});
