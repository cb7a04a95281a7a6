/**
 * The offline evidence bundle, format `henan-chain/evidence-bundle/v1` (JSON Schema:
 * evidence/schema/evidence-bundle-v1.schema.json). One JSON file that proves a record without the
 * gateway: the record as the ledger stored it, the signed requests that made it, the agencies' keys,
 * and for each transaction named what links it to a block hash.
 */

export const BUNDLE_FORMAT = 'henan-chain/evidence-bundle/v1';

/** What a bundle can be about: a licence (证照), a sealing (签章存证), a receipt (数据共享回执), an anchored leaf (批量存证). */
/** Each agency's log of anchors is its own checkpoint origin: a checkpoint of one agency can never pass for another's. */
export function anchorOrigin(agencyId: string): string {
  return `henan-chain.gov.cn/anchors/${agencyId}`;
}

export const SUBJECT_KINDS = ['licence', 'sealing', 'receipt', 'anchored-leaf'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** A record as world state holds it: its key, the transaction that last wrote it, and its value (RFC 8785 JSON on the ledger). */
export interface StoredRecord {
  /** The record family and id; the state key is the composite key `\u0000kind\u0000id\u0000`. */
  kind: 'agency' | 'licence' | 'seal' | 'sealing' | 'receipt' | 'anchor';
  id: string;
  /** The transaction whose write set holds exactly these bytes under the key. */
  txId: string;
  value: Record<string, unknown>;
}

/**
 * The embedded development ledger's evidence: the block header and the canonical bytes of every
 * transaction in the block. SM3 over those bytes is the header's data hash; SM3 over the header's DER
 * encoding is the block hash (as Fabric does with SHA-256); the next block's header names it as its
 * previous hash (the hash-chain link), when there is a next block.
 */
export interface EmbeddedBlockProof {
  ledger: 'embedded';
  txId: string;
  hashAlgorithm: 'SM3';
  /** Block number, decimal. */
  blockNumber: string;
  header: { number: string; previousHash: string; dataHash: string };
  blockHash: string;
  transactionIndex: number;
  /** Hex of each transaction's canonical bytes, in block order. */
  transactions: string[];
  /** Fabric TxValidationCode as the ledger reports it (0 = VALID); block metadata, not covered by the block hash. */
  validationCode: number;
  /** The following block's header, whose previousHash is this block's hash; absent for the newest block. */
  next?: { number: string; previousHash: string; dataHash: string };
}

/**
 * A Fabric ledger's evidence (the block header, the transaction envelope and its endorsements with the
 * endorsers' certificates and the organisations' root certificates). Its producer is the Fabric ledger
 * adapter; this verifier (v1) reports it as not proven.
 */
export interface FabricBlockProof {
  ledger: 'fabric';
  txId: string;
  hashAlgorithm: 'SHA-256';
  blockNumber: string;
  blockHash: string;
  [field: string]: unknown;
}

export type LedgerProof = EmbeddedBlockProof | FabricBlockProof;

/** For an anchored leaf: its RFC 9162 inclusion proof under the anchored root, and the signed checkpoint. */
export interface AnchoredLeaf {
  leaf: string;
  leafIndex: number;
  treeSize: number;
  proof: string[];
  root: string;
  anchorId: string;
  /** A C2SP signed note of the agency's tree head, with the key that signed it (the gateway's). */
  checkpoint?: { text: string; keyName: string; publicKey: string };
}

export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  subject: { kind: SubjectKind; id: string };
  /** When the bundle was made: what it proves holds as the ledger stood then. */
  createdAt: string;
  /** The ledger the records are on. */
  ledger: { kind: 'embedded' | 'fabric'; height: string };
  /** The subject's record first, then what it depends on (its seal, the signing agencies). */
  records: StoredRecord[];
  /** One proof for every transaction a record or a signed act names. */
  transactions: LedgerProof[];
  anchoredLeaf?: AnchoredLeaf;
}
