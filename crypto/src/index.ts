/** @henan-chain/crypto: the national-cryptography core of 河南链. This file is its whole public surface. */
export * from './errors';
export * from './bytes';
export * from './sm3';
export * from './sm4';
export * from './sm2-keys';
export {
  DEFAULT_SM2_ID,
  SM2_ID_MAX_BYTES,
  computeZA,
  computeE,
  computeEStream,
  sign,
  signDigest,
  verify,
  verifyDigest,
  signatureToRaw,
  signatureFromRaw,
  clearSm2KeyCache,
  type SignOptions,
  type VerifyOptions,
  type VerifyResult,
} from './sm2';
export * from './sm2-encrypt';
/** DER writers for structures other packages hash or sign (a block header, an electronic seal's signed part). */
export { derSequence, derInteger, derOctetString, derOid } from './asn1';
export * from './jcs';
export { duplicateMember, parseIJson } from './duplicate-members';
export { isWellFormedText } from './unicode';
export * from './merkle';
export { LeafRunHashers } from './merkle-threads';
export * from './checkpoint';
export * from './identifiers';
export * from './commitment';
