/**
 * Reads the embedded ledger's canonical transaction bytes (embedded-ledger/src/block.ts
 * encodeTransaction: u8/u32/u64 big-endian, u32-length-prefixed byte strings) and rebuilds its block
 * hash, with no Node API, so a browser can check a bundle. A gateway test checks this reader against
 * the ledger's own blocks.
 */
import { concatBytes, derInteger, derOctetString, derSequence, fromHex, sm3 } from '@henan-chain/crypto';

export interface ReadTransaction {
  txId: string;
  /** RFC 3339 with milliseconds. */
  timestamp: string;
  creatorMspId: string;
  fn: string;
  args: string[];
  writes: { key: string; isDelete: boolean; value: Uint8Array }[];
}

const CONFIG = 1;
const ENDORSER = 3;
const decoder = new TextDecoder('utf-8', { fatal: true });

class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  private need(n: number): number {
    if (this.offset + n > this.data.length) throw new Error(`truncated transaction: ${n} bytes needed at offset ${this.offset}`);
    const at = this.offset;
    this.offset += n;
    return at;
  }
  u8 = () => this.view.getUint8(this.need(1));
  u32 = () => this.view.getUint32(this.need(4));
  u64 = () => this.view.getBigUint64(this.need(8));
  bool = () => this.u8() === 1;
  bytes = () => {
    const n = this.u32();
    const at = this.need(n);
    return this.data.subarray(at, at + n);
  };
  string = () => decoder.decode(this.bytes());
  list<T>(read: () => T): T[] {
    const n = this.u32();
    const items: T[] = [];
    for (let i = 0; i < n; i++) items.push(read());
    return items;
  }
  end(): void {
    if (this.offset !== this.data.length) throw new Error(`${this.data.length - this.offset} bytes after the transaction`);
  }
}

/** An endorser transaction's fields a bundle relies on; undefined for the genesis configuration transaction. */
export function readTransaction(bytes: Uint8Array): ReadTransaction | undefined {
  const r = new Reader(bytes);
  const type = r.u8();
  if (type === CONFIG) return undefined;
  if (type !== ENDORSER) throw new Error(`unknown transaction type ${type}`);
  const skipRead = (): void => {
    r.string();
    if (r.bool()) {
      r.u64();
      r.u32();
    }
  };
  const txId = r.string();
  const seconds = r.u64();
  const nanos = r.u32();
  const creatorMspId = r.string();
  r.string(); // creator certificate
  r.string(); // chaincode name
  const fn = r.string();
  const args = r.list(() => r.string());
  r.list(skipRead);
  r.list(() => {
    r.string();
    r.string();
    r.bool();
    r.list(skipRead);
  });
  const writes = r.list(() => ({ key: r.string(), isDelete: r.bool(), value: r.bytes() }));
  if (r.bool()) {
    r.string(); // event name
    r.bytes(); // event payload
  }
  r.u32(); // response status
  r.string(); // response message
  r.bytes(); // response payload
  r.end();
  const timestamp = new Date(Number(seconds) * 1000 + Math.floor(nanos / 1_000_000)).toISOString();
  return { txId, timestamp, creatorMspId, fn, args, writes };
}

/** SM3 over SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }: Fabric's header hash, in SM3. */
export function headerHash(header: { number: string; previousHash: string; dataHash: string }): Uint8Array {
  return sm3(
    derSequence(derInteger(BigInt(header.number)), derOctetString(fromHex(header.previousHash, 'previousHash')), derOctetString(fromHex(header.dataHash, 'dataHash'))),
  );
}

/** SM3 over the concatenated transaction bytes: the header's data hash. */
export function dataHashOf(transactions: Uint8Array[]): Uint8Array {
  return sm3(concatBytes(...transactions));
}
