import { join } from 'node:path';
import { toolPath } from './fabric-binaries';
import type { OrdererHost, Organisation, PeerHost } from './hosts';
import { peerCliEnv } from './nodes';
import { CommandFailed, retrying, run } from './run';
import type { NetworkState } from './state';
import type { Workspace } from './workspace';

/** osnadmin as the ordering organisation's admin, over mutual TLS to the orderer's admin endpoint. */
function osnadmin(workspace: Workspace, state: NetworkState, node: OrdererHost, args: string[]): Promise<string> {
  const admin = join(workspace.ordererAdminDir(state.hosts), 'tls');
  return run(
    toolPath(state.fabric, 'osnadmin'),
    [
      ...args,
      '-o',
      `${node.host}:${node.adminPort}`,
      '--ca-file',
      workspace.ordererTlsCa(state.hosts),
      '--client-cert',
      join(admin, 'client.crt'),
      '--client-key',
      join(admin, 'client.key'),
    ],
    process.env,
  );
}

/** osnadmin prints "Status: <code>" and then the JSON body. */
function osnadminBody(output: string): { status?: string; height?: number; consensusRelation?: string } {
  const json = output.slice(output.indexOf('{'));
  return JSON.parse(json) as { status?: string; height?: number; consensusRelation?: string };
}

/** Joins an orderer to the channel with the genesis block (channel participation API, no system channel). */
export async function joinOrderer(workspace: Workspace, state: NetworkState, node: OrdererHost): Promise<void> {
  const channel = state.hosts.channel;
  await osnadmin(workspace, state, node, ['channel', 'join', '--channelID', channel, '--config-block', workspace.channelBlock(channel)]);
}

/** The orderer's view of the channel: status (active, onboarding…) and height, or undefined when it has not joined. */
export async function ordererChannel(workspace: Workspace, state: NetworkState, node: OrdererHost): Promise<{ status?: string; height?: number } | undefined> {
  try {
    return osnadminBody(await osnadmin(workspace, state, node, ['channel', 'list', '--channelID', state.hosts.channel]));
  } catch (err) {
    if (err instanceof CommandFailed && /Status: 404/.test(err.output)) return undefined;
    throw err;
  }
}

/** Joins a peer to the channel as its organisation's admin. */
export async function joinPeer(workspace: Workspace, state: NetworkState, org: Organisation, peer: PeerHost): Promise<void> {
  const env = peerCliEnv(workspace, state.fabric, org, 'Admin', peer);
  // The peer may refuse for a moment after start while it settles its gossip; the block is the same each try.
  await retrying(
    () => run(toolPath(state.fabric, 'peer'), ['channel', 'join', '-b', workspace.channelBlock(state.hosts.channel)], env),
    (err) => err instanceof CommandFailed && /connection refused|Unavailable|deadline exceeded/i.test(err.output),
    20_000,
  );
}

/** The channel's height on a peer (blocks it has committed), or undefined when it has not joined. */
export async function peerHeight(workspace: Workspace, state: NetworkState, org: Organisation, peer: PeerHost): Promise<number | undefined> {
  const env = peerCliEnv(workspace, state.fabric, org, 'Admin', peer);
  try {
    const out = await run(toolPath(state.fabric, 'peer'), ['channel', 'getinfo', '-c', state.hosts.channel], env, 15_000);
    const info = JSON.parse(out.slice(out.indexOf('{'))) as { height: number };
    return info.height;
  } catch (err) {
    if (err instanceof CommandFailed && /access denied|not found|cannot find|does not exist/i.test(err.output)) return undefined;
    throw err;
  }
}
