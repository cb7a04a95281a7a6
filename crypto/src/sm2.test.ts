import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { TAG, derElement, derInteger, derSequence } from './asn1';
import { bigIntToBytes, concatBytes, fromHex, toHex } from './bytes';
import { CryptoError, type CryptoErrorCode } from './errors';
import { CURVE, Point } from './sm2-curve';
import { generateKeyPair, publicKeyFromPrivateKey } from './sm2-keys';
import { hasAffineX } from './sm2-jacobian';
import { baseMulX, mulAdd, pointTable } from './sm2-precompute';
import {
  DEFAULT_SM2_ID,
  KEY_TABLE_AFTER_USES,
  clearSm2KeyCache,
  computeE,
  computeEStream,
  computeZA,
  sign,
  signDigest,
  signWithNonce,
  signatureFromRaw,
  signatureToRaw,
  verify,
  verifyDigest,
  type VerifyResult,
} from './sm2';

const h = (hex: string) => fromHex(hex, 'test');
const n = CURVE.n;

// GM/T 0003.5 annex, recommended curve (sm-vectors.md).
const V = {
  d: h('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8'),
  pub:
    '04' +
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
    'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  za: 'b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3',
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  k: h('59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21'),
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};

test('official vector: public key, Z_A, e, r and s', (t) => {
  t.is(toHex(publicKeyFromPrivateKey(V.d)), V.pub.toLowerCase());
  t.is(toHex(computeZA(V.pub, '1234567812345678')), V.za);
  t.is(toHex(computeZA(h(V.pub))), V.za);
  const e = computeE('message digest', V.pub);
  t.is(toHex(e), V.e);
  const der = signWithNonce(e, V.d, V.k);
  t.is(toHex(signatureToRaw(der)), V.r + V.s);
  t.is(toHex(der), toHex(derSequence(derInteger(BigInt('0x' + V.r)), derInteger(BigInt('0x' + V.s)))));
});

test('official vector verifies as DER and raw, bytes and hex, cold and cached', (t) => {
  clearSm2KeyCache();
  const der = signWithNonce(h(V.e), V.d, V.k);
  for (let i = 0; i <= KEY_TABLE_AFTER_USES; i++) {
    t.deepEqual(verify('message digest', der, V.pub), { valid: true });
    t.deepEqual(verify(new TextEncoder().encode('message digest'), toHex(der), h(V.pub)), { valid: true });
    t.deepEqual(verify('message digest', V.r + V.s, V.pub.toLowerCase()), { valid: true });
  }
  t.deepEqual(verify('message digest!', der, V.pub), {
    valid: false,
    code: 'BAD_SIGNATURE',
    reason: 'signature does not match message and key',
  });
});

test('signWithNonce rejects the degenerate nonces the standard skips', (t) => {
  const d = 7n;
  const k = 12345n;
  const x1 = Point.BASE.multiply(k).x;
  const dBytes = bigIntToBytes(d, 32);
  const kBytes = bigIntToBytes(k, 32);
  const eFor = (r: bigint) => bigIntToBytes((((r - x1) % n) + n) % n, 32);
  // r = 0; r + k = n; s = 0 (k = r * d, i.e. r = k / d)
  const rForZeroS = (k * Point.Fn.inv(d)) % n;
  for (const e of [eFor(0n), eFor(n - k), eFor(rForZeroS)]) {
    t.is(t.throws(() => signWithNonce(e, dBytes, kBytes), { instanceOf: CryptoError })?.code, 'BAD_ARGUMENT');
  }
  t.notThrows(() => signWithNonce(eFor(5n), dBytes, kBytes));
  for (const badK of [0n, n]) {
    t.throws(() => signWithNonce(eFor(5n), dBytes, bigIntToBytes(badK, 32)), { instanceOf: CryptoError });
  }
});

test('hedged signatures differ each time; deterministic ones repeat; both verify', (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  const a = sign('same message', privateKey);
  const b = sign('same message', privateKey);
  t.not(toHex(a), toHex(b));
  const c = sign('same message', privateKey, { deterministic: true });
  const d = sign('same message', privateKey, { deterministic: true });
  t.is(toHex(c), toHex(d));
  t.not(toHex(c), toHex(sign('other message', privateKey, { deterministic: true })));
  t.not(toHex(c), toHex(sign('same message', privateKey, { deterministic: true, id: 'alice' })));
  for (const sig of [a, b, c]) t.true(verify('same message', sig, publicKey).valid);
  t.true(verify('same message', sign('same message', privateKey, { deterministic: true, id: 'alice' }), publicKey, { id: 'alice' }).valid);
});

/** `bytes` as a stream in the given chunk sizes (the rest as one last chunk). */
async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncIterable<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    yield bytes.subarray(at, at + size);
    at += size;
  }
  yield bytes.subarray(at);
}

test('streamed e and the digest forms: the same e as computeE, interchangeable with sign and verify', async (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  const message = new Uint8Array(100_000).map((_, i) => (i * 31) % 251);
  for (const id of [DEFAULT_SM2_ID, 'zhengzhou-approvals']) {
    const e = computeE(message, publicKey, id);
    t.is(toHex(await computeEStream(chunked(message, [0, 1, 63, 64, 4096]), publicKey, id)), toHex(e), id);
    t.deepEqual(verifyDigest(e, sign(message, privateKey, { id }), publicKey), { valid: true }, id);
    t.deepEqual(verify(message, signDigest(e, privateKey), publicKey, { id }), { valid: true }, id);
    t.is(toHex(signDigest(toHex(e), privateKey, { deterministic: true })), toHex(sign(message, privateKey, { id, deterministic: true })));
  }
  // The official vector's e, signed as a digest, verifies; any other e does not.
  const sig = signDigest(V.e, V.d);
  t.deepEqual(verifyDigest(V.e, sig, V.pub), { valid: true });
  t.deepEqual(verify('message digest', sig, V.pub), { valid: true });
  t.is((verifyDigest(V.za, sig, V.pub) as { code: string }).code, 'BAD_SIGNATURE');
  // An e that is no SM3 digest is refused, never signed or checked.
  for (const e of [new Uint8Array(31), new Uint8Array(33), '']) {
    t.is(t.throws(() => signDigest(e, V.d), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
    t.is((verifyDigest(e, sig, V.pub) as { code: string }).code, 'BAD_LENGTH');
  }
  t.is((verifyDigest('zz', sig, V.pub) as { code: string }).code, 'BAD_HEX');
  await t.throwsAsync(computeEStream(chunked(message, []), publicKey, 'x'.repeat(8192)), { instanceOf: CryptoError });
});

test('the id is part of the signature: Z_A differs and a wrong id fails', (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  t.not(toHex(computeZA(publicKey, 'agency-410000')), toHex(computeZA(publicKey)));
  t.is(DEFAULT_SM2_ID, '1234567812345678');
  const sig = sign('m', privateKey, { id: 'agency-410000' });
  t.true(verify('m', sig, publicKey, { id: 'agency-410000' }).valid);
  t.is((verify('m', sig, publicKey) as { code: string }).code, 'BAD_SIGNATURE');
  t.true(verify('m', sign('m', privateKey, { id: '' }), publicKey, { id: '' }).valid);
  // ENTL is two bytes of bits: 8191 bytes is the longest id.
  t.notThrows(() => computeZA(publicKey, 'x'.repeat(8191)));
  t.is(t.throws(() => computeZA(publicKey, 'x'.repeat(8192)), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
  t.is(t.throws(() => sign('m', privateKey, { id: '字'.repeat(2731) }), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
});

test('property: sign/verify round trip for random messages, ids and keys', (t) => {
  const keys = [generateKeyPair(), generateKeyPair()];
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 })),
      fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: undefined }),
      fc.nat(1),
      fc.boolean(),
      (message, id, which, deterministic) => {
        const { privateKey, publicKey } = keys[which]!;
        const sig = sign(message, privateKey, { id, deterministic });
        assert.deepEqual(verify(message, sig, publicKey, { id }), { valid: true });
        assert.deepEqual(verify(message, signatureToRaw(sig), toHex(publicKey), { id }), { valid: true });
        assert.equal(verify(message, sig, keys[1 - which]!.publicKey, { id }).valid, false);
      },
    ),
    { numRuns: 60 },
  );
  t.pass();
});

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

test('property: flipping any single bit of message, signature or key makes verify fail without throwing', (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  const message = new TextEncoder().encode('电子证照 410000-2024-000001');
  const der = sign(message, privateKey);
  const raw = signatureToRaw(der);
  t.true(verify(message, der, publicKey).valid);
  const inputs: [string, Uint8Array, (x: Uint8Array) => VerifyResult][] = [
    ['message', message, (m) => verify(m, der, publicKey)],
    ['DER signature', der, (s) => verify(message, s, publicKey)],
    ['raw signature', raw, (s) => verify(message, s, publicKey)],
    ['public key', publicKey, (p) => verify(message, der, p)],
  ];
  const codes = new Set<string>();
  for (const [what, bytes, check] of inputs) {
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const result = check(flipBit(bytes, bit));
        assert.equal(result.valid, false, `${what} bit ${bit}`);
        if (!result.valid) codes.add(result.code);
      }),
      { numRuns: 150 },
    );
  }
  // Different flips fail for different, specific reasons.
  for (const code of ['BAD_SIGNATURE', 'BAD_DER', 'NOT_ON_CURVE']) t.true(codes.has(code), code);
});

test('property: DER and raw signatures convert both ways, strictly', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: n - 1n }), (r, s) => {
      const raw = concatBytes(bigIntToBytes(r, 32), bigIntToBytes(s, 32));
      const der = signatureFromRaw(raw);
      assert.equal(toHex(der), toHex(derSequence(derInteger(r), derInteger(s))));
      assert.equal(toHex(signatureToRaw(der)), toHex(raw));
    }),
  );
  const der = signatureFromRaw(h(V.r + V.s));
  t.true(der.length >= 70 && der.length <= 72);
  t.is(t.throws(() => signatureFromRaw(h(V.r)), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
  t.is(t.throws(() => signatureToRaw(concatBytes(der, Uint8Array.of(0))), { instanceOf: CryptoError })?.code, 'BAD_DER');
  t.is(t.throws(() => signatureFromRaw(new Uint8Array(64)), { instanceOf: CryptoError })?.code, 'SCALAR_RANGE');
});

// ---- bad inputs: each with its specific code ----

const vectorDer = () => signWithNonce(h(V.e), V.d, V.k);
const raw = (r: bigint, s: bigint) => toHex(concatBytes(bigIntToBytes(r, 32), bigIntToBytes(s, 32)));
const int = (content: Uint8Array) => derElement(TAG.INTEGER, content);
const rBytes = h(V.r);
const sContent = concatBytes(Uint8Array.of(0), h(V.s)); // s has its top bit set: minimal is 00 || s
const offCurve = V.pub.slice(0, -2) + (V.pub.endsWith('13') ? '14' : '13');

const badVerify: [string, () => VerifyResult, CryptoErrorCode, RegExp][] = [
  ['malformed signature hex', () => verify('message digest', 'zz' + V.r, V.pub), 'BAD_HEX', /signature/],
  ['odd-length signature hex', () => verify('message digest', V.r + V.s + '0', V.pub), 'BAD_HEX', /signature/],
  ['signature of the wrong length', () => verify('message digest', V.r, V.pub), 'BAD_SIGNATURE_FORMAT', /32 bytes/],
  ['empty signature', () => verify('message digest', new Uint8Array(0), V.pub), 'BAD_SIGNATURE_FORMAT', /0 bytes/],
  ['r = 0', () => verify('message digest', raw(0n, 1n), V.pub), 'SCALAR_RANGE', /^r /],
  ['r = n', () => verify('message digest', raw(n, 1n), V.pub), 'SCALAR_RANGE', /^r /],
  ['s = n', () => verify('message digest', raw(1n, n), V.pub), 'SCALAR_RANGE', /^s /],
  ['s = 0 in DER', () => verify('message digest', derSequence(derInteger(1n), derInteger(0n)), V.pub), 'SCALAR_RANGE', /^s /],
  ['t = (r + s) mod n = 0', () => verify('message digest', raw(1n, n - 1n), V.pub), 'BAD_SIGNATURE', /t = \(r \+ s\) mod n is 0/],
  ['DER with trailing bytes', () => verify('message digest', concatBytes(vectorDer(), Uint8Array.of(0)), V.pub), 'BAD_DER', /trailing/],
  [
    'DER with a non-minimal integer',
    () => verify('message digest', derSequence(int(concatBytes(Uint8Array.of(0, 0), rBytes)), int(sContent)), V.pub),
    'BAD_DER',
    /not minimal/,
  ],
  ['DER with a negative integer', () => verify('message digest', derSequence(int(rBytes), int(h(V.s))), V.pub), 'BAD_DER', /negative/],
  ['DER truncated', () => verify('message digest', vectorDer().subarray(0, 40), V.pub), 'BAD_DER', /truncated/],
  ['malformed public key hex', () => verify('message digest', vectorDer(), V.pub.replace('04', 'g4')), 'BAD_HEX', /publicKey/],
  ['public key of the wrong length', () => verify('message digest', vectorDer(), V.pub.slice(2)), 'BAD_LENGTH', /publicKey/],
  ['public key not on the curve', () => verify('message digest', vectorDer(), offCurve), 'NOT_ON_CURVE', /not a point/],
  ['public key with a bad prefix', () => verify('message digest', vectorDer(), '05' + V.pub.slice(2)), 'NOT_ON_CURVE', /prefix/],
  ['id too long', () => verify('message digest', vectorDer(), V.pub, { id: 'x'.repeat(8192) }), 'BAD_LENGTH', /8191/],
  ['message of the wrong type', () => verify(42 as unknown as string, vectorDer(), V.pub), 'BAD_ARGUMENT', /message/],
  ['signature of the wrong type', () => verify('m', {} as unknown as string, V.pub), 'BAD_ARGUMENT', /signature/],
];

for (const [name, run, code, reason] of badVerify) {
  test(`verify: ${name} -> ${code}`, (t) => {
    const result = run();
    t.false(result.valid);
    if (!result.valid) {
      t.is(result.code, code);
      t.regex(result.reason, reason);
    }
  });
}

test('the raw signature of a valid DER is not confused with DER', (t) => {
  t.is(vectorDer().length, 72);
  t.true(verify('message digest', h(V.r + V.s), V.pub).valid);
});

// ---- the fast path and its fallback ----

test('mulAdd equals noble arithmetic (checked by its affine x), and gives up on infinity and doubling', (t) => {
  const G = Point.BASE;
  const P = G.multiply(0x1234567890abcdefn);
  const gTable = pointTable(G, 8);
  const pTable = pointTable(P, 6);
  const same = (a: bigint, b: bigint): void => {
    const sum = mulAdd(a, gTable, b, pTable);
    const x = G.multiply(a).add(P.multiply(b)).x;
    assert.ok(sum && hasAffineX(sum, x), `[${a}]G + [${b}]P`);
    assert.ok(!hasAffineX(sum, (x + 1n) % CURVE.p), 'another x does not match');
  };
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: n - 1n }), same),
    { numRuns: 50 },
  );
  for (const a of [1n, 2n, 255n, 256n, n - 1n, 2n ** 255n]) t.notThrows(() => same(a, 3n));
  const gTable4 = pointTable(G, 4);
  t.is(mulAdd(1n, gTable, 1n, gTable4), undefined); // G + G needs a doubling
  t.is(mulAdd(1n, gTable, 17n, gTable4), undefined); // G + G, then 16G more: a doubling mid-way
  t.is(mulAdd(1n, gTable, n - 1n, gTable4), undefined); // G - G is infinity
});

test('a signature whose point has x >= n verifies with x reduced mod n, cold and with the key\u2019s table', (t) => {
  // R with x in [n, p): the first such x on the curve. Then P = [t⁻¹](R - G), so [1]G + [t]P = R,
  // the signature (r = t - 1, s = 1) and the digest e = r - x mod n.
  const { Fp } = Point;
  let R: Point | undefined;
  for (let x = n; !R; x++) {
    const y2 = Fp.add(Fp.add(Fp.mul(Fp.sqr(x), x), Fp.mul(CURVE.a, x)), CURVE.b);
    if (Fp.eql(Fp.pow(y2, (CURVE.p - 1n) / 2n), Fp.ONE)) R = Point.fromAffine({ x, y: Fp.sqrt(y2) });
  }
  const tValue = 0xabcdefn;
  const publicKey = R.subtract(Point.BASE).multiply(Point.Fn.inv(tValue)).toBytes(false);
  const r = tValue - 1n;
  const e = bigIntToBytes(Point.Fn.create(r - R.x), 32);
  clearSm2KeyCache();
  for (let i = 0; i <= KEY_TABLE_AFTER_USES; i++) {
    t.true(verifyDigest(e, raw(r, 1n), publicKey).valid, `verification ${i + 1}`);
    t.false(verifyDigest(e, raw(r + 1n, 1n), publicKey).valid);
  }
});

test('a key whose sums meet the exceptional cases still verifies correctly (noble fallback)', (t) => {
  clearSm2KeyCache();
  const dOne = bigIntToBytes(1n, 32); // public key = G
  const pub = publicKeyFromPrivateKey(dOne);
  const sig = sign('fallback', dOne);
  // s = 1, t = 15: after [1]G the first window of t adds -G and the running sum is infinity.
  const crafted = raw(14n, 1n);
  for (let i = 0; i <= KEY_TABLE_AFTER_USES; i++) {
    t.true(verify('fallback', sig, pub).valid);
    const result = verify('fallback', crafted, pub);
    t.false(result.valid);
    if (!result.valid) t.is(result.code, 'BAD_SIGNATURE');
  }
});

test('a valid signature whose sum is a doubling verifies, cold and cached (noble fallback)', (t) => {
  // Key 2G, s = 2, t = 1: [s]G and [t]P are both 2G, so the last addition of the fast paths is a
  // doubling they leave to noble; r = t - s, and e makes the signature valid for x of 4G.
  const publicKey = Point.BASE.multiply(2n).toBytes(false);
  const r = n - 1n;
  const e = bigIntToBytes(Point.Fn.create(r - Point.BASE.multiply(4n).x), 32);
  clearSm2KeyCache();
  for (let i = 0; i <= KEY_TABLE_AFTER_USES; i++) {
    t.deepEqual(verifyDigest(e, raw(r, 2n), publicKey), { valid: true }, `verification ${i + 1}`);
    t.false(verifyDigest(e, raw(r - 1n, 3n), publicKey).valid);
  }
});

test('evicting and clearing cached keys changes no result', (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  const sig = sign('cache', privateKey);
  t.true(verify('cache', sig, publicKey).valid);
  t.true(verify('cache', sig, publicKey).valid);
  // More distinct keys than the cache holds; t = 0 makes each verification stop right after the key lookup.
  for (let i = 0; i < 1100; i++) t.false(verify('cache', raw(1n, n - 1n), Point.BASE.multiply(BigInt(i + 2)).toBytes(false)).valid);
  t.true(verify('cache', sig, publicKey).valid);
  clearSm2KeyCache();
  t.true(verify('cache', sig, publicKey).valid);
  t.true(verify('cache', sig, publicKey).valid);
  t.false(verify('cache!', sig, publicKey).valid);
});

test('baseMulX equals noble arithmetic for nonces, small, large and random', (t) => {
  const gTable = pointTable(Point.BASE, 8);
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: n - 1n }), (k) => {
      assert.equal(baseMulX(k, gTable), Point.BASE.multiply(k).x);
    }),
    { numRuns: 50 },
  );
  for (const k of [1n, 2n, 127n, 128n, 129n, 255n, 256n, n - 1n, n - 128n, 2n ** 255n]) t.is(baseMulX(k, gTable), Point.BASE.multiply(k).x);
});

test('remember: the same verdict as without, for valid, altered, wrong-key, wrong-id and malformed signatures, asked again', (t) => {
  clearSm2KeyCache();
  const { privateKey, publicKey } = generateKeyPair();
  const other = generateKeyPair().publicKey;
  const sig = sign('record', privateKey);
  const withId = sign('record', privateKey, { id: 'alice@henan' });
  const cases: [string, Uint8Array | string, Uint8Array | string, string | undefined][] = [
    ['record', sig, publicKey, undefined],
    ['record', toHex(sig), toHex(publicKey), undefined],
    ['record', signatureToRaw(sig), publicKey, undefined],
    ['record!', sig, publicKey, undefined],
    ['record', sig, other, undefined],
    ['record', withId, publicKey, 'alice@henan'],
    ['record', withId, publicKey, undefined],
    ['record', sig, publicKey, 'alice@henan'],
    ['record', 'zz', publicKey, undefined],
    ['record', raw(1n, n - 1n), publicKey, undefined],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [message, signature, key, id] of cases) {
      const plain = verify(message, signature, key, { id });
      t.deepEqual(verify(message, signature, key, { id, remember: true }), plain, `${message} ${id ?? ''} round ${round}`);
    }
  }
  t.true(verify('record', sig, publicKey, { remember: true }).valid);
  t.false(verify('record!', sig, publicKey, { remember: true }).valid, 'a remembered signature proves nothing of another message');
});

test('sign with remember: its signature verifies under the signer\u2019s key only, for its message and id only', (t) => {
  clearSm2KeyCache();
  const { privateKey, publicKey } = generateKeyPair();
  const other = generateKeyPair().publicKey;
  const sig = sign('record', privateKey, { remember: true });
  const withId = sign('record', privateKey, { id: 'alice@henan', remember: true });
  const verdicts = (remember: boolean) => [
    verify('record', sig, publicKey, { remember }).valid,
    verify('record', toHex(sig), toHex(publicKey), { remember }).valid,
    verify('record', withId, publicKey, { id: 'alice@henan', remember }).valid,
    verify('record!', sig, publicKey, { remember }).valid,
    verify('record', sig, other, { remember }).valid,
    verify('record', withId, publicKey, { remember }).valid,
    verify('record', sig, publicKey, { id: 'alice@henan', remember }).valid,
  ];
  t.deepEqual(verdicts(true), [true, true, true, false, false, false, false]);
  t.deepEqual(verdicts(false), verdicts(true));
});
