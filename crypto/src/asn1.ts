/**
 * A minimal, strict DER reader and writer: just what SM2 keys, signatures and ciphertexts need
 * (SEQUENCE, INTEGER, OCTET STRING, BIT STRING, NULL, OBJECT IDENTIFIER, context tags).
 * Strict because a signature or key has exactly one DER encoding: accepting others (BER lengths,
 * padded integers, trailing bytes) would make signatures malleable and hide corrupted input.
 */
import { bigIntToBytes, bytesToBigInt, concatBytes } from './bytes';
import { CryptoError } from './errors';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** Tag of a constructed, context-specific [n] element (EXPLICIT tagging, as PKCS#8 and SEC1 use). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

function derError(message: string, part?: string): CryptoError {
  return new CryptoError('BAD_DER', message, part);
}

/** Reads the elements of one DER value (or of the content of a constructed one) in order. */
export class DerReader {
  private pos = 0;

  /** `what` names the input in error messages, e.g. 'signature' or 'SubjectPublicKeyInfo'. */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Tag of the next element, undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.pos];
  }

  /** Reads one element with the expected tag and returns its content. */
  read(tag: number, name: string): Uint8Array {
    const b = this.bytes;
    if (this.done) throw derError(`${this.what}: ${name} is missing (input truncated)`, name);
    const actual = b[this.pos]!;
    if (actual !== tag) {
      throw derError(`${this.what}: expected ${tagName(tag)} for ${name}, got tag 0x${hex2(actual)}`, name);
    }
    let i = this.pos + 1;
    if (i >= b.length) throw derError(`${this.what}: ${name} has no length (input truncated)`, name);
    const first = b[i++]!;
    let length = first;
    if (first === 0x80) throw derError(`${this.what}: ${name} uses an indefinite length, not allowed in DER`, name);
    if (first > 0x80) {
      const count = first & 0x7f;
      // Nothing here comes close to 2^32 bytes; more length bytes can only be an attack or garbage.
      if (count > 4) throw derError(`${this.what}: ${name} has an unsupported ${count}-byte length`, name);
      if (i + count > b.length) throw derError(`${this.what}: ${name} length is truncated`, name);
      if (b[i] === 0) throw derError(`${this.what}: ${name} length has a leading zero byte (not minimal)`, name);
      length = 0;
      for (let j = 0; j < count; j++) length = length * 256 + b[i++]!;
      if (length < 0x80) throw derError(`${this.what}: ${name} length ${length} should use the short form`, name);
    }
    if (i + length > b.length) {
      throw derError(`${this.what}: ${name} needs ${length} bytes but only ${b.length - i} remain (truncated)`, name);
    }
    this.pos = i + length;
    return b.subarray(i, i + length);
  }

  /** Reads a SEQUENCE (or another constructed tag) and returns a reader over its content. */
  readConstructed(name: string, tag: number = TAG.SEQUENCE): DerReader {
    return new DerReader(this.read(tag, name), `${this.what}.${name}`);
  }

  /** A non-negative INTEGER in minimal two's-complement form. */
  readInteger(name: string): bigint {
    const c = this.read(TAG.INTEGER, name);
    if (c.length === 0) throw derError(`${this.what}: INTEGER ${name} is empty`, name);
    if (c[0]! & 0x80) throw derError(`${this.what}: INTEGER ${name} is negative`, name);
    if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) {
      throw derError(`${this.what}: INTEGER ${name} has a superfluous leading zero byte (not minimal)`, name);
    }
    return bytesToBigInt(c);
  }

  readOctetString(name: string): Uint8Array {
    return this.read(TAG.OCTET_STRING, name);
  }

  /** A BIT STRING of whole bytes (keys never use a partial last byte). */
  readBitString(name: string): Uint8Array {
    const c = this.read(TAG.BIT_STRING, name);
    if (c.length === 0) throw derError(`${this.what}: BIT STRING ${name} is empty`, name);
    if (c[0] !== 0) throw derError(`${this.what}: BIT STRING ${name} has ${c[0]} unused bits, expected 0`, name);
    return c.subarray(1);
  }

  readNull(name: string): void {
    if (this.read(TAG.NULL, name).length !== 0) throw derError(`${this.what}: NULL ${name} has content`, name);
  }

  /** An OBJECT IDENTIFIER in dotted form, e.g. '1.2.156.10197.1.301'. */
  readOid(name: string): string {
    return decodeOid(this.read(TAG.OID, name), `${this.what}: OID ${name}`);
  }

  /** Fails unless every byte was consumed. */
  end(): void {
    if (!this.done) {
      throw derError(`${this.what}: ${this.bytes.length - this.pos} trailing byte(s) after the last element`);
    }
  }
}

function decodeOid(c: Uint8Array, what: string): string {
  if (c.length === 0) throw derError(`${what} is empty`);
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const byte of c) {
    if (fresh && byte === 0x80) throw derError(`${what} has a non-minimal arc (leading 0x80)`);
    value = (value << 7n) | BigInt(byte & 0x7f);
    fresh = !(byte & 0x80);
    if (fresh) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (!fresh) throw derError(`${what} is truncated (last arc unfinished)`);
  const head = arcs[0]!;
  const [a, b] = head < 40n ? [0n, head] : head < 80n ? [1n, head - 40n] : [2n, head - 80n];
  return [a, b, ...arcs.slice(1)].join('.');
}

// ---- writer ----

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV element. */
export function derElement(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return derElement(TAG.SEQUENCE, concatBytes(...elements));
}

/** A non-negative INTEGER, minimal, with a 0x00 byte when the top bit is set. */
export function derInteger(value: bigint): Uint8Array {
  if (value < 0n) throw new CryptoError('BAD_ARGUMENT', 'DER INTEGER must not be negative');
  const length = value === 0n ? 1 : Math.floor((value.toString(16).length + 1) / 2);
  const bytes = bigIntToBytes(value, length);
  return derElement(TAG.INTEGER, bytes[0]! & 0x80 ? concatBytes(Uint8Array.of(0), bytes) : bytes);
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derElement(TAG.OCTET_STRING, bytes);
}

export function derBitString(bytes: Uint8Array): Uint8Array {
  return derElement(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), bytes));
}

export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^(0|[1-9][0-9]*)$/.test(a)) throw new CryptoError('BAD_ARGUMENT', `bad OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2n || (arcs[0]! < 2n && arcs[1]! >= 40n)) {
    throw new CryptoError('BAD_ARGUMENT', `bad OID ${dotted}`);
  }
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)]) {
    const groups = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...groups);
  }
  return derElement(TAG.OID, Uint8Array.from(out));
}

/** An EXPLICIT context-specific [n] wrapper around already encoded elements. */
export function derContext(n: number, ...elements: Uint8Array[]): Uint8Array {
  return derElement(contextTag(n), concatBytes(...elements));
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function tagName(tag: number): string {
  const names: Record<number, string> = {
    [TAG.INTEGER]: 'INTEGER',
    [TAG.BIT_STRING]: 'BIT STRING',
    [TAG.OCTET_STRING]: 'OCTET STRING',
    [TAG.NULL]: 'NULL',
    [TAG.OID]: 'OBJECT IDENTIFIER',
    [TAG.SEQUENCE]: 'SEQUENCE',
  };
  return names[tag] ?? ((tag & 0xe0) === 0xa0 ? `[${tag & 0x1f}]` : `tag 0x${hex2(tag)}`);
}
