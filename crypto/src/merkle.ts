/**
 * Merkle trees, inclusion and consistency proofs as RFC 9162 §2.1 (Certificate Transparency 2.0)
 * defines them, generic over the hash: SHA-256 to check against the RFC's own test data, SM3 in
 * the product.
 */
import { hash as nodeHash } from 'node:crypto';
import { createSM3 } from 'hash-wasm';
import { CryptoError } from './errors';
import { equalBytes } from './bytes';

export interface MerkleHash {
  readonly name: string;
  /** Digest length in bytes. */
  readonly size: number;
  /** Must not keep a reference to `data`: tree building reuses one buffer for every node. */
  digest(data: Uint8Array): Uint8Array;
}

function nativeHash(name: string, algorithm: string): MerkleHash {
  return {
    name,
    size: nodeHash(algorithm, '', 'buffer').length,
    // One-shot hash(): no Hash object per call, which is most of the cost for 65-byte inputs.
    // Returned as a plain Uint8Array, like every other byte string of this package.
    digest: (data) => {
      const d = nodeHash(algorithm, data, 'buffer');
      return new Uint8Array(d.buffer, d.byteOffset, d.length);
    },
  };
}

export const SHA256: MerkleHash = nativeHash('SHA-256', 'sha256');
export const SM3: MerkleHash = nativeHash('SM3', 'sm3');

let wasm: Promise<MerkleHash> | undefined;

/**
 * SM3 on hash-wasm's WebAssembly build, the same digests as SM3, for building large trees: on the
 * 33- and 65-byte inputs of a tree, most of a node:crypto call is its fixed cost, not the hash,
 * and a WebAssembly call has far less of it (about twice the calls per second: bench:crypto, sm3.64b.wasm).
 * Loaded once, asynchronously: WebAssembly compiles asynchronously.
 */
export function wasmSM3(): Promise<MerkleHash> {
  wasm ??= createSM3().then((hasher) => ({
    name: 'SM3',
    size: 32,
    // One hasher serves every caller: each digest is init, update and digest with no await between.
    digest: (data: Uint8Array) => hasher.init().update(data).digest('binary'),
  }));
  return wasm;
}

const LEAF_PREFIX = new Uint8Array([0x00]);

/** §2.1.1: leaf hash H(0x00 || data); the prefixes keep a leaf from passing for an inner node. */
export function hashLeaf(h: MerkleHash, data: Uint8Array): Uint8Array {
  checkHash(h);
  checkBytes(data, 'leaf data');
  return h.digest(Buffer.concat([LEAF_PREFIX, data]));
}

/** §2.1.1: inner node hash H(0x01 || left || right). */
export function hashChildren(h: MerkleHash, left: Uint8Array, right: Uint8Array): Uint8Array {
  checkHash(h);
  checkDigest(h, left, 'left');
  checkDigest(h, right, 'right');
  return nodeHasher(h)(left, right);
}

/** H(0x01 || left || right) through one reused buffer, so that hashing allocates only digests. */
function nodeHasher(h: MerkleHash): (left: Uint8Array, right: Uint8Array) => Uint8Array {
  const scratch = new Uint8Array(1 + 2 * h.size);
  scratch[0] = 0x01;
  return (left, right) => {
    scratch.set(left, 1);
    scratch.set(right, 1 + h.size);
    return h.digest(scratch);
  };
}

/**
 * Hashes the sibling pair `i` of a level (two adjacent digests) into parent slot `i` of `parents`.
 * The pair is copied by index into one scratch buffer: no views per node, so building a tree costs
 * its hashes and little else. `parents` may be `level` itself: slot i lies before pair i.
 */
function pairHasher(h: MerkleHash): (level: Uint8Array, i: number, parents: Uint8Array) => void {
  const width = 2 * h.size;
  const scratch = new Uint8Array(1 + width);
  scratch[0] = 0x01;
  return (level, i, parents) => {
    const from = i * width;
    for (let j = 0; j < width; j++) scratch[1 + j] = level[from + j]!;
    parents.set(h.digest(scratch), i * h.size);
  };
}

/**
 * Levels below this one are not kept: a subtree of fewer than 2^4 leaves is hashed again from its
 * leaves when a proof or root needs it (at most 31 hashes), which takes a tree's memory from two
 * digests per leaf to its leaves plus an eighth of a digest.
 */
const KEPT_FROM_LEVEL = 4;
const CHUNK = 2 ** KEPT_FROM_LEVEL;

/**
 * A tree's leaves as it keeps them: their hashes H(0x00 || data) back to back (`width` 0), or leaf
 * data of `width` bytes each, back to back, hashed again when asked: a log of digests then holds
 * each leaf once, and not its hash as well.
 */
interface LeafStore {
  readonly bytes: Uint8Array;
  readonly width: number;
}

/**
 * How much of each buffer of leaves the longest tree over it uses. Trees are immutable and share a
 * buffer with the trees grown from them: a tree that ends where its buffer's use ends writes a batch
 * into the spare room behind it (an earlier tree still sees only its own prefix); any other copies.
 * Without spare room every batch copied the whole log, quadratic over an agency's batches.
 */
const usedOf = new WeakMap<ArrayBufferLike, number>();

/** A log that outgrows its buffer gets one of 1.5x its bytes: spare room of a third, appends amortised O(batch). */
const GROWTH = 1.5;

/** `bytes` with `more` appended, in the spare room of their buffer when no other tree took it. */
function extended(bytes: Uint8Array, more: Uint8Array): Uint8Array {
  const end = bytes.byteOffset + bytes.length;
  const length = bytes.length + more.length;
  if (usedOf.get(bytes.buffer) === end && end + more.length <= bytes.buffer.byteLength) {
    const grown = new Uint8Array(bytes.buffer, bytes.byteOffset, length);
    grown.set(more, bytes.length);
    usedOf.set(bytes.buffer, end + more.length);
    return grown;
  }
  // A first batch gets exactly its size: most logs are one or a few batches.
  const fresh = new Uint8Array(bytes.length === 0 ? length : Math.max(length, Math.ceil(bytes.length * GROWTH)));
  fresh.set(bytes);
  fresh.set(more, bytes.length);
  usedOf.set(fresh.buffer, length);
  return fresh.subarray(0, length);
}

/**
 * An immutable tree over a fixed list of leaves. The O(n) build keeps every complete subtree of at
 * least 2^KEPT_FROM_LEVEL leaves (levels[k] = hashes of the floor(size / 2^(k + KEPT_FROM_LEVEL))
 * aligned runs of that many leaves, back to back), so any subtree the RFC's recursions ask for is
 * at most log2(n) combinations and one small rehash away: root(), rootOfSize(), inclusionProof()
 * and consistencyProof() are all O(log n).
 */
export class MerkleTree {
  readonly #leaves: LeafStore;
  readonly #levels: Uint8Array[];
  readonly #node: (left: Uint8Array, right: Uint8Array) => Uint8Array;
  readonly #pair: (level: Uint8Array, i: number, parents: Uint8Array) => void;

  /**
   * `known`: the levels of a tree over a prefix of these leaves. Its nodes are complete aligned
   * subtrees, which appending leaves never changes, so they are copied rather than hashed again.
   */
  private constructor(
    readonly hash: MerkleHash,
    leaves: LeafStore,
    readonly size: number,
    known: readonly Uint8Array[] = [],
  ) {
    const s = hash.size;
    this.#leaves = leaves;
    this.#node = nodeHasher(hash);
    this.#pair = pairHasher(hash);
    const chunks = Math.floor(size / CHUNK);
    const bottom = new Uint8Array(chunks * s);
    const reusedBottom = known[0] ?? new Uint8Array(0);
    bottom.set(reusedBottom);
    const scratch = new Uint8Array(CHUNK * s);
    for (let i = reusedBottom.length / s; i < chunks; i++) bottom.set(this.#reduce(i * CHUNK, CHUNK, scratch), i * s);
    this.#levels = [bottom];
    for (let level = bottom, count = chunks, k = 1; count > 1; k++) {
      const parents = Math.floor(count / 2);
      const next = new Uint8Array(parents * s);
      const reused = known[k] ?? new Uint8Array(0);
      next.set(reused);
      for (let i = reused.length / s; i < parents; i++) this.#pair(level, i, next);
      this.#levels.push(next);
      level = next;
      count = parents;
    }
  }

  /** A tree whose leaves are `leaves` (each hashed as H(0x00 || data)). */
  static fromLeaves(h: MerkleHash, leaves: readonly Uint8Array[]): MerkleTree {
    checkHash(h);
    checkArray(leaves, 'leaves');
    const hashes = new Uint8Array(leaves.length * h.size);
    hashLeavesInto(h, leaves, hashes, 0);
    return new MerkleTree(h, { bytes: hashes, width: 0 }, leaves.length);
  }

  /**
   * A tree whose leaves are `data` cut into leaves of `leafBytes` bytes (a log of digests). It keeps
   * `data` (a copy) rather than the leaf hashes, and hashes leaves again for proofs.
   */
  static fromLeafData(h: MerkleHash, data: Uint8Array, leafBytes: number): MerkleTree {
    checkHash(h);
    checkBytes(data, 'data');
    if (!Number.isSafeInteger(leafBytes) || leafBytes <= 0) throw new CryptoError('BAD_ARGUMENT', `leafBytes must be a positive integer, got ${leafBytes}`, 'leafBytes');
    checkLeafData(data, leafBytes);
    // new Uint8Array(data) copies; a Buffer's slice() would not.
    return new MerkleTree(h, { bytes: new Uint8Array(data), width: leafBytes }, data.length / leafBytes);
  }

  /**
   * This tree with `leaves` appended (an append-only log growing by a batch). Hashes only the new
   * leaves and the nodes above them: O(batch + log n) hashing, instead of rebuilding the whole log.
   * A tree of leaf data takes leaves of its leaf width only.
   */
  append(leaves: readonly Uint8Array[]): MerkleTree {
    checkArray(leaves, 'leaves');
    const { width } = this.#leaves;
    if (width > 0) {
      for (let i = 0; i < leaves.length; i++) checkLeafData(leaves[i]!, width, `leaves[${i}]`);
      return this.appendLeafData(Buffer.concat(leaves));
    }
    const hashes = new Uint8Array(leaves.length * this.hash.size);
    hashLeavesInto(this.hash, leaves, hashes, 0);
    return new MerkleTree(this.hash, { bytes: extended(this.#leaves.bytes, hashes), width: 0 }, this.size + leaves.length, this.#levels);
  }

  /** A tree of leaf data (see fromLeafData) with the leaves of `data` appended, `leafBytes` each. */
  appendLeafData(data: Uint8Array): MerkleTree {
    const grown = this.#grownLeafData(data);
    return new MerkleTree(this.hash, grown, grown.bytes.length / grown.width, this.#levels);
  }

  /** This tree's leaf data with `data` appended. */
  #grownLeafData(data: Uint8Array): LeafStore {
    const { bytes, width } = this.#leaves;
    if (width === 0) throw new CryptoError('BAD_ARGUMENT', 'this tree keeps leaf hashes, not leaf data: append leaves instead', 'data');
    checkLeafData(data, width);
    return { bytes: extended(bytes, data), width };
  }

  /**
   * appendLeafData, with the new runs of leaves hashed by `runRoots` (leafRunRoots with this tree's
   * hash, elsewhere: LeafRunHashers' worker threads for SM3) as well as on this thread, which takes the
   * first of `shares` equal shares. The same tree, sooner where cores are idle.
   */
  async appendLeafDataInParallel(data: Uint8Array, shares: number, runRoots: (data: Uint8Array, width: number) => Promise<Uint8Array>): Promise<MerkleTree> {
    const { bytes: grown, width } = this.#grownLeafData(data);
    const s = this.hash.size;
    const known = this.#levels[0]!.length / s;
    const runs = Math.floor(grown.length / width / CHUNK) - known;
    const per = Math.ceil(runs / Math.max(1, shares));
    const share = (k: number) => grown.subarray((known + k * per) * CHUNK * width, (known + Math.min(runs, (k + 1) * per)) * CHUNK * width);
    // Posted first, so the other threads work while this one hashes its own share.
    const others = Array.from({ length: Math.max(0, Math.ceil(runs / per) - 1) }, (_, k) => runRoots(share(k + 1), width));
    const bottom = new Uint8Array((known + runs) * s);
    bottom.set(this.#levels[0]!);
    bottom.set(leafRunRoots(this.hash, share(0), width), known * s);
    for (const [k, roots] of (await Promise.all(others)).entries()) bottom.set(roots, (known + (k + 1) * per) * s);
    return new MerkleTree(this.hash, { bytes: grown, width }, grown.length / width, [bottom, ...this.#levels.slice(1)]);
  }

  /** A tree from leaf hashes already computed as H(0x00 || data). */
  static fromLeafHashes(h: MerkleHash, leafHashes: readonly Uint8Array[]): MerkleTree {
    checkHash(h);
    checkArray(leafHashes, 'leafHashes');
    const hashes = new Uint8Array(leafHashes.length * h.size);
    for (let i = 0; i < leafHashes.length; i++) {
      checkDigest(h, leafHashes[i]!, `leafHashes[${i}]`);
      hashes.set(leafHashes[i]!, i * h.size);
    }
    return new MerkleTree(h, { bytes: hashes, width: 0 }, leafHashes.length);
  }

  /** MTH of the whole tree. */
  root(): Uint8Array {
    return this.rootOfSize(this.size);
  }

  /** MTH(D[0:m]): the root this tree had when it held its first m leaves. */
  rootOfSize(m: number): Uint8Array {
    this.#checkSize(m, 'size');
    return m === 0 ? this.hash.digest(new Uint8Array(0)) : this.#subtree(0, m).slice();
  }

  leafHash(index: number): Uint8Array {
    this.#checkIndex(index, this.size);
    return this.#subtree(index, index + 1).slice();
  }

  /**
   * The position of the first leaf with this data among leaves `from` up to (not including)
   * `treeSize`, or undefined. A scan of the kept leaves (their hashes, for a tree that keeps hashes):
   * no index to keep in memory; `from` lets a caller look where the leaf most likely is first.
   */
  indexOf(data: Uint8Array, treeSize: number = this.size, from = 0): number | undefined {
    checkBytes(data, 'data');
    this.#checkSize(treeSize, 'treeSize');
    this.#checkSize(from, 'from');
    const { bytes, width } = this.#leaves;
    if (width > 0 && data.length !== width) return undefined;
    const step = width || this.hash.size;
    const needle = width > 0 ? data : hashLeaf(this.hash, data);
    const kept = Buffer.from(bytes.buffer, bytes.byteOffset, treeSize * step);
    // indexOf finds byte offsets; a match straddling two leaves is no leaf, so keep looking.
    let at = kept.indexOf(needle, from * step);
    while (at >= 0 && at % step !== 0) at = kept.indexOf(needle, at + 1);
    return at >= 0 ? at / step : undefined;
  }

  /** §2.1.3.1 PATH(m, D[n]): audit path of leaf `index` in the tree of the first `treeSize` leaves, leaf end first. */
  inclusionProof(index: number, treeSize: number = this.size): Uint8Array[] {
    this.#checkSize(treeSize, 'treeSize');
    this.#checkIndex(index, treeSize);
    const path: Uint8Array[] = [];
    let start = 0;
    let end = treeSize;
    while (end - start > 1) {
      const k = largestPowerOfTwoBelow(end - start);
      if (index < start + k) {
        path.push(this.#subtree(start + k, end));
        end = start + k;
      } else {
        path.push(this.#subtree(start, start + k));
        start += k;
      }
    }
    // Walked from the root down; PATH lists the leaf's sibling first.
    return path.reverse().map((p) => p.slice());
  }

  /**
   * §2.1.4.1 PROOF(m, D[n]) between the first `oldSize` and the first `newSize` leaves. The RFC
   * defines it for 0 < m < n; for m = 0 or m = n the proof is empty (see verifyConsistency).
   */
  consistencyProof(oldSize: number, newSize: number = this.size): Uint8Array[] {
    this.#checkSize(newSize, 'newSize');
    this.#checkSize(oldSize, 'oldSize');
    if (oldSize > newSize) throw new CryptoError('BAD_ARGUMENT', `oldSize ${oldSize} exceeds newSize ${newSize}`, 'oldSize');
    if (oldSize === 0 || oldSize === newSize) return [];
    // SUBPROOF(m, D[start:end], b), unrolled from the root down.
    const proof: Uint8Array[] = [];
    let start = 0;
    let end = newSize;
    let m = oldSize;
    let oldRootIsKnown = true; // the RFC's b: the old root is a node the verifier already has
    while (m < end - start) {
      const k = largestPowerOfTwoBelow(end - start);
      if (m <= k) {
        proof.push(this.#subtree(start + k, end));
        end = start + k;
      } else {
        proof.push(this.#subtree(start, start + k));
        start += k;
        m -= k;
        oldRootIsKnown = false;
      }
    }
    if (!oldRootIsKnown) proof.push(this.#subtree(start, end));
    return proof.reverse().map((p) => p.slice());
  }

  /**
   * MTH(D[start:end]) for the ranges the RFC recursion reaches: start is a multiple of the largest
   * power of two not above end - start, so the left part is always a complete subtree, kept or small.
   * May return a view into the levels; public methods copy it.
   */
  #subtree(start: number, end: number): Uint8Array {
    const n = end - start;
    if (isPowerOfTwo(n)) {
      if (n < CHUNK) return this.#reduce(start, n, new Uint8Array(n * this.hash.size));
      const level = Math.round(Math.log2(n)) - KEPT_FROM_LEVEL;
      const s = this.hash.size;
      return this.#levels[level]!.subarray((start / n) * s, (start / n + 1) * s);
    }
    const k = largestPowerOfTwoBelow(n);
    return this.#node(this.#subtree(start, start + k), this.#subtree(start + k, end));
  }

  /** MTH of the aligned run of `n` (a power of two) leaves from `start`, hashed in `scratch`; a view of it. */
  #reduce(start: number, n: number, scratch: Uint8Array): Uint8Array {
    const { bytes, width } = this.#leaves;
    const s = this.hash.size;
    if (width === 0) scratch.set(bytes.subarray(start * s, (start + n) * s));
    else hashLeafDataInto(this.hash, bytes.subarray(start * width, (start + n) * width), width, scratch);
    return reduceInPlace(this.#pair, scratch, n, s);
  }

  #checkSize(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.size) {
      throw new CryptoError('BAD_ARGUMENT', `${what} must be an integer from 0 to ${this.size}, got ${n}`, what);
    }
  }

  #checkIndex(index: number, treeSize: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
      throw new CryptoError('BAD_ARGUMENT', `leaf index must be an integer below ${treeSize}, got ${index}`, 'index');
    }
  }
}

/** Writes H(0x00 || data) of each leaf into `hashes`, the first at leaf position `offset`. */
function hashLeavesInto(h: MerkleHash, leaves: readonly Uint8Array[], hashes: Uint8Array, offset: number): void {
  let scratch = new Uint8Array(0);
  // Indexed loops, not forEach: forEach skips the holes of a sparse array.
  for (let i = 0; i < leaves.length; i++) {
    const data = leaves[i]!;
    checkBytes(data, `leaves[${i}]`);
    // Leaves of a batch are usually all one size (digests): then the scratch buffer fits exactly.
    if (scratch.length !== data.length + 1) scratch = new Uint8Array(data.length + 1);
    scratch.set(data, 1); // scratch[0] stays 0x00, the leaf prefix
    hashes.set(h.digest(scratch), (offset + i) * h.size);
  }
}

/** MTH of `n` (a power of two) leaves whose hashes are in `scratch`, hashed level by level in place; a view of it. */
function reduceInPlace(pair: (level: Uint8Array, i: number, parents: Uint8Array) => void, scratch: Uint8Array, n: number, size: number): Uint8Array {
  for (let count = n; count > 1; count /= 2) {
    for (let i = 0; i < count / 2; i++) pair(scratch, i, scratch);
  }
  return scratch.subarray(0, size);
}

/**
 * The nodes a tree keeps at its lowest kept level for leaf data `data` (`width` bytes a leaf, whole
 * runs of 2^KEPT_FROM_LEVEL leaves): each run's root, back to back. What worker threads compute for
 * MerkleTree.appendLeafDataInParallel.
 */
export function leafRunRoots(h: MerkleHash, data: Uint8Array, width: number): Uint8Array {
  const runs = data.length / (width * CHUNK);
  if (!Number.isInteger(runs)) throw new CryptoError('BAD_LENGTH', `leaf data must be whole runs of ${CHUNK} leaves of ${width} bytes`, 'data');
  const pair = pairHasher(h);
  const scratch = new Uint8Array(CHUNK * h.size);
  const roots = new Uint8Array(runs * h.size);
  for (let i = 0; i < runs; i++) {
    hashLeafDataInto(h, data.subarray(i * CHUNK * width, (i + 1) * CHUNK * width), width, scratch);
    roots.set(reduceInPlace(pair, scratch, CHUNK, h.size), i * h.size);
  }
  return roots;
}

/** Writes H(0x00 || leaf) of each `width`-byte leaf of `data` into `hashes`, back to back. */
function hashLeafDataInto(h: MerkleHash, data: Uint8Array, width: number, hashes: Uint8Array): void {
  const scratch = new Uint8Array(1 + width); // scratch[0] stays 0x00, the leaf prefix
  for (let i = 0, at = 0; at < data.length; i++, at += width) {
    for (let j = 0; j < width; j++) scratch[1 + j] = data[at + j]!;
    hashes.set(h.digest(scratch), i * h.size);
  }
}

/**
 * §2.1.3.2: the root that `proof` leads to from `leafHash` at `leafIndex` of a tree of `treeSize`
 * leaves. Throws BAD_PROOF when the proof cannot belong to those sizes at all.
 */
export function rootFromInclusionProof(
  h: MerkleHash,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const root = inclusionRoot(h, leafIndex, treeSize, leafHash, proof);
  if (root === undefined) {
    throw new CryptoError('BAD_PROOF', `not an inclusion proof for leaf ${leafIndex} of a tree of ${treeSize} (${h.name})`);
  }
  return root;
}

/** §2.1.3.2. False for a wrong proof and for wrong-shaped input; throws only for wrong types. */
export function verifyInclusion(
  h: MerkleHash,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  checkBytes(root, 'root');
  const computed = inclusionRoot(h, leafIndex, treeSize, leafHash, proof);
  return computed !== undefined && equalBytes(computed, root);
}

function inclusionRoot(
  h: MerkleHash,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  checkHash(h);
  checkNumber(leafIndex, 'leafIndex');
  checkNumber(treeSize, 'treeSize');
  checkBytes(leafHash, 'leafHash');
  checkProof(proof);
  if (!isTreeSize(leafIndex) || !isTreeSize(treeSize) || leafIndex >= treeSize) return undefined;
  if (leafHash.length !== h.size || proof.some((p) => p.length !== h.size)) return undefined;
  const node = nodeHasher(h);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = new Uint8Array(leafHash); // a copy: for a one-leaf tree it is the root returned
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = node(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = node(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? r : undefined;
}

/**
 * §2.1.4.2, which covers 0 < size1 < size2. Outside that range, as other RFC 9162 verifiers do:
 * size1 = size2 needs an empty proof and equal roots; size1 = 0 needs an empty proof and root1 the
 * empty-tree hash. False for a wrong proof and for wrong-shaped input; throws only for wrong types.
 */
export function verifyConsistency(
  h: MerkleHash,
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  checkHash(h);
  checkNumber(size1, 'size1');
  checkNumber(size2, 'size2');
  checkProof(proof);
  checkBytes(root1, 'root1');
  checkBytes(root2, 'root2');
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 > size2) return false;
  if ([root1, root2, ...proof].some((x) => x.length !== h.size)) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0 && equalBytes(root1, h.digest(new Uint8Array(0)));
  if (proof.length === 0) return false; // step 1
  const node = nodeHasher(h);
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof; // step 2
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = node(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}

// Sizes go up to 2^53 in verification, past where JavaScript's 32-bit shifts work: use arithmetic.
const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;
const isTreeSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/** The RFC's k: the largest power of two smaller than n (n > 1). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkHash(h: MerkleHash): void {
  if (typeof h !== 'object' || h === null || typeof h.digest !== 'function' || !Number.isSafeInteger(h.size) || h.size <= 0) {
    throw new CryptoError('BAD_ARGUMENT', 'not a MerkleHash (use SHA256 or SM3)', 'hash');
  }
}

function checkNumber(n: number, what: string): void {
  if (typeof n !== 'number') throw new CryptoError('BAD_ARGUMENT', `${what} must be a number`, what);
}

function checkBytes(b: Uint8Array, what: string): void {
  if (!(b instanceof Uint8Array)) throw new CryptoError('BAD_ARGUMENT', `${what} must be a Uint8Array`, what);
}

function checkArray(a: readonly unknown[], what: string): void {
  if (!Array.isArray(a)) throw new CryptoError('BAD_ARGUMENT', `${what} must be an array`, what);
}

function checkProof(proof: readonly Uint8Array[]): void {
  checkArray(proof, 'proof');
  for (let i = 0; i < proof.length; i++) checkBytes(proof[i]!, `proof[${i}]`);
}

function checkLeafData(data: Uint8Array, width: number, what = 'data'): void {
  checkBytes(data, what);
  if (data.length % width !== 0) {
    throw new CryptoError('BAD_LENGTH', `${what} must be leaves of ${width} bytes back to back, got ${data.length} bytes`, what);
  }
}

function checkDigest(h: MerkleHash, b: Uint8Array, what: string): void {
  checkBytes(b, what);
  if (b.length !== h.size) {
    throw new CryptoError('BAD_LENGTH', `${what} must be a ${h.size}-byte ${h.name} digest, got ${b.length} bytes`, what);
  }
}
