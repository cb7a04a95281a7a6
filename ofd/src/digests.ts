/**
 * SM3 of container files, each computed at most once per verification: the signatures of a document
 * protect the same files, and hashing a file once per reference would let one large file ask for
 * unbounded work. SM3 is the only digest references may use (references.ts).
 */
import { sm3 } from '@henan-chain/crypto';
import type { Container } from './container';

export class FileDigests {
  private readonly computed = new Map<string, Uint8Array>();

  constructor(private readonly container: Container) {}

  /** SM3 of the file at `path`; undefined when the container does not hold it. */
  sm3(path: string): Uint8Array | undefined {
    const known = this.computed.get(path);
    if (known) return known;
    const file = this.container.get(path);
    if (!file) return undefined;
    const digest = sm3(file);
    this.computed.set(path, digest);
    return digest;
  }
}
