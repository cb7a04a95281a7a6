/**
 * The proof file that `anchor` writes next to each file (<file>.hnc-proof.json) and `proof-check`
 * reads: the gateway's inclusion proof for the file's leaf, and the anchor that put the root on chain.
 * A file's leaf is SM3(file); the tree hashes it as SM3(0x00 || leaf) (RFC 9162), as the gateway does
 * with every leaf it is given.
 */
import { SM3, fromHex, hashLeaf, toHex, verifyInclusion } from '@henan-chain/crypto';
import { MiB, readInput } from './io';
import { UsageError } from './outcomes';

/** A proof holds a hash per level of its tree: a few kilobytes even for 2^64 leaves. */
const MAX_PROOF_BYTES = MiB;

export const PROOF_SUFFIX = '.hnc-proof.json';
export const PROOF_FORMAT = 'henan-chain/inclusion-proof/v1';

/** Where the anchoring transaction sits on the chain, as the gateway reports it. */
export interface TransactionEvidence {
  txId: string;
  blockNumber: string;
  blockHash: string;
  timestamp: string;
}

/** What GET /v1/anchors/:id/proof answers. */
export interface InclusionProof {
  anchorId: string;
  agencyId: string;
  leaf: string;
  leafIndex: number;
  treeSize: number;
  root: string;
  proof: string[];
  evidence: TransactionEvidence;
}

export interface ProofFile extends InclusionProof {
  format: typeof PROOF_FORMAT;
  /** The file's name when it was anchored; informative only, as a check hashes the file it is given. */
  file: string;
  /** The gateway that anchored the file: where `proof-check --gateway` can have the root confirmed. */
  gateway: string;
}

export function proofPathOf(file: string): string {
  return `${file}${PROOF_SUFFIX}`;
}

const isDigest = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
const isWhole = (value: unknown, min: number) => Number.isSafeInteger(value) && (value as number) >= min;
const EVIDENCE_FIELDS = ['txId', 'blockNumber', 'blockHash', 'timestamp'] as const;

/** What keeps `value` from being a proof file (its shape only: whether it proves anything is checkProof's). */
function shapeProblem(value: Record<string, unknown>): string | undefined {
  if (value.format !== PROOF_FORMAT) return `format must be ${PROOF_FORMAT}`;
  for (const name of ['leaf', 'root']) if (!isDigest(value[name])) return `${name} must be 64 lower-case hex digits`;
  if (!Array.isArray(value.proof) || !value.proof.every(isDigest)) return 'proof must be a list of hashes of 64 lower-case hex digits';
  if (!isWhole(value.leafIndex, 0)) return 'leafIndex must be a whole number';
  if (!isWhole(value.treeSize, 1)) return 'treeSize must be a whole number from 1';
  for (const name of ['anchorId', 'agencyId', 'file', 'gateway']) if (typeof value[name] !== 'string') return `${name} must be a string`;
  const evidence = value.evidence as Record<string, unknown> | null | undefined;
  if (typeof evidence !== 'object' || evidence === null || !EVIDENCE_FIELDS.every((name) => typeof evidence[name] === 'string')) {
    return `evidence must hold ${EVIDENCE_FIELDS.join(', ')}`;
  }
  return undefined;
}

/** The proof file in `text`, or the reason it is none. */
export function parseProofFile(text: string): ProofFile | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return shapeProblem(value as Record<string, unknown>) ?? (value as ProofFile);
}

/** A file that is not a proof file is a usage error, as a file that is not a key is: no verdict. */
export async function readProofFile(path: string): Promise<ProofFile> {
  const parsed = parseProofFile(Buffer.from(await readInput(path, 'proof', MAX_PROOF_BYTES)).toString('utf8'));
  if (typeof parsed === 'string') throw new UsageError(`${path} is not a henan-chain proof file: ${parsed}`);
  return parsed;
}

/**
 * Why `proof` does not prove that `leaf` (the SM3 of a file) is in the tree of its root, or undefined
 * when it does. Offline: whether that root is the one anchored on chain only the chain can say.
 */
export function proofProblem(proof: InclusionProof, leaf: Uint8Array): string | undefined {
  const digest = toHex(leaf);
  if (digest !== proof.leaf) return `the file's SM3 is ${digest}, not the proven leaf ${proof.leaf}: it is not the file that was anchored`;
  const path = proof.proof.map((hash, i) => fromHex(hash, `proof[${i}]`, 32));
  const included = verifyInclusion(SM3, proof.leafIndex, proof.treeSize, hashLeaf(SM3, leaf), path, fromHex(proof.root, 'root', 32));
  if (included) return undefined;
  return `the proof does not lead from leaf ${proof.leaf} at index ${proof.leafIndex} of a tree of ${proof.treeSize} leaves to root ${proof.root}`;
}
