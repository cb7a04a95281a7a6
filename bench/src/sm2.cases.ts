/**
 * SM2 sign and verify: this package against native SM2 (OpenSSL through node:crypto, the baseline),
 * sm-crypto-v2 with precomputed keys, sm-crypto 0.5.8, and native ECDSA P-256 (the ceiling).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { clearSm2KeyCache, generateKeyPair, privateKeyToPem, publicKeyToDer, sign, verify } from '@henan-chain/crypto';
import { sm2 as smCryptoV2 } from 'sm-crypto-v2';
import { type Case, cycling, expectValid } from './case';
import { smCryptoSm2 } from './sm-crypto';

/** A record of about the size the chaincode verifies. */
const MESSAGE = JSON.stringify({
  licenceId: '1.2.156.3005.2.914403001922038216001.410100.2024000123.001.2',
  holder: 'c0ffee'.repeat(10),
  issuedAt: '2024-05-01T08:00:00+08:00',
  documentSm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
});
/** Distinct keys for the fresh-key measurements (the first is also the cached one). */
const POOL = 32;

interface Sm2Operations {
  id: string;
  who: string;
  note?: string;
  verifyCached(): void;
  verifyFresh(): void;
  sign(): void;
}

function henanChain(): Sm2Operations {
  const pool = Array.from({ length: POOL }, () => {
    const { privateKey, publicKey } = generateKeyPair();
    return { privateKey, publicKey, signature: sign(MESSAGE, privateKey) };
  });
  const first = pool[0]!;
  return {
    id: 'henan-chain',
    who: '@henan-chain/crypto',
    verifyCached: () => expectValid(verify(MESSAGE, first.signature, first.publicKey).valid, 'verify'),
    verifyFresh: cycling(pool, ({ publicKey, signature }) => {
      clearSm2KeyCache(); // otherwise the pool's keys would be cached after one lap
      expectValid(verify(MESSAGE, signature, publicKey).valid, 'verify');
    }),
    sign: () => sign(MESSAGE, first.privateKey),
  };
}

/** A key of node:crypto, its SPKI (to decode afresh for the fresh-key case) and a signature of MESSAGE. */
interface NativeKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  spki: Buffer;
  signature: Buffer;
}

/** Sign and verify through node:crypto (OpenSSL) with `hash`, over a pool of its keys. */
function native(hash: 'sm3' | 'sha256', pool: NativeKey[], about: Pick<Sm2Operations, 'id' | 'who' | 'note'>): Sm2Operations {
  const message = Buffer.from(MESSAGE);
  const first = pool[0]!;
  return {
    ...about,
    verifyCached: () => expectValid(nodeVerify(hash, message, first.publicKey, first.signature), about.who),
    verifyFresh: cycling(pool, ({ spki, signature }) => {
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expectValid(nodeVerify(hash, message, key, signature), about.who);
    }),
    sign: () => nodeSign(hash, message, first.privateKey),
  };
}

/**
 * OpenSSL's SM2 as Node 20 reaches it: a PKCS#8 SM2 key loads as an SM2 key (not ECDSA on the SM2
 * curve), and sign/verify with 'sm3' are SM2 with an EMPTY distinguishing id (OpenSSL's default),
 * not the standard's 1234567812345678. Z_A costs the same either way: a speed reference, no more.
 */
function nodeSm2(): Sm2Operations {
  const pool = Array.from({ length: POOL }, () => {
    const pair = generateKeyPair();
    const privateKey = createPrivateKey(privateKeyToPem(pair.privateKey));
    const spki = Buffer.from(publicKeyToDer(pair.publicKey));
    const signature = nodeSign('sm3', Buffer.from(MESSAGE), privateKey);
    // The empty id, checked once with this package: this is SM2, not ECDSA.
    expectValid(verify(MESSAGE, signature, pair.publicKey, { id: '' }).valid, 'native SM2 signature under the empty id');
    return { privateKey, publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }), spki, signature };
  });
  return native('sm3', pool, {
    id: 'node-sm2',
    who: 'node:crypto SM2 (OpenSSL, empty id)',
    note: "OpenSSL's SM2 through node:crypto with the empty id: a speed reference only",
  });
}

/** sm-crypto-v2 used as its README advises for speed: precomputed public keys, the public key given when signing. */
function smCryptoV2Precomputed(): Sm2Operations {
  const pool = Array.from({ length: POOL }, () => {
    const { privateKey, publicKey } = smCryptoV2.generateKeyPairHex();
    return { privateKey, publicKey, signature: smCryptoV2.doSignature(MESSAGE, privateKey, { hash: true, der: true, publicKey }) };
  });
  const first = pool[0]!;
  const precomputed = smCryptoV2.precomputePublicKey(first.publicKey);
  return {
    id: 'sm-crypto-v2',
    who: 'sm-crypto-v2 1.15 (precomputed key)',
    verifyCached: () => expectValid(smCryptoV2.doVerifySignature(MESSAGE, first.signature, precomputed, { hash: true, der: true }), 'sm-crypto-v2'),
    verifyFresh: cycling(pool, ({ publicKey, signature }) =>
      expectValid(smCryptoV2.doVerifySignature(MESSAGE, signature, publicKey, { hash: true, der: true }), 'sm-crypto-v2'),
    ),
    sign: () => smCryptoV2.doSignature(MESSAGE, first.privateKey, { hash: true, der: true, publicKey: first.publicKey }),
  };
}

function smCrypto(): Sm2Operations {
  const pool = Array.from({ length: POOL }, () => {
    const { privateKey, publicKey } = smCryptoSm2.generateKeyPairHex();
    return { privateKey, publicKey, signature: smCryptoSm2.doSignature(MESSAGE, privateKey, { hash: true, der: true, publicKey }) };
  });
  const first = pool[0]!;
  const check = ({ publicKey, signature }: (typeof pool)[number]): void =>
    expectValid(smCryptoSm2.doVerifySignature(MESSAGE, signature, publicKey, { hash: true, der: true }), 'sm-crypto');
  return {
    id: 'sm-crypto',
    who: 'sm-crypto 0.5.8',
    verifyCached: () => check(first),
    verifyFresh: cycling(pool, check),
    sign: () => smCryptoSm2.doSignature(MESSAGE, first.privateKey, { hash: true, der: true, publicKey: first.publicKey }),
  };
}

function nodeP256(): Sm2Operations {
  const pool = Array.from({ length: POOL }, () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { privateKey, publicKey, spki: publicKey.export({ type: 'spki', format: 'der' }), signature: nodeSign('sha256', Buffer.from(MESSAGE), privateKey) };
  });
  return native('sha256', pool, {
    id: 'node-p256',
    who: 'node:crypto ECDSA P-256 (ceiling)',
    note: 'not SM2: native ECDSA P-256 with SHA-256, the practical ceiling for a signature in Node',
  });
}

const OPERATIONS = [
  { key: 'verifyCached', id: 'verify-cached', what: 'SM2 verify, cached key', unit: 'verify/s' },
  { key: 'verifyFresh', id: 'verify-fresh', what: 'SM2 verify, fresh key', unit: 'verify/s' },
  { key: 'sign', id: 'sign', what: 'SM2 sign', unit: 'sign/s' },
] as const;

const BASELINE = 'node-sm2';

export function sm2Cases(): Case[] {
  const implementations = [henanChain(), nodeSm2(), smCryptoV2Precomputed(), smCrypto(), nodeP256()];
  return OPERATIONS.flatMap(({ key, id, what, unit }) =>
    implementations.map((impl) => ({
      id: `sm2.${id}.${impl.id}`,
      what,
      who: impl.who,
      unit,
      perOp: 1,
      baseline: impl.id === BASELINE ? undefined : `sm2.${id}.${BASELINE}`,
      note: impl.note,
      op: impl[key],
    })),
  );
}
