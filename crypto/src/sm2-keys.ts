/**
 * SM2 keys: generation, validation, and the SPKI / PKCS#8 / SEC1 encodings OpenSSL and the GM
 * toolkits use. Public keys are always returned uncompressed (04||x||y, 65 bytes), private keys as
 * 32 bytes.
 */
import { randomBytes } from 'node:crypto';
import {
  DerReader,
  TAG,
  contextTag,
  derBitString,
  derContext,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
} from './asn1';
import { bigIntToBytes, bytesToBigInt, equalBytes } from './bytes';
import { CryptoError } from './errors';
import { fromPem, toPem } from './pem';
import { CURVE, OID, Point, bytesOf, decodePoint, encodePoint, privateScalar, bytes32 } from './sm2-curve';

export interface Sm2KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A fresh key pair from the CSPRNG; d uniform in [1, n-2] by rejection (rejects ~2^-32 of draws). */
export function generateKeyPair(): Sm2KeyPair {
  for (;;) {
    const privateKey = new Uint8Array(randomBytes(32));
    const d = bytesToBigInt(privateKey);
    if (d >= 1n && d <= CURVE.n - 2n) return { privateKey, publicKey: encodePoint(Point.BASE.multiply(d)) };
  }
}

export function publicKeyFromPrivateKey(privateKey: Uint8Array): Uint8Array {
  return encodePoint(Point.BASE.multiply(privateScalar(privateKey)));
}

/** A validated public key (hex or bytes, uncompressed or compressed) as 04||x||y. */
export function parsePublicKey(input: string | Uint8Array): Uint8Array {
  return encodePoint(decodePoint(bytesOf(input, 'publicKey')));
}

/** A validated private key (32 bytes as hex or bytes, in [1, n-2]). */
export function parsePrivateKey(input: string | Uint8Array): Uint8Array {
  const bytes = bytesOf(input, 'privateKey');
  privateScalar(bytes);
  return Uint8Array.from(bytes);
}

// ---- SubjectPublicKeyInfo (RFC 5280 / RFC 5480) ----

const ALGORITHM_ID = derSequence(derOid(OID.EC_PUBLIC_KEY), derOid(OID.SM2));

/** SPKI DER: id-ecPublicKey with the SM2 named curve, as OpenSSL writes it. */
export function publicKeyToDer(publicKey: string | Uint8Array): Uint8Array {
  return derSequence(ALGORITHM_ID, derBitString(parsePublicKey(publicKey)));
}

/** Accepts id-ecPublicKey + SM2 curve, and the SM2 OID as the algorithm itself (some GM toolkits). */
export function publicKeyFromDer(der: Uint8Array): Uint8Array {
  const top = new DerReader(der, 'SubjectPublicKeyInfo');
  const spki = top.readConstructed('spki');
  top.end();
  readAlgorithm(spki.readConstructed('algorithm'));
  const point = spki.readBitString('subjectPublicKey');
  spki.end();
  return encodePoint(decodePoint(point));
}

export function publicKeyToPem(publicKey: string | Uint8Array): string {
  return toPem('PUBLIC KEY', publicKeyToDer(publicKey));
}

export function publicKeyFromPem(pem: string): Uint8Array {
  return publicKeyFromDer(fromPem(pem, ['PUBLIC KEY']).der);
}

function readAlgorithm(alg: DerReader): void {
  const algorithm = alg.readOid('algorithm');
  if (algorithm === OID.EC_PUBLIC_KEY) {
    if (alg.peekTag() !== TAG.OID) {
      throw new CryptoError('UNKNOWN_OID', 'only the named SM2 curve is supported, not explicit or absent parameters');
    }
    readCurve(alg.readOid('namedCurve'));
  } else if (algorithm === OID.SM2) {
    if (alg.peekTag() === TAG.NULL) alg.readNull('parameters');
    else if (!alg.done) readCurve(alg.readOid('namedCurve'));
  } else {
    throw new CryptoError('UNKNOWN_OID', `key algorithm ${algorithm} is neither id-ecPublicKey nor SM2`, 'algorithm');
  }
  alg.end();
}

function readCurve(curve: string): void {
  if (curve !== OID.SM2) throw new CryptoError('UNKNOWN_OID', `curve ${curve} is not SM2 (${OID.SM2})`, 'namedCurve');
}

// ---- private keys: PKCS#8 (RFC 5208) around SEC1 ECPrivateKey (RFC 5915) ----

/** PKCS#8 "PRIVATE KEY" PEM, byte for byte what `openssl genpkey` writes for the same key. */
export function privateKeyToPem(privateKey: Uint8Array): string {
  const ecPrivateKey = derSequence(
    derInteger(1n),
    derOctetString(bytes32(privateScalar(privateKey))),
    derContext(1, derBitString(publicKeyFromPrivateKey(privateKey))),
  );
  return toPem('PRIVATE KEY', derSequence(derInteger(0n), ALGORITHM_ID, derOctetString(ecPrivateKey)));
}

/**
 * Reads PKCS#8 "PRIVATE KEY" and SEC1 "EC PRIVATE KEY" (OpenSSL 3 labels SEC1 SM2 keys
 * "SM2 PRIVATE KEY"). An embedded public key must match the private key.
 */
export function privateKeyFromPem(pem: string): Uint8Array {
  const { label, der } = fromPem(withoutCurveParameters(pem), ['PRIVATE KEY', 'EC PRIVATE KEY', 'SM2 PRIVATE KEY']);
  if (label !== 'PRIVATE KEY') return readEcPrivateKey(der, 'ECPrivateKey');
  const top = new DerReader(der, 'PrivateKeyInfo');
  const info = top.readConstructed('privateKeyInfo');
  top.end();
  const version = info.readInteger('version');
  if (version !== 0n) {
    throw new CryptoError('BAD_DER', `PrivateKeyInfo version ${version} is not supported (expected 0)`);
  }
  readAlgorithm(info.readConstructed('privateKeyAlgorithm'));
  const d = readEcPrivateKey(info.readOctetString('privateKey'), 'PrivateKeyInfo.privateKey');
  // Attributes (written by some PKCS#12 exporters) carry nothing we use.
  if (info.peekTag() === contextTag(0)) info.readConstructed('attributes', contextTag(0));
  info.end();
  return d;
}

const PARAMETERS_BLOCK = /^\s*-----BEGIN (EC|SM2) PARAMETERS-----/;

/**
 * `openssl ecparam -genkey -name SM2` (the classic way to make an SM2 key) writes an
 * "SM2 PARAMETERS" block before the key, which OpenSSL itself skips when it reads the key. Such a
 * leading block is accepted if it names the SM2 curve, and dropped; anything else around the key
 * stays an error.
 */
function withoutCurveParameters(pem: string): string {
  if (typeof pem !== 'string' || !PARAMETERS_BLOCK.test(pem)) return pem;
  const end = pem.indexOf('-----END ');
  const next = end < 0 ? -1 : pem.indexOf('-----BEGIN ', end);
  // Without a next block, the whole input goes to fromPem, which says what is wrong with it.
  const { der } = fromPem(next < 0 ? pem : pem.slice(0, next), ['EC PARAMETERS', 'SM2 PARAMETERS']);
  const params = new DerReader(der, 'ECParameters');
  if (params.peekTag() !== TAG.OID) {
    throw new CryptoError('UNKNOWN_OID', 'only the named SM2 curve is supported, not explicit curve parameters', 'namedCurve');
  }
  readCurve(params.readOid('namedCurve'));
  params.end();
  if (next < 0) throw new CryptoError('BAD_PEM', 'PEM input holds curve parameters but no private key');
  return pem.slice(next);
}

function readEcPrivateKey(der: Uint8Array, what: string): Uint8Array {
  const top = new DerReader(der, what);
  const key = top.readConstructed('ecPrivateKey');
  top.end();
  const version = key.readInteger('version');
  if (version !== 1n) throw new CryptoError('BAD_DER', `${what} version ${version} is not 1`);
  const octets = key.readOctetString('privateKey');
  // SEC1 fixes 32 bytes, but some old writers dropped leading zero bytes.
  if (octets.length === 0 || octets.length > 32) {
    throw new CryptoError('BAD_LENGTH', `${what}: private key must be 32 bytes, got ${octets.length}`, 'privateKey');
  }
  const privateKey = bigIntToBytes(bytesToBigInt(octets), 32);
  privateScalar(privateKey);
  if (key.peekTag() === contextTag(0)) {
    const params = key.readConstructed('parameters', contextTag(0));
    readCurve(params.readOid('namedCurve'));
    params.end();
  }
  if (key.peekTag() === contextTag(1)) {
    const wrapper = key.readConstructed('publicKey', contextTag(1));
    const embedded = decodePoint(wrapper.readBitString('publicKey'));
    wrapper.end();
    if (!equalBytes(encodePoint(embedded), publicKeyFromPrivateKey(privateKey))) {
      throw new CryptoError('KEY_MISMATCH', 'the public key embedded in the key file does not match its private key');
    }
  }
  key.end();
  return privateKey;
}
