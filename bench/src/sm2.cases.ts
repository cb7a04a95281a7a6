/** SM2 sign and verify: this package against sm-crypto (the baseline) and native ECDSA P-256 (the ceiling). */
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { clearSm2KeyCache, generateKeyPair, sign, verify } from '@henan-chain/crypto';
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
  const message = Buffer.from(MESSAGE);
  const pool = Array.from({ length: POOL }, () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    return { privateKey, publicKey, spki, signature: nodeSign('sha256', message, privateKey) };
  });
  const first = pool[0]!;
  return {
    id: 'node-p256',
    who: 'node:crypto ECDSA P-256 (ceiling)',
    note: 'not SM2: native ECDSA P-256 with SHA-256, the practical ceiling for a signature in Node',
    verifyCached: () => expectValid(nodeVerify('sha256', message, first.publicKey, first.signature), 'node verify'),
    verifyFresh: cycling(pool, ({ spki, signature }) => {
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expectValid(nodeVerify('sha256', message, key, signature), 'node verify');
    }),
    sign: () => nodeSign('sha256', message, first.privateKey),
  };
}

const OPERATIONS = [
  { key: 'verifyCached', id: 'verify-cached', what: 'SM2 verify, cached key', unit: 'verify/s' },
  { key: 'verifyFresh', id: 'verify-fresh', what: 'SM2 verify, fresh key', unit: 'verify/s' },
  { key: 'sign', id: 'sign', what: 'SM2 sign', unit: 'sign/s' },
] as const;

export function sm2Cases(): Case[] {
  const implementations = [henanChain(), smCrypto(), nodeP256()];
  return OPERATIONS.flatMap(({ key, id, what, unit }) =>
    implementations.map((impl) => ({
      id: `sm2.${id}.${impl.id}`,
      what,
      who: impl.who,
      unit,
      perOp: 1,
      baseline: impl.id === 'sm-crypto' ? undefined : `sm2.${id}.sm-crypto`,
      note: impl.note,
      op: impl[key],
    })),
  );
}
