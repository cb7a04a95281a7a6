import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMsp, issueIdentity, type MspDefinition } from '@henan-chain/embedded-ledger';
import type { LedgerIdentity } from './ledger/ledger';

/** An organisation (a Fabric MSP) this gateway submits for, with its admin and client identities. */
export interface Organisation {
  mspId: string;
  name: string;
  /** Governance acts (agency registration, key revocation) need the governance org's admin. */
  admin: LedgerIdentity;
  client: LedgerIdentity;
}

/** An organisation of the embedded ledger, whose MSP (CA certificate) that ledger must know. */
export interface EmbeddedOrganisation extends Organisation {
  definition: MspDefinition;
}

/**
 * The organisations this gateway submits for: both of the embedded ledger's; on Fabric, the one
 * organisation whose connection profile it was given (a profile never holds another's keys).
 */
export interface Wallet<O extends Organisation = Organisation> {
  governanceMspId: string;
  organisations: O[];
}

export function organisationOf(wallet: Wallet, mspId: string): Organisation | undefined {
  return wallet.organisations.find((o) => o.mspId === mspId);
}

/** The development consortium of the embedded ledger: the province (governance) and Zhengzhou. */
const EMBEDDED_ORGANISATIONS = [
  { mspId: 'HenanProvinceMSP', name: '河南省' },
  { mspId: 'ZhengzhouMSP', name: '郑州市' },
];

/**
 * The embedded ledger's identities, made on first start and kept in DATA_DIR (never in the
 * repository): real X.509 certificates under a CA per organisation, as cryptogen would make them.
 */
export async function loadOrCreateEmbeddedWallet(dataDir: string): Promise<Wallet<EmbeddedOrganisation>> {
  const file = join(dataDir, 'msp', 'wallet.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Wallet<EmbeddedOrganisation>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const organisations: EmbeddedOrganisation[] = [];
  for (const { mspId, name } of EMBEDDED_ORGANISATIONS) {
    const msp = await createMsp(mspId, name);
    const admin = await issueIdentity(msp, { commonName: `Admin@${mspId}`, nodeOU: 'admin' });
    const client = await issueIdentity(msp, { commonName: `gateway@${mspId}`, nodeOU: 'client' });
    organisations.push({ mspId, name, definition: msp.definition, admin: asLedgerIdentity(admin), client: asLedgerIdentity(client) });
  }
  const wallet: Wallet<EmbeddedOrganisation> = { governanceMspId: EMBEDDED_ORGANISATIONS[0]!.mspId, organisations };
  await mkdir(join(dataDir, 'msp'), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(wallet, null, 2), { mode: 0o600 });
  return wallet;
}

function asLedgerIdentity(identity: { mspId: string; certificate: string; privateKey?: string }): LedgerIdentity {
  if (!identity.privateKey) throw new Error(`identity of ${identity.mspId} was issued without its private key`);
  return { mspId: identity.mspId, certificate: identity.certificate, privateKey: identity.privateKey };
}
