import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { restartChaincode } from './chaincode/deploy';
import { requireFabric3 } from './fabric-binaries';
import { anyRunning, gossipSpread, NetworkError, ordererChannelsActive, peersHoldChannel, requirePortsFree, startNodes, stopStarted, type UpOptions } from './network';
import { stillRunning } from './processes';
import { readState, writeState, type NetworkState } from './state';
import type { Workspace } from './workspace';

/**
 * Starts a stopped network again from its folder: the nodes network.json names, on its ports, crypto
 * and ledgers, then the deployed chaincode's servers; the chain goes on where it stopped. Each
 * node's earlier log is kept beside the new one, since readiness reads the log.
 */
export async function start(workspace: Workspace, options: Pick<UpOptions, 'progress'> = {}): Promise<NetworkState> {
  const started = Date.now();
  const step = (name: string) => options.progress?.(name, (Date.now() - started) / 1000);
  const state = await readState(workspace);
  if (!state) throw new NetworkError(`no network in ${workspace.root}; \`up\` makes one`);
  if (anyRunning(state)) {
    const running = state.processes.filter(stillRunning).map((p) => p.name);
    throw new NetworkError(`part of the network in ${workspace.root} still runs (${running.join(', ')}); \`down\` stops and deletes it`);
  }
  if (!existsSync(workspace.connectionDir)) throw new NetworkError(`the \`up\` that made ${workspace.root} did not finish; \`down\` removes it, then \`up\``);
  await requireFabric3(state.fabric);
  await requirePortsFree(state.hosts, state.consenters);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const { log } of state.processes) if (existsSync(log)) await rename(log, log.replace(/\.log$/, `.before-${stamp}.log`));
  state.processes = [];
  await writeState(workspace, state);
  try {
    await startNodes(workspace, state, step);
    await ordererChannelsActive(workspace, state);
    await peersHoldChannel(workspace, state);
    await gossipSpread(state);
    step(`channel ${state.hosts.channel} served by every orderer and peer, gossip spread`);
    await restartChaincode(workspace, state);
    if (state.chaincode) step(`the chaincode of sequence ${state.chaincode.sequence} answers on every peer`);
  } catch (err) {
    await stopStarted(state);
    throw new NetworkError(`network start failed (logs in ${workspace.logsDir}, nothing left running): ${(err as Error).message}`);
  }
  return state;
}
