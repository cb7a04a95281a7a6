import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { Contract } from 'fabric-contract-api';
import { chaincodeFromContracts } from './chaincode';
import { createMsp, issueIdentity, type Identity, type MspAuthority } from './identities';
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
