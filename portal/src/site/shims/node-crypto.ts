/**
 * What @henan-chain/crypto takes from `node:crypto`, for the browser: SM3 and HMAC-SM3 from
 * sm-crypto-v2 (the project's reference implementation, cross-checked in crypto's tests), SHA-256 from
 * @noble/hashes, randomness from Web Crypto. Only what verification needs; SM4 is not offered.
 */
import { Buffer } from 'buffer';
import { sha256 } from '@noble/hashes/sha2';
import { sm3 } from 'sm-crypto-v2';

type Encoding = 'buffer' | 'hex';

function digest(algorithm: string, data: Uint8Array, key?: Uint8Array): Uint8Array {
  const name = algorithm.toLowerCase();
  if (name === 'sm3') return Buffer.from(key ? sm3(data, { key, mode: 'hmac' }) : sm3(data), 'hex');
  if (name === 'sha256' && !key) return sha256(data);
  throw new Error(`${algorithm}${key ? ' HMAC' : ''} is not available in the browser`);
}

const bytesOf = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

function encode(bytes: Uint8Array, encoding: Encoding): Buffer | string {
  const buffer = Buffer.from(bytes);
  return encoding === 'hex' ? buffer.toString('hex') : buffer;
}

export function hash(algorithm: string, data: string | Uint8Array, encoding: Encoding = 'hex'): Buffer | string {
  return encode(digest(algorithm, bytesOf(data)), encoding);
}

/** Node's Hash interface over a one-shot digest: chunks are kept and digested at the end. */
class BufferedHash {
  private readonly chunks: Uint8Array[] = [];
  constructor(
    private readonly algorithm: string,
    private readonly key?: Uint8Array,
  ) {}
  update(data: string | Uint8Array): this {
    this.chunks.push(bytesOf(data));
    return this;
  }
  digest(encoding: Encoding = 'buffer'): Buffer | string {
    return encode(digest(this.algorithm, Buffer.concat(this.chunks), this.key), encoding);
  }
}

export function createHash(algorithm: string): BufferedHash {
  return new BufferedHash(algorithm);
}

export function createHmac(algorithm: string, key: Uint8Array): BufferedHash {
  return new BufferedHash(algorithm, key);
}

export function randomBytes(size: number): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(size)));
}

/** sm-crypto-v2 asks Node's crypto for webcrypto only where the page has none of its own. */
export const webcrypto = globalThis.crypto;

function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser`);
}
export const createCipheriv = () => unavailable('createCipheriv');
export const createDecipheriv = () => unavailable('createDecipheriv');
