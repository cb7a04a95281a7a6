import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './errors';
import { CONFIG_KEY } from './keys';
import { readJson } from './state';

/** Channel-wide settings, written once by the governance organisation's admin. */
export interface ChainConfig {
  /** The MSP whose admins register and suspend agencies and their keys. */
  governanceMspId: string;
}

export async function readConfig(ctx: Context): Promise<ChainConfig> {
  const config = await readJson<ChainConfig>(ctx, CONFIG_KEY);
  if (!config) throw new ChaincodeError('NOT_INITIALISED', 'the chain configuration has not been initialised');
  return config;
}

/**
 * True when the caller's certificate carries the Fabric NodeOU `admin` (cryptogen and Fabric CA
 * write it as the subject's OU; ClientIdentity renders the subject as `/OU=admin/...`).
 */
export function callerIsAdmin(ctx: Context): boolean {
  const subject = ctx.clientIdentity.getID().split('::')[1] ?? '';
  return subject.split('/').includes('OU=admin');
}

export async function requireGovernanceAdmin(ctx: Context): Promise<ChainConfig> {
  const config = await readConfig(ctx);
  const mspId = ctx.clientIdentity.getMSPID();
  if (mspId !== config.governanceMspId || !callerIsAdmin(ctx)) {
    throw new ChaincodeError('FORBIDDEN', `only an admin of the governance organisation ${config.governanceMspId} may do this`, {
      callerMspId: mspId,
    });
  }
  return config;
}
