import { blockHash, commitHash, dataHash } from './block';
import type { BlockStore } from './blockstore';

export type ChainVerification = { valid: true; height: bigint } | { valid: false; brokenAt: bigint; reason: string };

/**
 * Re-derives the chain from what is stored: for each block, the data hash from its transactions' bytes,
 * the link to the previous block's header hash, and the commit hash over its validation codes; finally the
 * last block's hashes against the recorded tip. Reports the first block where a stored byte disagrees.
 */
export async function verifyChain(blocks: BlockStore): Promise<ChainVerification> {
  const tip = await blocks.readTip();
  if (!tip) return { valid: false, brokenAt: 0n, reason: 'no chain tip is recorded' };
  let previousHash: Uint8Array = new Uint8Array(0);
  let previousCommitHash: Uint8Array = new Uint8Array(0);
  for (let number = 0n; number < tip.height; number++) {
    const broken = (reason: string): ChainVerification => ({ valid: false, brokenAt: number, reason });
    let record;
    try {
      record = await blocks.readBlockRecord(number);
    } catch (err) {
      return broken(`the block record cannot be decoded: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!record) return broken('the block is missing');
    const { header, validationCodes } = record;
    if (header.number !== number) return broken(`the header says it is block ${header.number}`);
    if (!equal(header.previousHash, previousHash)) {
      return broken(number === 0n ? 'the genesis block has a previous hash' : `the previous hash is not the hash of block ${number - 1n}`);
    }
    const transactions = await blocks.readTransactionBytes(number);
    if (transactions.length !== validationCodes.length) {
      return broken(`${transactions.length} transactions are stored for ${validationCodes.length} validation codes`);
    }
    if (!equal(dataHash(transactions), header.dataHash)) return broken('the data hash does not match the stored transactions');
    if (!equal(commitHash(validationCodes, previousCommitHash), record.commitHash)) {
      return broken('the commit hash does not match the validation codes');
    }
    previousHash = blockHash(header);
    previousCommitHash = record.commitHash;
  }
  if (!equal(previousHash, tip.currentHash) || !equal(previousCommitHash, tip.commitHash)) {
    return { valid: false, brokenAt: tip.height - 1n, reason: 'the last block does not match the recorded chain tip' };
  }
  return { valid: true, height: tip.height };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
