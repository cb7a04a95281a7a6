import { LeafRunHashers, MerkleTree, wasmSM3 } from '@henan-chain/crypto';
import type { Anchor } from '@henan-chain/chaincode';
import { type GatewayDb, orderKey, section } from '../store';
import { LeafFiles } from './leaf-files';

/** A leaf of an agency's log is an SM3 digest (of a document, a record, ...): 32 bytes. */
export const LEAF_BYTES = 32;

/** One anchored batch (批次) as the gateway's log keeps it; root and size are the anchored tree head. */
export interface BatchInfo {
  anchorId: string;
  sequence: number;
  /** Position of the batch's first leaf in the agency's log. */
  start: number;
  count: number;
  size: number;
  root: string;
}

interface StoredBatch extends BatchInfo {
  /** The batch's leaves back to back, base64, as gateways before the leaf files kept them; now in LeafFiles. */
  leaves?: string;
}

/** What a request id was used for, so a retried batch returns its first result. */
export interface StoredRequest {
  anchorId: string;
  /** SM3 over the batch's description and leaves. */
  fingerprint: string;
}

/** An agency's append-only log (追加日志) in memory: the tree over its leaves (which keeps them), its anchored batches. */
export interface AgencyLog {
  readonly agencyId: string;
  tree: MerkleTree;
  batches: BatchInfo[];
}

/**
 * Every agency's anchored batches: their records in the gateway's LevelDB, their leaves in a file per
 * agency, and their Merkle trees in memory. A tree is built from those once per agency (after a
 * restart, on first use) and then grown
 * batch by batch, so proofs cost O(log n) and a batch costs hashing only its own leaves.
 */
export class AnchorLog {
  private readonly stored;
  private readonly requests;
  private readonly logs = new Map<string, Promise<AgencyLog>>();

  private readonly files: LeafFiles;
  /** The worker threads that hash a batch's leaves with this one: a batch of 1,000,000 is 2,000,000 hashes. */
  private readonly hashers = new LeafRunHashers();

  /** `leavesDir`: the folder of the agencies' leaf files. */
  constructor(
    private readonly db: GatewayDb,
    leavesDir: string,
  ) {
    this.files = new LeafFiles(leavesDir, LEAF_BYTES);
    this.stored = section<StoredBatch>(db, 'anchor-batches');
    this.requests = section<StoredRequest>(db, 'anchor-requests');
  }

  /** The agency's log (empty if it never anchored through this gateway). */
  agency(agencyId: string): Promise<AgencyLog> {
    let log = this.logs.get(agencyId);
    if (!log) {
      log = this.load(agencyId);
      this.logs.set(agencyId, log);
      log.catch(() => this.logs.delete(agencyId)); // a failed read is tried again next time
    }
    return log;
  }

  /** The agency's tree with `leaves` appended (not yet recorded: see append). */
  grow(log: AgencyLog, leaves: Uint8Array): Promise<MerkleTree> {
    return log.tree.appendLeafDataInParallel(leaves, this.hashers.shares, this.hashers.runRoots);
  }

  request(agencyId: string, requestId: string): Promise<StoredRequest | undefined> {
    return this.requests.get(`${agencyId}!${requestId}`);
  }

  /**
   * Records a batch once its anchor is committed: its leaves in the agency's file, then its record and
   * request id in one LevelDB batch, each fsync'd, then the grown tree in memory. Nothing of a batch
   * is kept before its anchor is on the ledger.
   */
  async append(log: AgencyLog, anchor: Anchor, leaves: Buffer, grown: MerkleTree, fingerprint: string): Promise<BatchInfo> {
    const info: BatchInfo = {
      anchorId: anchor.anchorId,
      sequence: anchor.sequence,
      start: log.tree.size,
      count: leaves.length / LEAF_BYTES,
      size: anchor.size,
      root: anchor.root,
    };
    const requestId = String(anchor.lastAction.request?.requestId);
    await this.files.write(log.agencyId, info.start, leaves);
    await this.db.batch(
      [
        { type: 'put', sublevel: this.stored, key: `${log.agencyId}!${orderKey(anchor.sequence, 8)}`, value: { ...info } },
        { type: 'put', sublevel: this.requests, key: `${log.agencyId}!${requestId}`, value: { anchorId: anchor.anchorId, fingerprint } },
      ],
      { sync: true },
    );
    log.tree = grown;
    log.batches.push(info);
    return info;
  }

  private async load(agencyId: string): Promise<AgencyLog> {
    const batches: BatchInfo[] = [];
    const inline: { start: number; leaves: string }[] = [];
    // '!' then zero-padded sequences: the range holds exactly this agency's batches, in order.
    for await (const { leaves, ...info } of this.stored.values({ gt: `${agencyId}!`, lt: `${agencyId}!~` })) {
      batches.push(info);
      if (leaves !== undefined) inline.push({ start: info.start, leaves });
    }
    const size = batches.at(-1)?.size ?? 0;
    const all = inline.length === batches.length ? Buffer.alloc(size * LEAF_BYTES) : await this.files.read(agencyId, size);
    for (const { start, leaves } of inline) all.set(Buffer.from(leaves, 'base64'), start * LEAF_BYTES);
    const empty = MerkleTree.fromLeafData(await wasmSM3(), new Uint8Array(0), LEAF_BYTES);
    return { agencyId, tree: await empty.appendLeafDataInParallel(all, this.hashers.shares, this.hashers.runRoots), batches };
  }
}
