/**
 * The canonical byte encoding of everything the ledger hashes or stores: fixed-width big-endian
 * integers and length-prefixed byte strings, written in a fixed field order. There is exactly one
 * encoding of each value, so equal records give equal bytes and equal SM3 digests.
 *
 *   u8, u32 (4 bytes BE), u64 (8 bytes BE)
 *   bytes  = u32 length || raw bytes
 *   string = bytes of its UTF-8 encoding
 *   bool   = u8 0 | 1
 */
export class Writer {
  private readonly chunks: Buffer[] = [];

  u8(value: number): this {
    this.chunks.push(Buffer.of(value));
    return this;
  }

  u32(value: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(value);
    this.chunks.push(b);
    return this;
  }

  u64(value: bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigUInt64BE(value);
    this.chunks.push(b);
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  bytes(value: Uint8Array): this {
    this.u32(value.length);
    this.chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    return this;
  }

  string(value: string): this {
    return this.bytes(Buffer.from(value, 'utf8'));
  }

  /** Writes a count followed by each item. */
  list<T>(items: readonly T[], write: (item: T) => void): this {
    this.u32(items.length);
    for (const item of items) write(item);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Reads what {@link Writer} wrote; any truncation or trailing byte is an error, never a guess. */
export class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  /** Moves past `length` bytes and returns where they start; numbers are read in place, without a slice each. */
  private advance(length: number): number {
    const at = this.offset;
    if (at + length > this.buffer.length) {
      throw new Error(`truncated record: need ${length} bytes at offset ${at} of ${this.buffer.length}`);
    }
    this.offset = at + length;
    return at;
  }

  u8(): number {
    return this.buffer[this.advance(1)]!;
  }

  u32(): number {
    return this.buffer.readUInt32BE(this.advance(4));
  }

  u64(): bigint {
    return this.buffer.readBigUInt64BE(this.advance(8));
  }

  bool(): boolean {
    const value = this.u8();
    if (value > 1) throw new Error(`invalid boolean byte ${value} at offset ${this.offset - 1}`);
    return value === 1;
  }

  /** A copy, so callers may keep it after the underlying record buffer is reused. */
  bytes(): Uint8Array {
    const length = this.u32();
    const at = this.advance(length);
    return new Uint8Array(this.buffer.subarray(at, at + length));
  }

  string(): string {
    const length = this.u32();
    const at = this.advance(length);
    return this.buffer.toString('utf8', at, at + length);
  }

  /** Moves past `length` bytes, or past a length-prefixed byte string when no length is given. */
  skip(length?: number): void {
    this.advance(length ?? this.u32());
  }

  list<T>(read: () => T): T[] {
    const count = this.u32();
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(read());
    return items;
  }

  /** Asserts the whole record was consumed. */
  end(): void {
    if (this.offset !== this.buffer.length) {
      throw new Error(`${this.buffer.length - this.offset} trailing bytes after offset ${this.offset}`);
    }
  }
}
