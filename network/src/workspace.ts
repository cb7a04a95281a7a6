import { join, resolve } from 'node:path';
import { fqdn, type Hosts, type Organisation } from './hosts';

/** The repository this package lives in (network/dist/.. /..). */
export const repoRoot = resolve(__dirname, '../..');

/** The consortium plan every command starts from. */
export const hostsFile = join(repoRoot, 'network-config', 'hosts.yaml');

/** The project's own CCaaS external builder (bin/detect, bin/build, bin/release). */
export const ccaasBuilder = join(repoRoot, 'network', 'builders', 'ccaas');

/**
 * Where a network keeps everything it makes and runs on (crypto, ledgers, logs, profiles):
 * `.fabric/` in the repository (git-ignored), or HNC_FABRIC_DIR.
 */
export class Workspace {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): Workspace {
    return new Workspace(env.HNC_FABRIC_DIR || join(repoRoot, '.fabric'));
  }

  /** The running network's record: plan with its ports, profile, processes (see state.ts). */
  get stateFile(): string {
    return join(this.root, 'network.json');
  }
  get configDir(): string {
    return join(this.root, 'config');
  }
  get cryptoDir(): string {
    return join(this.root, 'crypto');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get connectionDir(): string {
    return join(this.root, 'connection');
  }
  get chaincodeDir(): string {
    return join(this.root, 'chaincode');
  }
  channelBlock(channel: string): string {
    return join(this.root, 'channel', `${channel}.block`);
  }
  connectionProfile(mspId: string): string {
    return join(this.connectionDir, `${mspId}.json`);
  }
  nodeDir(name: string): string {
    return join(this.root, 'nodes', name);
  }
  log(name: string): string {
    return join(this.logsDir, `${name}.log`);
  }

  // cryptogen's layout: <crypto>/{ordererOrganizations,peerOrganizations}/<domain>/...
  ordererOrgDir(hosts: Hosts): string {
    return join(this.cryptoDir, 'ordererOrganizations', hosts.orderers.domain);
  }
  ordererDir(hosts: Hosts, name: string): string {
    return join(this.ordererOrgDir(hosts), 'orderers', fqdn(name, hosts.orderers.domain));
  }
  ordererAdminDir(hosts: Hosts): string {
    return join(this.ordererOrgDir(hosts), 'users', `Admin@${hosts.orderers.domain}`);
  }
  /** The TLS CA of the ordering organisation, which signs every orderer's TLS certificate. */
  ordererTlsCa(hosts: Hosts): string {
    return join(this.ordererOrgDir(hosts), 'tlsca', `tlsca.${hosts.orderers.domain}-cert.pem`);
  }
  orgDir(org: Organisation): string {
    return join(this.cryptoDir, 'peerOrganizations', org.domain);
  }
  peerDir(org: Organisation, name: string): string {
    return join(this.orgDir(org), 'peers', fqdn(name, org.domain));
  }
  orgTlsCa(org: Organisation): string {
    return join(this.orgDir(org), 'tlsca', `tlsca.${org.domain}-cert.pem`);
  }
  /** cryptogen's users: Admin@<domain> (NodeOU admin) and User1@<domain> (NodeOU client). */
  userMsp(org: Organisation, user: 'Admin' | 'User1'): string {
    return join(this.orgDir(org), 'users', `${user}@${org.domain}`, 'msp');
  }
}
