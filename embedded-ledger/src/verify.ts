import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { blockHash, commitHash, dataHash } from './block';
import { BlockStore } from './blockstore';
import { LedgerDirectoryError, withLedgerCopy } from './ledger-copy';

/** Which stored value disagrees with what the chain re-derives. */
export const BROKEN_CHECKS = ['record', 'number', 'previousHash', 'transactions', 'dataHash', 'commitHash', 'tip'] as const;
export type BrokenCheck = (typeof BROKEN_CHECKS)[number];

/** The first block where a stored byte disagrees: what was checked, and both values when they are hashes. */
export interface BrokenLink {
  block: bigint;
  check: BrokenCheck;
  reason: string;
  /** What the chain re-derives (hex), where the check compares hashes. */
  expected?: string;
  /** What is stored (hex). */
  found?: string;
}

export type ChainVerification =
  | { valid: true; height: bigint; transactions: number; tipHash: string }
  | { valid: false; height: bigint; brokenAt: bigint; reason: string; broken: BrokenLink };

export interface VerifyOptions {
  /** Called after each block is checked, with the number checked so far and the chain's height. */
  onProgress?(checked: bigint, height: bigint): void;
}

/**
 * Re-derives the chain from what is stored: for each block, the data hash from its transactions' bytes,
 * the link to the previous block's header hash, and the commit hash over its validation codes; finally the
 * last block's hashes against the recorded tip. Reports the first block where a stored byte disagrees,
 * what was checked and both values; an intact chain with its height and transaction count.
 */
export async function verifyChain(blocks: BlockStore, options: VerifyOptions = {}): Promise<ChainVerification> {
  const tip = await blocks.readTip();
  const height = tip?.height ?? 0n;
  const broken = (block: bigint, check: BrokenCheck, reason: string, hashes?: { expected: Uint8Array; found: Uint8Array }): ChainVerification => {
    const link: BrokenLink = { block, check, reason, ...(hashes && { expected: hex(hashes.expected), found: hex(hashes.found) }) };
    return { valid: false, height, brokenAt: block, reason, broken: link };
  };
  if (!tip) return broken(0n, 'tip', 'no chain tip is recorded');
  let previousHash: Uint8Array = new Uint8Array(0);
  let previousCommitHash: Uint8Array = new Uint8Array(0);
  let transactionCount = 0;
  for (let number = 0n; number < tip.height; number++) {
    let record;
    try {
      record = await blocks.readBlockRecord(number);
    } catch (err) {
      return broken(number, 'record', `the block record cannot be decoded: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!record) return broken(number, 'record', 'the block is missing');
    const { header, validationCodes } = record;
    if (header.number !== number) return broken(number, 'number', `the header says it is block ${header.number}`);
    if (!equal(header.previousHash, previousHash)) {
      const reason = number === 0n ? 'the genesis block has a previous hash' : `the previous hash is not the hash of block ${number - 1n}`;
      return broken(number, 'previousHash', reason, { expected: previousHash, found: header.previousHash });
    }
    const transactions = await blocks.readTransactionBytes(number);
    if (transactions.length !== validationCodes.length) {
      return broken(number, 'transactions', `${transactions.length} transactions are stored for ${validationCodes.length} validation codes`);
    }
    const derivedData = dataHash(transactions);
    if (!equal(derivedData, header.dataHash)) {
      return broken(number, 'dataHash', 'the data hash does not match the stored transactions', { expected: derivedData, found: header.dataHash });
    }
    const derivedCommit = commitHash(validationCodes, previousCommitHash);
    if (!equal(derivedCommit, record.commitHash)) {
      return broken(number, 'commitHash', 'the commit hash does not match the validation codes', { expected: derivedCommit, found: record.commitHash });
    }
    previousHash = blockHash(header);
    previousCommitHash = record.commitHash;
    transactionCount += transactions.length;
    options.onProgress?.(number + 1n, tip.height);
  }
  if (!equal(previousHash, tip.currentHash)) {
    return broken(tip.height - 1n, 'tip', 'the last block\u2019s hash does not match the recorded chain tip', { expected: previousHash, found: tip.currentHash });
  }
  if (!equal(previousCommitHash, tip.commitHash)) {
    return broken(tip.height - 1n, 'tip', 'the last block\u2019s commit hash does not match the recorded chain tip', { expected: previousCommitHash, found: tip.commitHash });
  }
  return { valid: true, height: tip.height, transactions: transactionCount, tipHash: hex(tip.currentHash) };
}

/**
 * Thrown when the ledger's storage lost records before the chain could be checked: LevelDB skipped
 * damaged stretches of its log, so blocks may be missing with nothing left to show it in the chain.
 */
export class LedgerDamagedError extends Error {}

/**
 * Verifies the embedded ledger in `dir` offline, without its chaincode or organisations: a gateway's
 * DATA_DIR (whose ledger is in `ledger/`) or the ledger's own folder. It checks a copy, so `dir` is
 * never written (see withLedgerCopy). LevelDB lets one process open a database, so a ledger that a
 * running gateway serves must be verified through the gateway or as a copy.
 */
export async function verifyLedgerDirectory(dir: string, options: VerifyOptions = {}): Promise<ChainVerification> {
  const ledgerDir = (await exists(join(dir, 'ledger', 'CURRENT'))) ? join(dir, 'ledger') : dir;
  if (!(await exists(join(ledgerDir, 'CURRENT')))) throw new LedgerDirectoryError(`${dir} holds no embedded ledger (neither ${dir}/ledger nor ${dir} is a LevelDB folder)`);
  return withLedgerCopy(ledgerDir, async (db, dropped) => {
    if (dropped.length > 0) {
      throw new LedgerDamagedError(`the ledger in ${ledgerDir} is damaged: LevelDB would skip records of its log, ${dropped.join('; ')}`);
    }
    try {
      return await verifyChain(new BlockStore(db), options);
    } catch (err) {
      // A table file LevelDB finds corrupt as it reads (say, a bad footer) is damage found, as a changed byte is.
      if (isCorruption(err)) throw new LedgerDamagedError(`the ledger in ${ledgerDir} is damaged: LevelDB cannot read it: ${(err as Error).message}`);
      throw err;
    }
  });
}

/** classic-level's error for corrupt data, thrown as it is or (by abstract-level's wrappers) as the cause. */
function isCorruption(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === 'LEVEL_CORRUPTION' || e?.cause?.code === 'LEVEL_CORRUPTION';
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** A verification as JSON: block numbers as decimal strings, as the gateway's API writes them. */
export type ChainVerificationJson =
  | { valid: true; height: string; transactions: number; tipHash: string }
  | { valid: false; height: string; broken: Omit<BrokenLink, 'block'> & { block: string } };

export function chainVerificationJson(v: ChainVerification): ChainVerificationJson {
  if (v.valid) return { valid: true, height: v.height.toString(), transactions: v.transactions, tipHash: v.tipHash };
  return { valid: false, height: v.height.toString(), broken: { ...v.broken, block: v.broken.block.toString() } };
}
