import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { TAG, derBitString, derContext, derElement, derInteger, derOctetString, derOid, derSequence } from './asn1';
import { bigIntToBytes, concatBytes, fromHex, toHex } from './bytes';
import { CryptoError, type CryptoErrorCode } from './errors';
import { toPem } from './pem';
import { CURVE, OID, Point } from './sm2-curve';
import {
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromDer,
  publicKeyFromPem,
  publicKeyFromPrivateKey,
  publicKeyToDer,
  publicKeyToPem,
} from './sm2-keys';

const SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';
const n = CURVE.n;

function code(fn: () => unknown): CryptoErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof CryptoError) return err.code;
    throw err;
  }
  return undefined;
}

test('generated keys are in range, consistent and fresh', (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const { privateKey, publicKey } = generateKeyPair();
    t.is(privateKey.length, 32);
    t.is(publicKey.length, 65);
    t.is(publicKey[0], 4);
    const d = BigInt('0x' + toHex(privateKey));
    t.true(d >= 1n && d <= n - 2n);
    t.is(toHex(publicKeyFromPrivateKey(privateKey)), toHex(publicKey));
    seen.add(toHex(privateKey));
  }
  t.is(seen.size, 20);
});

test('parsePublicKey accepts hex, bytes and compressed forms, returns 04||x||y', (t) => {
  const { publicKey } = generateKeyPair();
  const hex = toHex(publicKey);
  t.is(toHex(parsePublicKey(hex)), hex);
  t.is(toHex(parsePublicKey(hex.toUpperCase())), hex);
  t.is(toHex(parsePublicKey(publicKey)), hex);
  const compressed = Point.fromBytes(publicKey).toBytes(true);
  t.is(toHex(parsePublicKey(compressed)), hex);
  t.is(toHex(parsePublicKey(toHex(compressed))), hex);
});

test('parsePrivateKey checks length and range [1, n-2]', (t) => {
  t.is(toHex(parsePrivateKey(bigIntToBytes(1n, 32))), toHex(bigIntToBytes(1n, 32)));
  t.is(toHex(parsePrivateKey(toHex(bigIntToBytes(n - 2n, 32)))), toHex(bigIntToBytes(n - 2n, 32)));
  t.is(code(() => parsePrivateKey(bigIntToBytes(0n, 32))), 'SCALAR_RANGE');
  t.is(code(() => parsePrivateKey(bigIntToBytes(n - 1n, 32))), 'SCALAR_RANGE');
  t.is(code(() => parsePrivateKey(bigIntToBytes(n, 32))), 'SCALAR_RANGE');
  t.is(code(() => parsePrivateKey(new Uint8Array(31))), 'BAD_LENGTH');
  t.is(code(() => parsePrivateKey('xy'.repeat(32))), 'BAD_HEX');
});

const { publicKey: PUB, privateKey: PRIV } = generateKeyPair();
const pubHex = toHex(PUB);
const notOnCurve = pubHex.slice(0, -2) + ((parseInt(pubHex.slice(-2), 16) ^ 1).toString(16).padStart(2, '0'));
const derNull = () => derElement(TAG.NULL, new Uint8Array(0));

test('bad public keys, each with its code', (t) => {
  const table: [string, string | Uint8Array, CryptoErrorCode][] = [
    ['malformed hex', 'zz' + pubHex.slice(2), 'BAD_HEX'],
    ['odd-length hex', pubHex + '0', 'BAD_HEX'],
    ['64 bytes (no prefix)', pubHex.slice(2), 'BAD_LENGTH'],
    ['66 bytes', pubHex + '00', 'BAD_LENGTH'],
    ['infinity (00)', '00', 'BAD_LENGTH'],
    ['empty', new Uint8Array(0), 'BAD_LENGTH'],
    ['not on the curve', notOnCurve, 'NOT_ON_CURVE'],
    ['x = y = 0', '04' + '00'.repeat(64), 'NOT_ON_CURVE'],
    ['x >= p', '04' + CURVE.p.toString(16) + pubHex.slice(66), 'NOT_ON_CURVE'],
    ['bad prefix 05', '05' + pubHex.slice(2), 'NOT_ON_CURVE'],
    ['compressed prefix on 65 bytes', '02' + pubHex.slice(2), 'NOT_ON_CURVE'],
    ['compressed x with no point', '02' + '00'.repeat(31) + '05', 'NOT_ON_CURVE'],
  ];
  for (const [name, input, expected] of table) t.is(code(() => parsePublicKey(input)), expected, name);
});

test('SPKI DER is exactly the prefix of sm-vectors.md plus the key, and round trips', (t) => {
  const der = publicKeyToDer(PUB);
  t.is(toHex(der), SPKI_PREFIX + pubHex);
  t.is(toHex(publicKeyFromDer(der)), pubHex);
  const pem = publicKeyToPem(pubHex);
  t.true(pem.startsWith('-----BEGIN PUBLIC KEY-----\n'));
  t.is(toHex(publicKeyFromPem(pem)), pubHex);
});

const spki = (algorithm: Uint8Array, key: Uint8Array = PUB) => derSequence(algorithm, derBitString(key));

test('SPKI variants written by GM toolkits are read; other algorithms are UNKNOWN_OID', (t) => {
  const compressed = Point.fromBytes(PUB).toBytes(true);
  const accepted = [
    spki(derSequence(derOid(OID.SM2))),
    spki(derSequence(derOid(OID.SM2), derNull())),
    spki(derSequence(derOid(OID.SM2), derOid(OID.SM2))),
    spki(derSequence(derOid(OID.EC_PUBLIC_KEY), derOid(OID.SM2)), compressed),
  ];
  for (const der of accepted) t.is(toHex(publicKeyFromDer(der)), pubHex);
  const unknown = [
    spki(derSequence(derOid('1.2.840.113549.1.1.1'), derNull())), // rsaEncryption
    spki(derSequence(derOid(OID.EC_PUBLIC_KEY), derOid('1.2.840.10045.3.1.7'))), // P-256
    spki(derSequence(derOid(OID.EC_PUBLIC_KEY))), // no curve
    spki(derSequence(derOid(OID.EC_PUBLIC_KEY), derNull())),
    spki(derSequence(derOid(OID.SM2), derOid('1.2.840.10045.3.1.7'))),
  ];
  for (const der of unknown) t.is(code(() => publicKeyFromDer(der)), 'UNKNOWN_OID');
  const trailing = concatBytes(publicKeyToDer(PUB), Uint8Array.of(0));
  t.is(code(() => publicKeyFromDer(trailing)), 'BAD_DER');
  t.is(code(() => publicKeyFromDer(publicKeyToDer(PUB).subarray(0, 60))), 'BAD_DER');
  t.is(code(() => publicKeyFromDer(spki(derSequence(derOid(OID.EC_PUBLIC_KEY), derOid(OID.SM2)), fromHex(notOnCurve, 'k')))), 'NOT_ON_CURVE');
});

test('PKCS#8 PEM round trip and the layout OpenSSL writes', (t) => {
  const pem = privateKeyToPem(PRIV);
  t.true(pem.startsWith('-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg'));
  t.true(pem.endsWith('-----END PRIVATE KEY-----\n'));
  t.is(toHex(privateKeyFromPem(pem)), toHex(PRIV));
  t.is(toHex(privateKeyFromPem(pem.replace(/\n/g, '\r\n'))), toHex(PRIV));
});

test('property: PEM round trips for random keys', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: n - 2n }), (d) => {
      const privateKey = bigIntToBytes(d, 32);
      assert.equal(toHex(privateKeyFromPem(privateKeyToPem(privateKey))), toHex(privateKey));
      const publicKey = publicKeyFromPrivateKey(privateKey);
      assert.equal(toHex(publicKeyFromPem(publicKeyToPem(publicKey))), toHex(publicKey));
    }),
    { numRuns: 30 },
  );
  t.pass();
});

const ecPrivateKey = (d: bigint, ...extra: Uint8Array[]) => derSequence(derInteger(1n), derOctetString(bigIntToBytes(d, 32)), ...extra);
const pkcs8 = (inner: Uint8Array, algorithm = derSequence(derOid(OID.EC_PUBLIC_KEY), derOid(OID.SM2))) =>
  toPem('PRIVATE KEY', derSequence(derInteger(0n), algorithm, derOctetString(inner)));

test('private key files: SEC1 and PKCS#8 variants are read, mismatches refused', (t) => {
  const d = BigInt('0x' + toHex(PRIV));
  const withCurve = ecPrivateKey(d, derContext(0, derOid(OID.SM2)), derContext(1, derBitString(PUB)));
  t.is(toHex(privateKeyFromPem(toPem('EC PRIVATE KEY', withCurve))), toHex(PRIV));
  t.is(toHex(privateKeyFromPem(toPem('SM2 PRIVATE KEY', withCurve))), toHex(PRIV));
  t.is(toHex(privateKeyFromPem(pkcs8(ecPrivateKey(d)))), toHex(PRIV)); // no embedded public key
  t.is(toHex(privateKeyFromPem(pkcs8(ecPrivateKey(d), derSequence(derOid(OID.SM2))))), toHex(PRIV));
  // A key with leading zero bytes, written short by an old encoder.
  const small = derSequence(derInteger(1n), derOctetString(Uint8Array.of(0x12, 0x34)));
  t.is(toHex(privateKeyFromPem(pkcs8(small))), toHex(bigIntToBytes(0x1234n, 32)));

  const other = generateKeyPair().publicKey;
  t.is(code(() => privateKeyFromPem(pkcs8(ecPrivateKey(d, derContext(1, derBitString(other)))))), 'KEY_MISMATCH');
  t.is(code(() => privateKeyFromPem(toPem('EC PRIVATE KEY', ecPrivateKey(d, derContext(0, derOid('1.2.840.10045.3.1.7')))))), 'UNKNOWN_OID');
  t.is(code(() => privateKeyFromPem(pkcs8(ecPrivateKey(d), derSequence(derOid('1.3.101.112'))))), 'UNKNOWN_OID'); // Ed25519
  t.is(code(() => privateKeyFromPem(pkcs8(ecPrivateKey(0n)))), 'SCALAR_RANGE');
  t.is(code(() => privateKeyFromPem(pkcs8(ecPrivateKey(n - 1n)))), 'SCALAR_RANGE');
  t.is(code(() => privateKeyFromPem(pkcs8(concatBytes(ecPrivateKey(d), Uint8Array.of(0))))), 'BAD_DER');
});

test('a key file of openssl ecparam -genkey: its leading SM2 PARAMETERS block is skipped when it names the SM2 curve', (t) => {
  const key = privateKeyToPem(PRIV);
  const named = (label: string, oid: string) => toPem(`${label} PARAMETERS`, derOid(oid));
  // What `openssl ecparam -name SM2 -genkey` writes (OpenSSL 3 labels it SM2, older ones EC).
  t.is(toHex(privateKeyFromPem(named('SM2', OID.SM2) + key)), toHex(PRIV));
  t.is(toHex(privateKeyFromPem(named('EC', OID.SM2) + key)), toHex(PRIV));
  const sec1 = toPem('SM2 PRIVATE KEY', derSequence(derInteger(1n), derOctetString(PRIV)));
  t.is(toHex(privateKeyFromPem(`${named('SM2', OID.SM2)}\n${sec1}`)), toHex(PRIV));

  const table: [string, string, CryptoErrorCode, RegExp][] = [
    ['another curve', named('EC', '1.2.840.10045.3.1.7') + key, 'UNKNOWN_OID', /is not SM2/],
    ['explicit parameters', toPem('SM2 PARAMETERS', derSequence(derInteger(1n))) + key, 'UNKNOWN_OID', /not explicit curve parameters/],
    ['parameters and no key', named('SM2', OID.SM2), 'BAD_PEM', /no private key/],
    ['parameters after the key', key + named('SM2', OID.SM2), 'BAD_PEM', /exactly one block/],
    ['parameters, then a public key', named('SM2', OID.SM2) + publicKeyToPem(PUB), 'BAD_PEM', /label PUBLIC KEY/],
    ['two keys after the parameters', named('SM2', OID.SM2) + key + key, 'BAD_PEM', /exactly one block/],
  ];
  for (const [name, pem, expected, message] of table) {
    const err = t.throws(() => privateKeyFromPem(pem), { instanceOf: CryptoError }, name);
    t.is(err?.code, expected, name);
    t.regex(err?.message ?? '', message, name);
  }
  // A public key file has no business holding parameters.
  t.is(code(() => publicKeyFromPem(named('SM2', OID.SM2) + publicKeyToPem(PUB))), 'BAD_PEM');
});

test('bad PEM input, each with its code and a clear message', (t) => {
  const good = privateKeyToPem(PRIV);
  const pub = publicKeyToPem(PUB);
  const encryptedNotSupported = /encrypted private keys are not supported/;
  const legacyEncrypted = good
    .replace(/PRIVATE KEY-----\n/, 'PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n')
    .replace(/PRIVATE KEY/g, 'EC PRIVATE KEY');
  const unknownSpki = toPem('PUBLIC KEY', spki(derSequence(derOid('1.2.840.10045.2.2'), derOid(OID.SM2))));
  const table: [string, () => unknown, CryptoErrorCode, RegExp][] = [
    ['truncated PEM', () => privateKeyFromPem(good.slice(0, 100)), 'BAD_PEM', /no END line/],
    ['text after the block', () => publicKeyFromPem(pub + 'trailing text'), 'BAD_PEM', /nothing around it/],
    ['two blocks', () => publicKeyFromPem(pub + pub), 'BAD_PEM', /exactly one block/],
    ['no armour at all', () => publicKeyFromPem(toHex(PUB)), 'BAD_PEM', /no BEGIN/],
    ['wrong label for a public key', () => publicKeyFromPem(good), 'BAD_PEM', /label PRIVATE KEY/],
    ['wrong label for a private key', () => privateKeyFromPem(pub), 'BAD_PEM', /label PUBLIC KEY/],
    ['certificate label', () => publicKeyFromPem(pub.replace(/PUBLIC KEY/g, 'CERTIFICATE')), 'BAD_PEM', /CERTIFICATE/],
    ['BEGIN/END mismatch', () => publicKeyFromPem(pub.replace('END PUBLIC', 'END PRIVATE')), 'BAD_PEM', /does not match/],
    ['bad base64 character', () => publicKeyFromPem(pub.replace('MFkw', 'MF*w')), 'BAD_PEM', /base64/],
    ['bad base64 padding', () => publicKeyFromPem(pub.replace(/=*\n-----END/, '=\n-----END')), 'BAD_PEM', /base64/],
    ['empty body', () => publicKeyFromPem('-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----'), 'BAD_PEM', /base64/],
    ['encrypted PKCS#8', () => privateKeyFromPem(good.replace(/PRIVATE KEY/g, 'ENCRYPTED PRIVATE KEY')), 'BAD_PEM', encryptedNotSupported],
    ['legacy encrypted SEC1', () => privateKeyFromPem(legacyEncrypted), 'BAD_PEM', encryptedNotSupported],
    ['unknown OID in SPKI', () => publicKeyFromPem(unknownSpki), 'UNKNOWN_OID', /1\.2\.840\.10045\.2\.2/],
  ];
  for (const [name, run, expected, message] of table) {
    const err = t.throws(run, { instanceOf: CryptoError }, name);
    t.is(err?.code, expected, name);
    t.regex(err?.message ?? '', message, name);
  }
});
