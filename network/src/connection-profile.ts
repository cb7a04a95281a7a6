import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fqdn, type Hosts, type Organisation } from './hosts';
import type { Workspace } from './workspace';

/** A user of an organisation as files: its X.509 certificate and its ECDSA P-256 key (PKCS#8 PEM). */
export interface ProfileIdentity {
  mspId: string;
  certPath: string;
  keyPath: string;
}

export interface ProfileEndpoint {
  /** grpcs://host:port */
  url: string;
  tlsCACerts: { path: string; pem: string };
  /** The name in the node's TLS certificate; the certificate also carries its host, 127.0.0.1 and localhost. */
  grpcOptions: { 'ssl-target-name-override': string; hostnameOverride: string };
}

/**
 * One organisation's view of the network (.fabric/connection/<mspId>.json), in the shape of Fabric's
 * common connection profile plus what this project needs: the channel, the chaincode and the
 * organisation's admin and client identities. network-config/README.md describes it.
 */
export interface ConnectionProfile {
  name: string;
  version: '1.0.0';
  client: { organization: string };
  channel: string;
  chaincode: string;
  /** The governance organisation (it alone initialises the chain and registers agencies). */
  governanceMspId: string;
  organizations: Record<
    string,
    { mspid: string; peers: string[]; identities?: { admin: ProfileIdentity; client: ProfileIdentity } }
  >;
  peers: Record<string, ProfileEndpoint>;
  orderers: Record<string, ProfileEndpoint>;
}

function endpoint(name: string, host: string, port: number, caPath: string): ProfileEndpoint {
  return {
    url: `grpcs://${host}:${port}`,
    tlsCACerts: { path: caPath, pem: readFileSync(caPath, 'utf8') },
    grpcOptions: { 'ssl-target-name-override': name, hostnameOverride: name },
  };
}

function identity(workspace: Workspace, org: Organisation, user: 'Admin' | 'User1'): ProfileIdentity {
  const msp = workspace.userMsp(org, user);
  const cert = readdirSync(join(msp, 'signcerts')).find((f) => f.endsWith('.pem'));
  if (!cert) throw new Error(`no certificate in ${join(msp, 'signcerts')}`);
  return { mspId: org.mspId, certPath: join(msp, 'signcerts', cert), keyPath: join(msp, 'keystore', 'priv_sk') };
}

/**
 * The profile of `org`: every organisation's peers (a gateway needs the others' for endorsement
 * only through discovery, but tools such as the peer CLI dial them directly), the running profile's
 * orderers, and identities for `org` alone: a profile never holds another organisation's keys.
 */
export function connectionProfile(workspace: Workspace, hosts: Hosts, org: Organisation, consenters: string[]): ConnectionProfile {
  const organizations: ConnectionProfile['organizations'] = {};
  const peers: ConnectionProfile['peers'] = {};
  for (const other of hosts.organisations) {
    const names = other.peers.map((p) => fqdn(p.name, other.domain));
    organizations[other.mspId] = { mspid: other.mspId, peers: names };
    other.peers.forEach((p, i) => (peers[names[i]!] = endpoint(names[i]!, p.host, p.port, workspace.orgTlsCa(other))));
  }
  organizations[org.mspId]!.identities = { admin: identity(workspace, org, 'Admin'), client: identity(workspace, org, 'User1') };
  const orderers: ConnectionProfile['orderers'] = {};
  for (const name of consenters) {
    const node = hosts.orderers.nodes.find((o) => o.name === name)!;
    const full = fqdn(name, hosts.orderers.domain);
    orderers[full] = endpoint(full, node.host, node.port, workspace.ordererTlsCa(hosts));
  }
  return {
    name: `henan-chain-${org.mspId}`,
    version: '1.0.0',
    client: { organization: org.mspId },
    channel: hosts.channel,
    chaincode: hosts.chaincode.name,
    governanceMspId: hosts.organisations.find((o) => o.governance)!.mspId,
    organizations,
    peers,
    orderers,
  };
}
