/**
 * Merkle tree building and inclusion-proof verification, each against the rate of the SM3 calls it is
 * made of. SM3 itself is node:crypto's (this package's sm3() calls it), so it has no row of its own;
 * hash-wasm's SM3 (wasmSM3, which the anchor log builds its trees with) is compared to it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { MerkleTree, SM3, hashLeaf, sm3, verifyInclusion, wasmSM3 } from '@henan-chain/crypto';
import { type Case, cycling, expectValid } from './case';

const TREE_LEAVES = 1 << 16;
const LEAF_BYTES = 64;
const PROOFS = 1024;

export async function hashCases(): Promise<Case[]> {
  const wasm = await wasmSM3();
  const data = randomBytes(TREE_LEAVES * LEAF_BYTES);
  const leaves = Array.from({ length: TREE_LEAVES }, (_, i) => data.subarray(i * LEAF_BYTES, (i + 1) * LEAF_BYTES));
  const tree = MerkleTree.fromLeaves(SM3, leaves);
  const anchorLeaves = data.subarray(0, TREE_LEAVES * 32);
  const root = tree.root();
  const proofs = Array.from({ length: PROOFS }, () => {
    const index = randomInt(TREE_LEAVES);
    return { index, leafHash: hashLeaf(SM3, leaves[index]!), proof: tree.inclusionProof(index) };
  });
  const baseline = 'sm3.64b.henan-chain';
  return [
    { id: baseline, what: 'SM3, 64-byte inputs', who: '@henan-chain/crypto sm3()', unit: 'calls/s', perOp: 1, op: cycling(leaves, sm3) },
    {
      id: 'sm3.64b.wasm',
      what: 'SM3, 64-byte inputs',
      who: '@henan-chain/crypto wasmSM3() (hash-wasm)',
      unit: 'calls/s',
      perOp: 1,
      baseline,
      note: 'the fixed cost of a call, not the hash, is most of a 64-byte SM3: the anchor log hashes with this one',
      op: cycling(leaves, (leaf) => wasm.digest(leaf)),
    },
    {
      id: 'merkle.build.anchor',
      what: 'Merkle build, 2^16 leaves of 32 B',
      who: '@henan-chain/crypto MerkleTree.fromLeafData(wasmSM3) (an anchor log)',
      unit: 'leaves/s',
      perOp: TREE_LEAVES,
      baseline,
      op: () => MerkleTree.fromLeafData(wasm, anchorLeaves, 32),
    },
    {
      id: 'merkle.build',
      what: 'Merkle build, 2^16 leaves of 64 B',
      who: '@henan-chain/crypto MerkleTree.fromLeaves(SM3)',
      unit: 'leaves/s',
      perOp: TREE_LEAVES,
      baseline,
      note: 'a tree of n leaves takes 2n - 1 hashes: about 0.5 means nothing costs but the hashing',
      op: () => MerkleTree.fromLeaves(SM3, leaves),
    },
    {
      id: 'merkle.inclusion',
      what: 'Inclusion proof verify, 2^16 leaves',
      who: '@henan-chain/crypto verifyInclusion(SM3)',
      unit: 'verify/s',
      perOp: 1,
      baseline,
      note: 'a proof in a tree of 2^16 leaves takes 16 hashes: about 1/16 means nothing costs but the hashing',
      op: cycling(proofs, ({ index, leafHash, proof }) =>
        expectValid(verifyInclusion(SM3, index, TREE_LEAVES, leafHash, proof, root), 'verifyInclusion'),
      ),
    },
  ];
}
