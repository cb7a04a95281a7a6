import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toolPath, type FabricInstall } from './fabric-binaries';
import { fqdn, type Hosts, type OrdererHost, type Organisation, type PeerHost } from './hosts';
import { startProcess, type ProcessRecord } from './processes';
import { gauge, healthy, logContains, waitFor } from './readiness';
import { ccaasBuilder, type Workspace } from './workspace';

/** Fabric's own log verbosity for every node; FABRIC_LOGGING_SPEC overrides it. */
const LOGGING_SPEC = process.env.FABRIC_LOGGING_SPEC || 'INFO';
const READY_TIMEOUT_MS = 60_000;

/** Fabric's default log line without its terminal colours, since every node logs to a file. */
const LOGGING_FORMAT = '%{time:2006-01-02 15:04:05.000 MST} %{id:04x} %{level:.4s} [%{module}] %{shortfunc} -> %{message}';

/** The process environment with nothing of Fabric's inherited, so a stray CORE_* cannot change a node. */
function cleanEnv(fabric: FabricInstall): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CORE|ORDERER|FABRIC)_/.test(k)));
  return { ...env, FABRIC_CFG_PATH: fabric.config, FABRIC_LOGGING_SPEC: LOGGING_SPEC, FABRIC_LOGGING_FORMAT: LOGGING_FORMAT };
}

/**
 * An orderer with TLS on its client/cluster listener and on its admin endpoint (osnadmin must show
 * an orderer admin's TLS certificate), no system channel (channels are joined through osnadmin),
 * and its own ledger, WAL and snapshot folders.
 */
export function startOrderer(workspace: Workspace, hosts: Hosts, fabric: FabricInstall, node: OrdererHost): ProcessRecord {
  const name = fqdn(node.name, hosts.orderers.domain);
  const dir = workspace.ordererDir(hosts, node.name);
  const tls = (file: string) => join(dir, 'tls', file);
  const data = workspace.nodeDir(name);
  mkdirSync(data, { recursive: true });
  const env = {
    ...cleanEnv(fabric),
    ORDERER_GENERAL_LISTENADDRESS: node.host,
    ORDERER_GENERAL_LISTENPORT: String(node.port),
    ORDERER_GENERAL_LOCALMSPID: hosts.orderers.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: join(dir, 'msp'),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_CERTIFICATE: tls('server.crt'),
    ORDERER_GENERAL_TLS_PRIVATEKEY: tls('server.key'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls('server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls('server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_FILELEDGER_LOCATION: join(data, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: join(data, 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'snapshot'),
    ORDERER_OPERATIONS_LISTENADDRESS: `${node.host}:${node.operationsPort}`,
    ORDERER_ADMIN_LISTENADDRESS: `${node.host}:${node.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: tls('server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: tls('server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${workspace.ordererTlsCa(hosts)}]`,
    // Prometheus metrics on the operations endpoint, beside /healthz.
    ORDERER_METRICS_PROVIDER: 'prometheus',
  };
  return startProcess({ name, program: toolPath(fabric, 'orderer'), args: [], env, cwd: data, log: workspace.log(name) });
}

/** /healthz answers OK and the orderer logged that its gRPC server serves (the operations server starts first). */
export async function ordererReady(node: OrdererHost, record: ProcessRecord): Promise<void> {
  await waitFor(`${record.name} to serve`, async () => (await healthy(node.host, node.operationsPort)) && (await logContains(record.log, 'Beginning to serve requests')), READY_TIMEOUT_MS, record);
}

/**
 * A peer with TLS, no Docker (empty vm.endpoint) and the project's CCaaS builder as its only way
 * to run chaincode; distinct listen, chaincode and operations ports and its own file system path.
 */
export function startPeer(workspace: Workspace, fabric: FabricInstall, org: Organisation, peer: PeerHost): ProcessRecord {
  const name = fqdn(peer.name, org.domain);
  const dir = workspace.peerDir(org, peer.name);
  const data = workspace.nodeDir(name);
  mkdirSync(data, { recursive: true });
  const address = `${peer.host}:${peer.port}`;
  const env = {
    ...cleanEnv(fabric),
    CORE_PEER_ID: name,
    CORE_PEER_LISTENADDRESS: address,
    CORE_PEER_ADDRESS: address,
    CORE_PEER_CHAINCODELISTENADDRESS: `${peer.host}:${peer.chaincodePort}`,
    CORE_PEER_CHAINCODEADDRESS: `${peer.host}:${peer.chaincodePort}`,
    CORE_PEER_GOSSIP_BOOTSTRAP: address,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: join(dir, 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: join(dir, 'tls', 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(dir, 'tls', 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(dir, 'tls', 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(data, 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: `${peer.host}:${peer.operationsPort}`,
    // Prometheus metrics on the operations endpoint; `up` reads gossip membership from them.
    CORE_METRICS_PROVIDER: 'prometheus',
    // Before the channel is joined the peers cannot authenticate each other's organisations, so
    // their first gossip contacts fail; retry every 5 s instead of Fabric's 25 s.
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '5s',
    // No Docker here: an empty endpoint (the peer counts an empty variable as set) and our builder.
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify([{ name: 'henan-ccaas', path: ccaasBuilder, propagateEnvironment: [] }]),
  };
  return startProcess({ name, program: toolPath(fabric, 'peer'), args: ['node', 'start'], env, cwd: data, log: workspace.log(name) });
}

/**
 * The peer's gossip knows `others` peers on `channel`: the other organisations' peers are reachable,
 * so its gateway's discovery can plan endorsements across organisations.
 */
export async function peerKnowsOthers(peer: PeerHost, channel: string, others: number): Promise<boolean> {
  return ((await gauge(peer.host, peer.operationsPort, 'gossip_membership_total_peers_known', `channel="${channel}"`)) ?? 0) >= others;
}

export async function peerReady(peer: PeerHost, record: ProcessRecord): Promise<void> {
  await waitFor(`${record.name} to serve`, async () => (await healthy(peer.host, peer.operationsPort)) && (await logContains(record.log, 'Started peer with ID=')), READY_TIMEOUT_MS, record);
}

/** The peer CLI's environment acting as `org`'s admin against its first peer. */
export function peerCliEnv(workspace: Workspace, fabric: FabricInstall, org: Organisation, user: 'Admin' | 'User1' = 'Admin', peer: PeerHost = org.peers[0]!): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(fabric),
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: workspace.userMsp(org, user),
    CORE_PEER_ADDRESS: `${peer.host}:${peer.port}`,
    CORE_PEER_TLS_ROOTCERT_FILE: workspace.orgTlsCa(org),
  };
}
