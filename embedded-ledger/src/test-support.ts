import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { ClassicLevel } from 'classic-level';
import type { Contract } from 'fabric-contract-api';
import { chaincodeFromContracts } from './chaincode';
import { createMsp, issueIdentity, type Identity, type MspAuthority } from './identities';
import { blockKey, transactionKey } from './layout';
import { EmbeddedLedger, type EmbeddedLedgerOptions } from './ledger';

/** Shared by the tests (not part of the package's surface): a fresh ledger in a temporary directory. */
export interface TestLedger {
  ledger: EmbeddedLedger;
  options: EmbeddedLedgerOptions;
  msp: MspAuthority;
  alice: Identity;
}

export async function openTestLedger(
  t: ExecutionContext,
  contracts: (new () => Contract)[],
  block?: EmbeddedLedgerOptions['block'],
): Promise<TestLedger> {
  const dataDir = await mkdtemp(join(tmpdir(), 'embedded-ledger-'));
  const msp = await createMsp('Org1MSP', '河南省大数据管理局');
  const alice = await issueIdentity(msp, { commonName: 'alice', nodeOU: 'client', attributes: { role: 'issuer' } });
  const options: EmbeddedLedgerOptions = { dataDir, chaincode: chaincodeFromContracts(contracts), msps: [msp.definition] };
  if (block) options.block = block;
  const ledger = await EmbeddedLedger.open(options);
  t.teardown(async () => {
    await ledger.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { ledger, options, msp, alice };
}

export function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Flips the low bit of one stored byte, as someone with write access to the LevelDB folder could: of
 * block `block`'s record, or with `tx` of that block's transaction `tx`; a negative offset counts from
 * the end. The ledger in `ledgerDir` must be closed.
 */
export async function flipStoredByte(ledgerDir: string, where: { block: bigint; tx?: number; offset: number }): Promise<void> {
  const raw = new ClassicLevel<Buffer, Buffer>(ledgerDir, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
  try {
    const key = where.tx === undefined ? blockKey(where.block) : transactionKey(where.block, where.tx);
    const stored = await raw.get(key);
    if (stored === undefined) throw new Error(`no stored ${where.tx === undefined ? 'block record' : 'transaction'} at block ${where.block}`);
    const tampered = Buffer.from(stored);
    tampered[where.offset < 0 ? tampered.length + where.offset : where.offset]! ^= 0x01;
    await raw.put(key, tampered);
  } finally {
    await raw.close();
  }
}

/**
 * Flips one bit in the middle of the LevelDB write-ahead log of the closed ledger in `ledgerDir`, where
 * closing leaves the latest writes until the next open replays them; returns the log's file name.
 */
export async function flipLogBit(ledgerDir: string): Promise<string> {
  const log = (await readdir(ledgerDir)).find((name) => name.endsWith('.log'))!;
  const bytes = await readFile(join(ledgerDir, log));
  bytes[bytes.length >> 1]! ^= 0x01;
  await writeFile(join(ledgerDir, log), bytes);
  return log;
}
