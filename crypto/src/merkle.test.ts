import test from 'ava';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  MerkleTree,
  SHA256,
  SM3,
  hashChildren,
  hashLeaf,
  rootFromInclusionProof,
  verifyConsistency,
  leafRunRoots,
  verifyInclusion,
  wasmSM3,
  type MerkleHash,
} from './merkle';
import { CryptoError } from './errors';
import { LeafRunHashers } from './merkle-threads';
import { fromHex, toHex } from './bytes';

// RFC 6962 / RFC 9162 test data, as in sm-vectors.md.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (hex) => fromHex(hex, 'leaf'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', // empty tree: SHA-256("")
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

test('RFC 9162 SHA-256 test data: roots, inclusion proof 5 in 8, consistency 4 -> 8', (t) => {
  const tree = MerkleTree.fromLeaves(SHA256, LEAVES);
  t.is(toHex(tree.root()), ROOTS[8]);
  ROOTS.forEach((root, m) => t.is(toHex(tree.rootOfSize(m)), root, `size ${m}`));

  const proof = tree.inclusionProof(5);
  t.deepEqual(proof.map(toHex), [
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]);
  t.true(verifyInclusion(SHA256, 5, 8, hashLeaf(SHA256, LEAVES[5]!), proof, tree.root()));

  const consistency = tree.consistencyProof(4);
  t.deepEqual(consistency.map(toHex), ['6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']);
  t.true(verifyConsistency(SHA256, 4, 8, consistency, tree.rootOfSize(4), tree.root()));
});

test('SM3 instance: digest, empty tree and leaf prefix', (t) => {
  t.is(SM3.size, 32);
  t.is(toHex(SM3.digest(Buffer.from('abc'))), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  t.is(toHex(MerkleTree.fromLeaves(SM3, []).root()), '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
  const abc = Buffer.from('abc');
  t.is(toHex(hashLeaf(SM3, abc)), createHash('sm3').update(Buffer.from([0])).update(abc).digest('hex'));
  const [l, r] = [SM3.digest(Buffer.from('l')), SM3.digest(Buffer.from('r'))];
  t.is(toHex(hashChildren(SM3, l, r)), createHash('sm3').update(Buffer.from([1])).update(l).update(r).digest('hex'));
  t.is(t.throws(() => hashChildren(SM3, l, r.subarray(1)), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
});

// The RFC's recursive definitions, written out literally, as a reference for the level-based tree.
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
function mth(h: MerkleHash, d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return h.digest(new Uint8Array(0));
  if (d.length === 1) return hashLeaf(h, d[0]!);
  return hashChildren(h, mth(h, d.slice(0, k(d.length))), mth(h, d.slice(k(d.length))));
}
function path(h: MerkleHash, m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...path(h, m, d.slice(0, s)), mth(h, d.slice(s))]
    : [...path(h, m - s, d.slice(s)), mth(h, d.slice(0, s))];
}
function subproof(h: MerkleHash, m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(h, d)];
  const s = k(d.length);
  return m <= s
    ? [...subproof(h, m, d.slice(0, s), b), mth(h, d.slice(s))]
    : [...subproof(h, m - s, d.slice(s), false), mth(h, d.slice(0, s))];
}

test('matches the RFC recursions literally for every size up to 70, keeping leaf hashes or leaf data', (t) => {
  // Fixed-width leaves, so that the same leaves also make a tree of leaf data; 70 passes 4 runs of 16.
  const data = Array.from({ length: 70 }, (_, i) => Buffer.from(`leaf ${String(i).padStart(3, '0')}`));
  for (let n = 0; n <= data.length; n++) {
    const d = data.slice(0, n);
    for (const tree of [MerkleTree.fromLeaves(SM3, d), MerkleTree.fromLeafData(SM3, Buffer.concat(d), 8)]) {
      t.is(tree.size, n);
      t.is(toHex(tree.root()), toHex(mth(SM3, d)), `root ${n}`);
      for (let m = 0; m < n; m++) t.deepEqual(tree.inclusionProof(m).map(toHex), path(SM3, m, d).map(toHex), `path ${m}/${n}`);
      for (let m = 1; m < n; m++) t.deepEqual(tree.consistencyProof(m).map(toHex), subproof(SM3, m, d, true).map(toHex), `proof ${m}/${n}`);
      for (let m = 0; m < n; m++) t.deepEqual(tree.leafHash(m), hashLeaf(SM3, d[m]!));
    }
  }
});

test('wasmSM3 gives the digests of SM3, and the same trees', async (t) => {
  const wasm = await wasmSM3();
  t.is(wasm, await wasmSM3());
  t.is(wasm.size, 32);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (data) => t.deepEqual(wasm.digest(data), SM3.digest(data))),
    { numRuns: 200 },
  );
  const leaves = Buffer.from(Array.from({ length: 37 * 32 }, (_, i) => (i * 151) % 256));
  const [a, b] = [MerkleTree.fromLeafData(SM3, leaves, 32), MerkleTree.fromLeafData(wasm, leaves, 32)];
  t.deepEqual(b.root(), a.root());
  t.deepEqual(b.inclusionProof(20), a.inclusionProof(20));
  t.deepEqual(b.consistencyProof(17), a.consistencyProof(17));
});

test('leaf data: grown batch by batch, leaves found by their data, wrong widths refused', (t) => {
  const leaf = (i: number) => Buffer.from(`${String(i).padStart(4, '0')}`);
  const all = Buffer.concat(Array.from({ length: 90 }, (_, i) => leaf(i)));
  let tree = MerkleTree.fromLeafData(SM3, all.subarray(0, 0), 4);
  for (const [from, to] of [[0, 5], [5, 16], [16, 16], [16, 49], [49, 90]] as const) tree = tree.appendLeafData(all.subarray(from * 4, to * 4));
  t.deepEqual(tree.root(), MerkleTree.fromLeaves(SM3, Array.from({ length: 90 }, (_, i) => leaf(i))).root());
  t.deepEqual(tree.append([leaf(90)]).root(), MerkleTree.fromLeafData(SM3, Buffer.concat([all, leaf(90)]), 4).root());

  t.is(tree.indexOf(leaf(57)), 57);
  t.is(tree.indexOf(leaf(57), 57), undefined);
  t.is(tree.indexOf(leaf(57), 58), 57);
  t.is(tree.indexOf(leaf(57), 90, 57), 57);
  t.is(tree.indexOf(leaf(57), 90, 58), undefined, 'from 58 on');
  t.is(tree.indexOf(leaf(0), 90, 90), undefined);
  t.is(t.throws(() => tree.indexOf(leaf(0), 90, 91), { instanceOf: CryptoError })?.code, 'BAD_ARGUMENT');
  t.is(tree.indexOf(Buffer.from('0570')), undefined, 'straddles leaves 57 and 58 ("0057" "0058")');
  t.is(tree.indexOf(leaf(57).subarray(1)), undefined);
  const hashed = MerkleTree.fromLeaves(SM3, [leaf(1), Buffer.from('longer leaf'), leaf(2)]);
  t.is(hashed.indexOf(Buffer.from('longer leaf')), 1);
  t.is(hashed.indexOf(leaf(3)), undefined);

  // The tree keeps a copy: changing the caller's buffer afterwards changes nothing.
  const copy = Buffer.from(all);
  const kept = MerkleTree.fromLeafData(SM3, copy, 4);
  copy.fill(0);
  t.deepEqual(kept.root(), tree.root());

  const code = (f: () => unknown) => (t.throws(f, { instanceOf: CryptoError }) as CryptoError).code;
  t.is(code(() => MerkleTree.fromLeafData(SM3, all.subarray(0, 7), 4)), 'BAD_LENGTH');
  t.is(code(() => tree.appendLeafData(all.subarray(0, 6))), 'BAD_LENGTH');
  t.is(code(() => tree.append([Buffer.from('12345')])), 'BAD_LENGTH');
  t.is(code(() => MerkleTree.fromLeafData(SM3, all, 0)), 'BAD_ARGUMENT');
  t.is(code(() => hashed.appendLeafData(all)), 'BAD_ARGUMENT');
});

const flipBit = (proof: Uint8Array[], i: number, bit: number): Uint8Array[] =>
  proof.map((p, j) => (j === i ? p.map((x, b) => (b === bit >> 3 ? x ^ (1 << (bit & 7)) : x)) : p));

// Distinct leaves: with equal neighbours a proof would really verify at the mirrored index.
const treeArb = fc
  .array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 300 })
  .map((leaves) => leaves.map((l, i) => new Uint8Array(Buffer.concat([Buffer.from(`${i}:`), l]))));

test('inclusion: every leaf verifies; other leaves, indices and flipped bits do not', (t) => {
  fc.assert(
    fc.property(treeArb, fc.nat(), (leaves, pick) => {
      const tree = MerkleTree.fromLeaves(SM3, leaves);
      const n = tree.size;
      const root = tree.root();
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i);
        t.true(verifyInclusion(SM3, i, n, tree.leafHash(i), proof, root));
        t.deepEqual(rootFromInclusionProof(SM3, i, n, tree.leafHash(i), proof), root);
      }
      const i = pick % n;
      const leaf = tree.leafHash(i);
      const proof = tree.inclusionProof(i);
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        t.false(verifyInclusion(SM3, j, n, leaf, proof, root), `leaf ${i} claimed at ${j} of ${n}`);
        t.false(verifyInclusion(SM3, i, n, tree.leafHash(j), proof, root));
      }
      for (let p = 0; p < proof.length; p++) {
        for (let bit = 0; bit < 256; bit += 37) t.false(verifyInclusion(SM3, i, n, leaf, flipBit(proof, p, bit), root));
      }
      t.false(verifyInclusion(SM3, i, n, leaf, proof, flipBit([root], 0, pick % 256)[0]!));
    }),
    { numRuns: 40 },
  );
});

test('consistency: every m -> n verifies and fails when tampered; rootOfSize matches a fresh tree', (t) => {
  fc.assert(
    fc.property(treeArb, (leaves) => {
      const tree = MerkleTree.fromLeaves(SHA256, leaves);
      const n = tree.size;
      const root = tree.root();
      for (let m = 0; m <= n; m++) {
        const old = tree.rootOfSize(m);
        t.deepEqual(old, MerkleTree.fromLeaves(SHA256, leaves.slice(0, m)).root());
        const proof = tree.consistencyProof(m);
        t.true(verifyConsistency(SHA256, m, n, proof, old, root), `${m} -> ${n}`);
        t.false(verifyConsistency(SHA256, m, n, proof, flipBit([old], 0, m % 256)[0]!, root));
        // Every tree extends the empty one, so for m = 0 the new root is not constrained.
        if (m > 0) t.false(verifyConsistency(SHA256, m, n, proof, old, flipBit([root], 0, m % 256)[0]!));
        for (let p = 0; p < proof.length; p++) t.false(verifyConsistency(SHA256, m, n, flipBit(proof, p, (m * 7 + p) % 256), old, root));
        if (proof.length > 0) {
          t.false(verifyConsistency(SHA256, m, n, proof.slice(1), old, root));
          t.false(verifyConsistency(SHA256, m, n, [...proof, proof[0]!], old, root));
        }
        // Not checked: the same proof under another new size. RFC 9162 proofs do not bind the size
        // (a 3-leaf proof also verifies as a 4-leaf one); the signed checkpoint binds size to root.
        if (m > 0 && m < n) {
          t.false(verifyConsistency(SHA256, m - 1, n, proof, tree.rootOfSize(m - 1), root));
        }
      }
      // Proofs towards an earlier size come from the same levels.
      const mid = Math.ceil(n / 2);
      for (let m = 0; m <= mid; m++) {
        t.true(verifyConsistency(SHA256, m, mid, tree.consistencyProof(m, mid), tree.rootOfSize(m), tree.rootOfSize(mid)));
      }
      for (let i = 0; i < mid; i++) {
        t.true(verifyInclusion(SHA256, i, mid, tree.leafHash(i), tree.inclusionProof(i, mid), tree.rootOfSize(mid)));
      }
    }),
    { numRuns: 25 },
  );
});

test('append: a log grown batch by batch is the tree of all its leaves, and the earlier trees are unchanged', (t) => {
  fc.assert(
    fc.property(treeArb, fc.array(fc.nat(), { maxLength: 6 }), (leaves, cuts) => {
      const bounds = [...new Set(cuts.map((c) => c % (leaves.length + 1)))].sort((a, b) => a - b);
      let tree = MerkleTree.fromLeaves(SM3, []);
      const grown: MerkleTree[] = [];
      for (const [from, to] of [0, ...bounds].map((b, i, all) => [b, all[i + 1] ?? leaves.length] as const)) {
        tree = tree.append(leaves.slice(from, to));
        grown.push(tree);
      }
      t.deepEqual(tree.root(), MerkleTree.fromLeaves(SM3, leaves).root());
      t.is(tree.size, leaves.length);
      for (const earlier of grown) t.deepEqual(earlier.root(), MerkleTree.fromLeaves(SM3, leaves.slice(0, earlier.size)).root());
      const i = cuts[0] === undefined ? 0 : cuts[0] % leaves.length;
      t.true(verifyInclusion(SM3, i, tree.size, tree.leafHash(i), tree.inclusionProof(i), tree.root()));
    }),
    { numRuns: 60 },
  );
  t.throws(() => MerkleTree.fromLeaves(SM3, LEAVES).append(['x' as unknown as Uint8Array]), { instanceOf: CryptoError });
});

test('append to a tree another tree was already grown from: each branch is its own log, the trunk unchanged', (t) => {
  // A grown tree has spare room behind it, shared with the trees grown from it: a second branch must
  // not write over the first. A trunk of 30 or more leaves and batches of at most 5 leave that room.
  const rootOf = (leaves: Uint8Array[]) => toHex(MerkleTree.fromLeaves(SM3, leaves).root());
  const leavesArb = (minLength: number, maxLength: number) => fc.array(fc.uint8Array({ maxLength: 40 }), { minLength, maxLength, size: 'max' });
  const batch = leavesArb(1, 5);
  fc.assert(
    fc.property(leavesArb(30, 120), batch, batch, (trunkData, leftData, rightData) => {
      // 32-byte leaves, so that the same leaves make a tree of leaf hashes and a tree of leaf data.
      const [trunk, left, right] = [trunkData, leftData, rightData].map((leaves) => leaves.map((l) => SM3.digest(l))) as [Uint8Array[], Uint8Array[], Uint8Array[]];
      const kinds = [
        { base: MerkleTree.fromLeaves(SM3, trunk), grow: (tree: MerkleTree, leaves: Uint8Array[]) => tree.append(leaves) },
        { base: MerkleTree.fromLeafData(SM3, Buffer.concat(trunk), 32), grow: (tree: MerkleTree, leaves: Uint8Array[]) => tree.appendLeafData(Buffer.concat(leaves)) },
      ];
      for (const { base, grow } of kinds) {
        const first = grow(base, left);
        const byRight = grow(first, right);
        const byLeft = grow(first, left);
        const longer = grow(byRight, left);
        t.is(toHex(base.root()), rootOf(trunk));
        t.is(toHex(first.root()), rootOf([...trunk, ...left]));
        t.is(toHex(byRight.root()), rootOf([...trunk, ...left, ...right]));
        t.is(toHex(byLeft.root()), rootOf([...trunk, ...left, ...left]));
        const all = [...trunk, ...left, ...right, ...left];
        t.is(toHex(longer.root()), rootOf(all));
        for (const i of [0, trunk.length, all.length - 1]) {
          t.true(verifyInclusion(SM3, i, longer.size, hashLeaf(SM3, all[i]!), longer.inclusionProof(i), longer.root()), `leaf ${i}`);
          t.is(longer.indexOf(all[i]!), all.findIndex((leaf) => toHex(leaf) === toHex(all[i]!)));
        }
      }
    }),
    { numRuns: 40 },
  );
});

test('wrong-shaped input is false, wrong types throw', (t) => {
  const tree = MerkleTree.fromLeaves(SHA256, LEAVES);
  const root = tree.root();
  const leaf = tree.leafHash(5);
  const proof = tree.inclusionProof(5);
  for (const [index, size] of [[8, 8], [9, 8], [-1, 8], [5.5, 8], [NaN, 8], [5, Infinity], [5, 2 ** 53], [0, 0]]) {
    t.false(verifyInclusion(SHA256, index!, size!, leaf, proof, root), `${index} of ${size}`);
  }
  t.false(verifyInclusion(SHA256, 5, 8, leaf, [...proof, proof[0]!], root));
  t.false(verifyInclusion(SHA256, 5, 8, leaf, proof.slice(0, 2), root));
  t.false(verifyInclusion(SHA256, 5, 8, leaf.subarray(1), proof, root));
  t.false(verifyInclusion(SHA256, 5, 8, leaf, [proof[0]!, proof[1]!.subarray(1), proof[2]!], root));
  t.false(verifyInclusion(SHA256, 5, 8, leaf, proof, root.subarray(1)));
  t.false(verifyInclusion(SM3, 5, 8, leaf, proof, root));
  t.is(t.throws(() => rootFromInclusionProof(SHA256, 8, 8, leaf, proof), { instanceOf: CryptoError })?.code, 'BAD_PROOF');

  const c = tree.consistencyProof(4);
  const old = tree.rootOfSize(4);
  t.false(verifyConsistency(SHA256, 8, 4, c, root, old));
  t.false(verifyConsistency(SHA256, 4, 8, [], old, root));
  t.false(verifyConsistency(SHA256, 4, 8, [c[0]!.subarray(2)], old, root));
  t.false(verifyConsistency(SHA256, -4, 8, c, old, root));
  t.false(verifyConsistency(SHA256, 8, 8, c, root, root));
  t.false(verifyConsistency(SHA256, 0, 8, [], old, root));
  t.true(verifyConsistency(SHA256, 0, 8, [], tree.rootOfSize(0), root));

  const bad = (f: () => unknown) => t.is(t.throws(f, { instanceOf: CryptoError })?.code, 'BAD_ARGUMENT');
  bad(() => verifyInclusion(SHA256, '5' as unknown as number, 8, leaf, proof, root));
  bad(() => verifyInclusion(SHA256, 5, 8, toHex(leaf) as unknown as Uint8Array, proof, root));
  bad(() => verifyInclusion(SHA256, 5, 8, leaf, 'proof' as unknown as Uint8Array[], root));
  bad(() => verifyConsistency(SHA256, 4, 8, [toHex(c[0]!)] as unknown as Uint8Array[], old, root));
  bad(() => verifyConsistency({} as MerkleHash, 4, 8, c, old, root));
  bad(() => tree.inclusionProof(8));
  bad(() => tree.inclusionProof(0, 9));
  bad(() => tree.consistencyProof(5, 4));
  bad(() => tree.rootOfSize(9));
  bad(() => MerkleTree.fromLeaves(SHA256, ['00'] as unknown as Uint8Array[]));
  bad(() => MerkleTree.fromLeaves(SHA256, new Array<Uint8Array>(2)));
  t.is(t.throws(() => MerkleTree.fromLeafHashes(SHA256, [leaf.subarray(1)]), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
});

test('results are copies: mutating them does not change the tree', (t) => {
  const tree = MerkleTree.fromLeafHashes(SHA256, LEAVES.map((l) => hashLeaf(SHA256, l)));
  tree.root().fill(0);
  tree.inclusionProof(5)[0]!.fill(0);
  tree.leafHash(4).fill(0);
  t.is(toHex(tree.root()), ROOTS[8]);
  t.true(verifyInclusion(SHA256, 5, 8, tree.leafHash(5), tree.inclusionProof(5), tree.root()));
});


test('appendLeafDataInParallel: worker threads and this one make the tree appendLeafData makes', async (t) => {
  const wasm = await wasmSM3();
  const hashers = new LeafRunHashers();
  const data = Buffer.from(Array.from({ length: 1000 * 8 }, (_, i) => (i * 131 + (i >> 8)) % 256));
  const inThread = async (part: Uint8Array, width: number) => leafRunRoots(wasm, part, width);
  for (const [before, added, shares] of [[0, 1000, 2], [0, 1000, 5], [37, 500, 2], [37, 0, 2], [300, 700, 64], [5, 7, 3]] as const) {
    const start = MerkleTree.fromLeafData(SM3, data.subarray(0, before * 8), 8);
    const more = data.subarray(before * 8, (before + added) * 8);
    const expected = start.appendLeafData(more);
    const onWorkers = await MerkleTree.fromLeafData(wasm, data.subarray(0, before * 8), 8).appendLeafDataInParallel(more, shares, hashers.runRoots);
    const here = await start.appendLeafDataInParallel(more, shares, inThread);
    for (const tree of [onWorkers, here]) {
      t.is(tree.size, before + added);
      t.deepEqual(tree.root(), expected.root(), `${before} + ${added} in ${shares} shares`);
      if (tree.size > 1) t.deepEqual(tree.inclusionProof(tree.size - 2), expected.inclusionProof(tree.size - 2));
      if (before > 0) t.deepEqual(tree.consistencyProof(before), expected.consistencyProof(before));
    }
  }
  t.is((t.throws(() => leafRunRoots(wasm, data.subarray(0, 8 * 15), 8), { instanceOf: CryptoError }) as CryptoError).code, 'BAD_LENGTH');
  await t.throwsAsync(MerkleTree.fromLeaves(SM3, []).appendLeafDataInParallel(data, 2, hashers.runRoots), { instanceOf: CryptoError });
});
