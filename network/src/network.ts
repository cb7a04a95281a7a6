import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { joinOrderer, joinPeer, ordererChannel, peerHeight } from './channel';
import { statusFile, type ServerStatus } from './chaincode/supervisor';
import { configtx } from './configtx';
import { connectionProfile } from './connection-profile';
import { cryptoConfig } from './crypto-config';
import { locateFabric, requireFabric3, toolPath } from './fabric-binaries';
import { endpointsOf, fqdn, loadHosts, profileOf, withPortOffset, type Hosts } from './hosts';
import { ordererReady, peerKnowsOthers, peerReady, startOrderer, startPeer } from './nodes';
import { isRunning, residentMiB, stillRunning, stopProcess, type ProcessRecord } from './processes';
import { healthy, waitFor } from './readiness';
import { canListen } from './ports';
import { run } from './run';
import { readState, writeState, type NetworkState } from './state';
import { hostsFile, type Workspace } from './workspace';

export interface UpOptions {
  /** A profile of the hosts file: HenanRaft (default) or HenanBFT. */
  profile: string;
  portOffset: number;
  /** Reports each step as it completes (name and seconds since the start). */
  progress?: (step: string, seconds: number) => void;
}

export class NetworkError extends Error {}

/** True when any process the record names still runs. */
export function anyRunning(state: NetworkState): boolean {
  return state.processes.some(stillRunning);
}

/** Every port the profile's nodes listen on is free: a node on a taken port would exit at start. */
export async function requirePortsFree(hosts: Hosts, consenters: string[]): Promise<void> {
  for (const [owner, host, port] of endpointsOf(hosts, consenters)) {
    const free = await canListen(host, port).catch((err: Error) => {
      throw new NetworkError(`${owner}: ${err.message}`);
    });
    if (!free) {
      throw new NetworkError(`${host}:${port} (for ${owner}) is already in use (by a listener or a connection's local end); free it or set HNC_FABRIC_PORT_OFFSET`);
    }
  }
}

/** Leaves nothing running behind a failed start, but keeps the folder: its logs say what went wrong. */
export async function stopStarted(state: NetworkState): Promise<void> {
  for (const record of [...state.processes].reverse()) await stopProcess(record);
}

/**
 * Brings the consortium up from nothing: crypto material, channel genesis block, the profile's
 * orderers and every peer as local processes, the channel joined on each (osnadmin, peer CLI), and
 * a connection profile per organisation. Resolves once every node serves and every peer holds the
 * channel. Each started process is recorded before the next starts, so `down` can clean a failed `up`.
 */
export async function up(workspace: Workspace, options: UpOptions): Promise<NetworkState> {
  const started = Date.now();
  const step = (name: string) => options.progress?.(name, (Date.now() - started) / 1000);
  const previous = await readState(workspace);
  if (previous && anyRunning(previous)) {
    throw new NetworkError(`a network is already running from ${workspace.root}; run \`npm run network:down\` first`);
  }
  // A stopped network's ledgers and crypto are its chain: starting anew over them would lose them.
  if (previous) throw new NetworkError(await stoppedNetwork(workspace, previous));
  if (existsSync(workspace.root) && (await readdir(workspace.root)).length > 0) {
    throw new NetworkError(`${workspace.root} is not empty and holds no network.json; not replacing a folder this tool did not make`);
  }
  const fabric = locateFabric();
  await requireFabric3(fabric);
  const hosts = withPortOffset(await loadHosts(hostsFile), options.portOffset);
  const consenters = profileOf(hosts, options.profile).consenters;
  await requirePortsFree(hosts, consenters);
  await mkdir(workspace.configDir, { recursive: true });
  await mkdir(workspace.logsDir, { recursive: true });
  await mkdir(join(workspace.channelBlock(hosts.channel), '..'), { recursive: true });
  const state: NetworkState = { profile: options.profile, portOffset: options.portOffset, fabric, hosts, consenters, processes: [] };
  await writeState(workspace, state);
  try {
    await bringUp(workspace, state, step);
  } catch (err) {
    await stopStarted(state);
    throw new NetworkError(`network up failed (logs in ${workspace.logsDir}, nothing left running; \`scripts/network down\` removes the folder before the next \`up\`): ${(err as Error).message}`);
  }
  return state;
}

/** Why `up` will not start over a stopped network: what the folder holds and what the user can do. */
async function stoppedNetwork(workspace: Workspace, state: NetworkState): Promise<string> {
  const held = [
    existsSync(workspace.cryptoDir) ? 'crypto material' : undefined,
    `ledgers of ${state.processes.filter((p) => existsSync(workspace.nodeDir(p.name))).length} nodes`,
    state.chaincode ? `chaincode sequence ${state.chaincode.sequence}` : undefined,
  ].filter((x) => x !== undefined);
  return [
    `${workspace.root} holds a stopped network (profile ${state.profile}, port offset ${state.portOffset}, ${await diskMiB(workspace.root)} MiB: ${held.join(', ')}); \`up\` does not replace it.`,
    '`scripts/network start` starts its nodes and chaincode servers again (same ports, crypto, ledgers); `scripts/network down` deletes it (ledgers, crypto and chaincode are lost; a gateway\'s DATA_DIR made on it no longer fits), then `up` starts a new chain.',
  ].join('\n');
}

async function bringUp(workspace: Workspace, state: NetworkState, step: (name: string) => void): Promise<void> {
  const { fabric, hosts, profile } = state;

  const cryptoFile = join(workspace.configDir, 'crypto-config.yaml');
  await writeFile(cryptoFile, stringify(cryptoConfig(hosts)));
  await run(toolPath(fabric, 'cryptogen'), ['generate', `--config=${cryptoFile}`, `--output=${workspace.cryptoDir}`], process.env);
  await writeFile(join(workspace.configDir, 'configtx.yaml'), stringify(configtx(workspace, hosts)));
  await run(
    toolPath(fabric, 'configtxgen'),
    ['-configPath', workspace.configDir, '-profile', profile, '-channelID', hosts.channel, '-outputBlock', workspace.channelBlock(hosts.channel)],
    process.env,
  );
  step('crypto material and genesis block');

  await startNodes(workspace, state, step);
  const { orderers, peers } = nodesOf(state);
  for (const node of orderers) await joinOrderer(workspace, state, node);
  await ordererChannelsActive(workspace, state);
  for (const { org, peer } of peers) await joinPeer(workspace, state, org, peer);
  await peersHoldChannel(workspace, state);
  step(`channel ${hosts.channel} joined by every orderer and peer`);
  await gossipSpread(state);
  step('every peer knows every other peer of the channel (gossip, discovery)');

  await mkdir(workspace.connectionDir, { recursive: true });
  for (const org of hosts.organisations) {
    await writeFile(workspace.connectionProfile(org.mspId), JSON.stringify(connectionProfile(workspace, hosts, org, state.consenters), null, 2));
  }
  step('connection profiles written');
}

/** The profile's orderers and every organisation's peers. */
function nodesOf(state: NetworkState) {
  const { hosts, consenters } = state;
  return {
    orderers: hosts.orderers.nodes.filter((o) => consenters.includes(o.name)),
    peers: hosts.organisations.flatMap((org) => org.peers.map((peer) => ({ org, peer }))),
  };
}

/**
 * Starts the profile's orderers and every peer on the workspace's crypto and data folders, each
 * recorded before the next starts; resolves once every one serves.
 */
export async function startNodes(workspace: Workspace, state: NetworkState, step: (name: string) => void): Promise<void> {
  const { hosts, fabric } = state;
  const { orderers, peers } = nodesOf(state);
  const ordererRecords: ProcessRecord[] = [];
  for (const node of orderers) {
    const record = startOrderer(workspace, hosts, fabric, node);
    ordererRecords.push(record);
    state.processes.push(record);
    await writeState(workspace, state);
  }
  const peerRecords: ProcessRecord[] = [];
  for (const { org, peer } of peers) {
    const record = startPeer(workspace, fabric, org, peer);
    peerRecords.push(record);
    state.processes.push(record);
    await writeState(workspace, state);
  }
  await Promise.all([
    ...orderers.map((node, i) => ordererReady(node, ordererRecords[i]!)),
    ...peers.map(({ peer }, i) => peerReady(peer, peerRecords[i]!)),
  ]);
  step(`${orderers.length} orderers and ${peers.length} peers serving`);
}

/** Every orderer of the profile has the channel active (Raft or BFT has a leader or quorum). */
export async function ordererChannelsActive(workspace: Workspace, state: NetworkState): Promise<void> {
  const { hosts } = state;
  await Promise.all(
    nodesOf(state).orderers.map((node) =>
      waitFor(`${fqdn(node.name, hosts.orderers.domain)} to activate channel ${hosts.channel}`, async () => (await ordererChannel(workspace, state, node))?.status === 'active', 30_000),
    ),
  );
}

/** Every peer has committed at least the channel's genesis block. */
export async function peersHoldChannel(workspace: Workspace, state: NetworkState): Promise<void> {
  const { hosts } = state;
  await Promise.all(
    nodesOf(state).peers.map(({ org, peer }) =>
      waitFor(`${fqdn(peer.name, org.domain)} to hold channel ${hosts.channel}`, async () => ((await peerHeight(workspace, state, org, peer)) ?? 0) >= 1, 30_000),
    ),
  );
}

/** Every peer's gossip knows every other peer of the channel, so discovery can plan endorsements by all. */
export async function gossipSpread(state: NetworkState): Promise<void> {
  const { peers } = nodesOf(state);
  await Promise.all(
    peers.map(({ org, peer }) =>
      waitFor(`${fqdn(peer.name, org.domain)} to know the channel's other peers (gossip)`, () => peerKnowsOthers(peer, state.hosts.channel, peers.length - 1), 60_000),
    ),
  );
}

/**
 * Stops every recorded process (newest first: chaincode supervisor, peers, orderers) and removes
 * the network's folder. Resolves with the names it stopped; throws if any process survived.
 */
export async function down(workspace: Workspace): Promise<string[]> {
  const state = await readState(workspace);
  if (!state) {
    if (existsSync(workspace.root)) throw new NetworkError(`${workspace.root} holds no network.json; not removing a folder this tool did not make`);
    return [];
  }
  const stopped: string[] = [];
  for (const record of [...state.processes].reverse()) {
    if (stillRunning(record)) stopped.push(record.name);
    await stopProcess(record);
  }
  const survivors = state.processes.filter(stillRunning);
  if (survivors.length > 0) throw new NetworkError(`still running: ${survivors.map((r) => `${r.name} (pid ${r.pid})`).join(', ')}`);
  await rm(workspace.root, { recursive: true, force: true });
  return stopped;
}

export interface NodeStatus {
  name: string;
  pid: number;
  running: boolean;
  rssMiB?: number;
  healthy?: boolean;
  /** Channel height as this node sees it (orderers: osnadmin; peers: peer channel getinfo). */
  height?: number;
  /** Chaincode servers: how often the supervisor started it (more than once: it died and came back). */
  starts?: number;
  /** Disk its data folder (ledger, WAL, snapshots) takes. */
  diskMiB?: number;
  log: string;
}

/** Disk a folder takes, in MiB: its files' allocated blocks, as `du` counts them. */
async function diskMiB(dir: string): Promise<number> {
  let bytes = 0;
  const walk = async (path: string): Promise<void> => {
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) return;
    bytes += stats.blocks * 512;
    if (stats.isDirectory()) for (const entry of await readdir(path)) await walk(join(path, entry));
  };
  await walk(dir);
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** The supervised chaincode servers as the supervisor last reported them. */
async function chaincodeServers(workspace: Workspace, sequence: number): Promise<NodeStatus[]> {
  const file = statusFile(join(workspace.chaincodeDir, `servers-${sequence}.json`));
  let servers: ServerStatus[];
  try {
    servers = JSON.parse(await readFile(file, 'utf8')) as ServerStatus[];
  } catch {
    return [];
  }
  return servers.map((s) => {
    const rssMiB = s.pid === undefined ? undefined : residentMiB(s.pid);
    return { name: s.name, pid: s.pid ?? 0, running: rssMiB !== undefined, rssMiB, starts: s.starts, log: workspace.log(s.name) };
  });
}

export interface NetworkStatus {
  root: string;
  /** Disk the whole network folder takes (allocated blocks, so the orderers' preallocated WAL counts). */
  diskMiB: number;
  profile: string;
  portOffset: number;
  nodes: NodeStatus[];
  chaincode?: NetworkState['chaincode'];
}

/** What runs and how it is: each recorded process, its memory, health and channel height. */
export async function status(workspace: Workspace): Promise<NetworkStatus | undefined> {
  const state = await readState(workspace);
  if (!state) return undefined;
  const { hosts } = state;
  const nodes: NodeStatus[] = [];
  for (const record of state.processes) {
    const running = isRunning(record);
    const orderer = hosts.orderers.nodes.find((o) => fqdn(o.name, hosts.orderers.domain) === record.name);
    const owner = hosts.organisations.find((org) => org.peers.some((p) => fqdn(p.name, org.domain) === record.name));
    const peer = owner?.peers.find((p) => fqdn(p.name, owner.domain) === record.name);
    const node: NodeStatus = { name: record.name, pid: record.pid, running, log: record.log };
    if (orderer || peer) node.diskMiB = await diskMiB(workspace.nodeDir(record.name));
    if (running) node.rssMiB = residentMiB(record.pid);
    if (running && orderer) {
      node.healthy = await healthy(orderer.host, orderer.operationsPort);
      node.height = (await ordererChannel(workspace, state, orderer).catch(() => undefined))?.height;
    } else if (running && owner && peer) {
      node.healthy = await healthy(peer.host, peer.operationsPort);
      node.height = await peerHeight(workspace, state, owner, peer).catch(() => undefined);
    }
    nodes.push(node);
  }
  if (state.chaincode) nodes.push(...(await chaincodeServers(workspace, state.chaincode.sequence)));
  return { root: workspace.root, diskMiB: await diskMiB(workspace.root), profile: state.profile, portOffset: state.portOffset, nodes, chaincode: state.chaincode };
}
