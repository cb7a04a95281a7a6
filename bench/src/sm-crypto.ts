/** The part of `sm-crypto` 0.5.8 (the baseline the project was specified with) that the benchmark uses. */
export interface SmCryptoSm2 {
  generateKeyPairHex(): { publicKey: string; privateKey: string };
  doSignature(msg: string, privateKeyHex: string, options: { hash: true; der: true; publicKey: string }): string;
  doVerifySignature(msg: string, signatureHex: string, publicKeyHex: string, options: { hash: true; der: true }): boolean;
}

// The package ships no type declarations: required, and given the shape above.
export const smCryptoSm2: SmCryptoSm2 = require('sm-crypto').sm2;
