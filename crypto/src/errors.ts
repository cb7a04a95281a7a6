/**
 * The one error type of the crypto package. `code` is stable and machine-readable: the chaincode
 * and the gateway map it to their own codes and HTTP statuses, so never change an existing one.
 */
export type CryptoErrorCode =
  | 'BAD_HEX' // not hexadecimal, or odd length
  | 'BAD_LENGTH' // right encoding, wrong number of bytes
  | 'BAD_BASE64'
  | 'NOT_ON_CURVE' // a public key that is not a point of the SM2 curve
  | 'SCALAR_RANGE' // a private key, r or s outside [1, n-1] (private keys [1, n-2])
  | 'BAD_DER' // malformed, non-minimal or trailing bytes in DER
  | 'BAD_PEM' // missing/truncated armour, wrong label, bad base64
  | 'UNKNOWN_OID' // a key or algorithm that is not SM2 / SM3 / ecPublicKey
  | 'BAD_SIGNATURE_FORMAT'
  | 'BAD_SIGNATURE' // a well-formed signature that does not match the message and key
  | 'KEY_MISMATCH' // a key file whose embedded public key is not the one of its private key
  | 'DECRYPT_FAILED' // authentication or integrity check of a ciphertext failed
  | 'BAD_ENVELOPE' // an SM4 envelope of unknown version or shape
  | 'NOT_CANONICAL_JSON' // a value RFC 8785 cannot serialise
  | 'BAD_PROOF' // a Merkle proof of the wrong shape for the sizes given
  | 'BAD_CHECKPOINT'
  | 'BAD_IDENTIFIER' // licence identifier, credit code, ID number or area code
  | 'BAD_ARGUMENT';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    /** Which part of the input was wrong, when there is one to name (e.g. `issuerCode`, `r`). */
    readonly part?: string,
  ) {
    super(message);
  }
}
