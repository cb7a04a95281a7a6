import { join } from 'node:path';
import { fqdn, type Hosts, type Organisation } from './hosts';
import type { Workspace } from './workspace';

const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });

/**
 * How long an orderer waits to fill a block. Fabric's sample says 2 s; 500 ms keeps a submitted
 * transaction's latency and each lifecycle step short on a lightly loaded consortium, at the cost of
 * more, smaller blocks.
 */
const BATCH_TIMEOUT = '500ms';

function applicationOrg(workspace: Workspace, org: Organisation): object {
  const id = org.mspId;
  return {
    Name: id,
    ID: id,
    MSPDir: join(workspace.orgDir(org), 'msp'),
    Policies: {
      Readers: signature(`OR('${id}.admin', '${id}.peer', '${id}.client')`),
      Writers: signature(`OR('${id}.admin', '${id}.client')`),
      Admins: signature(`OR('${id}.admin')`),
      // An organisation endorses through its peers; MAJORITY Endorsement counts organisations.
      Endorsement: signature(`OR('${id}.peer')`),
    },
    // In the genesis block, so each organisation's peers find the other's from the start (gossip, discovery).
    AnchorPeers: org.peers.slice(0, 1).map((p) => ({ Host: p.host, Port: p.port })),
  };
}

function ordererOrg(workspace: Workspace, hosts: Hosts, consenters: string[]): object {
  const id = hosts.orderers.mspId;
  return {
    Name: id,
    ID: id,
    MSPDir: join(workspace.ordererOrgDir(hosts), 'msp'),
    Policies: {
      Readers: signature(`OR('${id}.member')`),
      Writers: signature(`OR('${id}.member')`),
      Admins: signature(`OR('${id}.admin')`),
    },
    OrdererEndpoints: consenterNodes(hosts, consenters).map((o) => `${o.host}:${o.port}`),
  };
}

function consenterNodes(hosts: Hosts, names: string[]) {
  return names.map((name) => hosts.orderers.nodes.find((o) => o.name === name)!);
}

function consensus(workspace: Workspace, hosts: Hosts, profileName: string): object {
  const profile = hosts.profiles[profileName]!;
  const tls = (name: string) => join(workspace.ordererDir(hosts, name), 'tls', 'server.crt');
  const nodes = consenterNodes(hosts, profile.consenters);
  if (profile.consensus === 'etcdraft') {
    return {
      OrdererType: 'etcdraft',
      EtcdRaft: {
        // The cluster shares each orderer's main (TLS) listener.
        Consenters: nodes.map((o) => ({ Host: o.host, Port: o.port, ClientTLSCert: tls(o.name), ServerTLSCert: tls(o.name) })),
        Options: { TickInterval: '500ms', ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: '16 MB' },
      },
    };
  }
  return {
    OrdererType: 'BFT',
    ConsenterMapping: nodes.map((o, i) => ({
      ID: i + 1,
      Host: o.host,
      Port: o.port,
      MSPID: hosts.orderers.mspId,
      Identity: join(workspace.ordererDir(hosts, o.name), 'msp', 'signcerts', `${fqdn(o.name, hosts.orderers.domain)}-cert.pem`),
      ClientTLSCert: tls(o.name),
      ServerTLSCert: tls(o.name),
    })),
    // Fabric's sample SmartBFT settings, with the request batch interval matching BATCH_TIMEOUT's intent.
    SmartBFT: {
      RequestBatchMaxCount: 100,
      RequestBatchMaxBytes: 10485760,
      RequestBatchMaxInterval: '50ms',
      IncomingMessageBufferSize: 200,
      RequestPoolSize: 100000,
      RequestForwardTimeout: '2s',
      RequestComplainTimeout: '20s',
      RequestAutoRemoveTimeout: '3m0s',
      ViewChangeResendInterval: '5s',
      ViewChangeTimeout: '20s',
      LeaderHeartbeatTimeout: '1m0s',
      LeaderHeartbeatCount: 10,
      CollectTimeout: '1s',
    },
  };
}

/**
 * configtx.yaml with one profile per entry of the hosts file's `profiles` (HenanRaft, HenanBFT):
 * channel capability V3_0 (no system channel, BFT allowed), orderer endpoints on the orderer
 * organisation, anchor peers in the genesis block, and the chaincode endorsement policy as the
 * channel's default (`/Channel/Application/Endorsement`).
 */
export function configtx(workspace: Workspace, hosts: Hosts): object {
  const organisations = hosts.organisations.map((org) => applicationOrg(workspace, org));
  const application = {
    Organizations: organisations,
    Policies: {
      Readers: implicitMeta('ANY Readers'),
      Writers: implicitMeta('ANY Writers'),
      Admins: implicitMeta('MAJORITY Admins'),
      LifecycleEndorsement: implicitMeta(hosts.chaincode.endorsementPolicy),
      Endorsement: implicitMeta(hosts.chaincode.endorsementPolicy),
    },
    Capabilities: { V2_5: true },
  };
  const profiles = Object.fromEntries(
    Object.entries(hosts.profiles).map(([name, profile]) => [
      name,
      {
        Policies: {
          Readers: implicitMeta('ANY Readers'),
          Writers: implicitMeta('ANY Writers'),
          Admins: implicitMeta('MAJORITY Admins'),
        },
        Capabilities: { V3_0: true },
        Orderer: {
          ...consensus(workspace, hosts, name),
          Organizations: [ordererOrg(workspace, hosts, profile.consenters)],
          BatchTimeout: BATCH_TIMEOUT,
          BatchSize: { MaxMessageCount: 100, AbsoluteMaxBytes: '10 MB', PreferredMaxBytes: '2 MB' },
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
            Admins: implicitMeta('MAJORITY Admins'),
            BlockValidation: implicitMeta('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: application,
      },
    ]),
  );
  return { Profiles: profiles };
}
