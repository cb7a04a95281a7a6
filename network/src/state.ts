import { readFile, rename, writeFile } from 'node:fs/promises';
import type { FabricInstall } from './fabric-binaries';
import type { Hosts } from './hosts';
import type { ProcessRecord } from './processes';
import type { Workspace } from './workspace';

/** What is deployed: the chaincode definition's sequence and each organisation's package. */
export interface ChaincodeState {
  sequence: number;
  /** Version string of the definition (the sequence, as nothing else names a chaincode version here). */
  version: string;
  /** Package id each organisation approved: its chaincode server's --chaincode-id. */
  packageIds: Record<string, string>;
  /** The built chaincode the servers run (scripts/build-chaincode's output). */
  artifact: string;
}

/** A network's record (network.json): enough for status, chaincode and down without the original command. */
export interface NetworkState {
  profile: string;
  portOffset: number;
  fabric: FabricInstall;
  /** The hosts file with the port offset applied: what the running processes use. */
  hosts: Hosts;
  /** The orderers this profile runs. */
  consenters: string[];
  processes: ProcessRecord[];
  chaincode?: ChaincodeState;
}

export async function readState(workspace: Workspace): Promise<NetworkState | undefined> {
  try {
    return JSON.parse(await readFile(workspace.stateFile, 'utf8')) as NetworkState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Replaces network.json atomically, so a crash never leaves half a record (and lost pids). */
export async function writeState(workspace: Workspace, state: NetworkState): Promise<void> {
  const tmp = `${workspace.stateFile}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2));
  await rename(tmp, workspace.stateFile);
}
