import test from 'ava';
import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { sm4 as smCryptoSm4 } from 'sm-crypto-v2';
import { bytesToBigInt, bigIntToBytes, concatBytes, fromHex, toHex, utf8 } from './bytes';
import { CryptoError } from './errors';
import {
  generateDocumentKey,
  openDocument,
  sealDocument,
  sm4BlockCipher,
  sm4DecryptBlock,
  sm4EncryptBlock,
} from './sm4';

const GB_KEY = fromHex('0123456789abcdeffedcba9876543210', 'key');

// --- An independent SM4-GCM per NIST SP 800-38D: native SM4 for E_K, native sm4-ctr for the
// --- keystream, and GHASH written here over bigint, sharing no code with sm-crypto-v2.

const R = 0xe1n << 120n;

function gfMultiply(x: bigint, y: bigint): bigint {
  let z = 0n;
  let v = y;
  for (let i = 127n; i >= 0n; i--) {
    if ((x >> i) & 1n) z ^= v;
    v = v & 1n ? (v >> 1n) ^ R : v >> 1n;
  }
  return z;
}

function ghash(h: bigint, data: Uint8Array): bigint {
  let y = 0n;
  for (let at = 0; at < data.length; at += 16) y = gfMultiply(y ^ bytesToBigInt(data.subarray(at, at + 16)), h);
  return y;
}

function zeroPadded(bytes: Uint8Array): Uint8Array {
  return concatBytes(bytes, new Uint8Array((16 - (bytes.length % 16)) % 16));
}

function referenceGcm(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, input: Uint8Array, encrypting: boolean) {
  const h = bytesToBigInt(sm4EncryptBlock(key, new Uint8Array(16)));
  const j0 = concatBytes(nonce, fromHex('00000001', 'ctr'));
  const ctr = createCipheriv('sm4-ctr', key, concatBytes(nonce, fromHex('00000002', 'ctr')));
  const output = new Uint8Array(ctr.update(input));
  const ciphertext = encrypting ? output : input;
  const lengths = concatBytes(bigIntToBytes(BigInt(aad.length * 8), 8), bigIntToBytes(BigInt(ciphertext.length * 8), 8));
  const s = ghash(h, concatBytes(zeroPadded(aad), zeroPadded(ciphertext), lengths));
  const tag = bigIntToBytes(s ^ bytesToBigInt(sm4EncryptBlock(key, j0)), 16);
  return { output, tag };
}

// RFC 8998 appendix A.1 (also GmSSL's SM4-GCM test).
const RFC8998 = {
  key: GB_KEY,
  nonce: fromHex('00001234567800000000abcd', 'nonce'),
  aad: fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'aad'),
  plaintext: fromHex(
    'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa',
    'pt',
  ),
  ciphertext:
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
  tag: '83de3541e4c2b58177e065a9bf7b62ec',
};

const HEADER_BYTES = 6;
const NONCE_BYTES = 12;

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CryptoError) return e.code;
    throw e;
  }
  return undefined;
}

test('GB/T 32907 one-block vector, both directions', (t) => {
  t.is(toHex(sm4EncryptBlock(GB_KEY, GB_KEY)), '681edf34d206965e86b3e94f536e4246');
  t.is(toHex(sm4DecryptBlock(GB_KEY, fromHex('681edf34d206965e86b3e94f536e4246', 'c'))), toHex(GB_KEY));
});

test('GB/T 32907 1,000,000-iteration vector, with one cipher object', (t) => {
  const cipher = sm4BlockCipher(GB_KEY);
  let block = GB_KEY;
  for (let i = 0; i < 1_000_000; i++) block = cipher.encryptBlock(block);
  t.is(toHex(block), '595298c7c6fd271f0402f804c33d3f66');
  for (let i = 0; i < 1_000_000; i++) block = cipher.decryptBlock(block);
  t.is(toHex(block), toHex(GB_KEY));
});

test('block functions refuse wrong lengths, naming the input', (t) => {
  for (const [key, block, part] of [
    [new Uint8Array(15), GB_KEY, 'key'],
    [GB_KEY, new Uint8Array(17), 'block'],
    [GB_KEY, new Uint8Array(0), 'block'],
  ] as const) {
    const err = t.throws(() => sm4EncryptBlock(key, block), { instanceOf: CryptoError });
    t.is(err?.code, 'BAD_LENGTH');
    t.is(err?.part, part);
  }
});

test('the reference GCM and sm-crypto-v2 both reproduce RFC 8998 A.1', (t) => {
  const { key, nonce, aad, plaintext } = RFC8998;
  const reference = referenceGcm(key, nonce, aad, plaintext, true);
  t.is(toHex(reference.output), RFC8998.ciphertext);
  t.is(toHex(reference.tag), RFC8998.tag);
  const library = smCryptoSm4.encrypt(plaintext, key, { mode: 'gcm', iv: nonce, associatedData: aad, outputTag: true, output: 'array' });
  t.is(toHex(library.output), RFC8998.ciphertext);
  t.is(toHex(library.tag!), RFC8998.tag);
});

test('an envelope is standard SM4-GCM with additional data = header || associated data', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 40 }), (plaintext, aad) => {
      const key = generateDocumentKey();
      const envelope = sealDocument(key, plaintext, aad);
      const header = envelope.subarray(0, HEADER_BYTES);
      const nonce = envelope.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
      const ciphertext = envelope.subarray(HEADER_BYTES + NONCE_BYTES, envelope.length - 16);
      const reference = referenceGcm(key, nonce, concatBytes(header, aad), ciphertext, false);
      return toHex(reference.output) === toHex(plaintext) && toHex(reference.tag) === toHex(envelope.subarray(envelope.length - 16));
    }),
    { numRuns: 50 },
  );
  t.pass();
});

test('envelope layout: magic, version, algorithm, nonce, ciphertext, tag', (t) => {
  const envelope = sealDocument(generateDocumentKey(), utf8('hello'));
  t.is(toHex(envelope.subarray(0, HEADER_BYTES)), toHex(concatBytes(utf8('HNDE'), fromHex('0101', 'v'))));
  t.is(envelope.length, HEADER_BYTES + NONCE_BYTES + 5 + 16);
  t.is(envelope.constructor, Uint8Array);
});

test('round trips, with and without associated data', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }), (plaintext, aad) => {
      const key = generateDocumentKey();
      return toHex(openDocument(key, sealDocument(key, plaintext, aad), aad)) === toHex(plaintext);
    }),
  );
  t.pass();
});

test('the nonce is fresh: sealing twice gives different envelopes', (t) => {
  const key = generateDocumentKey();
  t.not(toHex(sealDocument(key, utf8('same'))), toHex(sealDocument(key, utf8('same'))));
  t.is(generateDocumentKey().length, 16);
});

test('every single-bit flip of an envelope is rejected', (t) => {
  const key = generateDocumentKey();
  const aad = utf8('licence:1.2.156.3005.2.example');
  const envelope = sealDocument(key, utf8('a short 电子证照 document'), aad);
  for (let bit = 0; bit < envelope.length * 8; bit++) {
    const flipped = envelope.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    const code = errorCode(() => openDocument(key, flipped, aad));
    t.is(code, bit < HEADER_BYTES * 8 ? 'BAD_ENVELOPE' : 'DECRYPT_FAILED', `bit ${bit}`);
  }
});

test('wrong key, wrong or missing associated data: DECRYPT_FAILED', (t) => {
  const key = generateDocumentKey();
  const envelope = sealDocument(key, utf8('document'), utf8('doc-1'));
  t.is(errorCode(() => openDocument(generateDocumentKey(), envelope, utf8('doc-1'))), 'DECRYPT_FAILED');
  t.is(errorCode(() => openDocument(key, envelope, utf8('doc-2'))), 'DECRYPT_FAILED');
  t.is(errorCode(() => openDocument(key, envelope)), 'DECRYPT_FAILED');
  t.is(errorCode(() => openDocument(key, sealDocument(key, utf8('document')), utf8('doc-1'))), 'DECRYPT_FAILED');
});

test('truncation, extension and unknown versions are rejected', (t) => {
  const key = generateDocumentKey();
  const envelope = sealDocument(key, utf8('some document'));
  for (let length = 0; length < envelope.length; length++) {
    const code = errorCode(() => openDocument(key, envelope.subarray(0, length)));
    t.is(code, length < HEADER_BYTES + NONCE_BYTES + 16 ? 'BAD_ENVELOPE' : 'DECRYPT_FAILED', `length ${length}`);
  }
  t.is(errorCode(() => openDocument(key, concatBytes(envelope, new Uint8Array(1)))), 'DECRYPT_FAILED');
  for (const [offset, value, part] of [[4, 2, 'version'], [5, 2, 'algorithm'], [0, 0x68, 'magic']] as const) {
    const changed = envelope.slice();
    changed[offset] = value;
    const err = t.throws(() => openDocument(key, changed), { instanceOf: CryptoError });
    t.is(err?.code, 'BAD_ENVELOPE');
    t.is(err?.part, part);
  }
});

test('keys of the wrong length are refused before any cryptography', (t) => {
  for (const length of [0, 15, 17, 32]) {
    t.is(errorCode(() => sealDocument(new Uint8Array(length), utf8('x'))), 'BAD_LENGTH');
    t.is(errorCode(() => openDocument(new Uint8Array(length), new Uint8Array(40))), 'BAD_LENGTH');
  }
});
