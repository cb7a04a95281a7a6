import type { Hosts } from './hosts';

/**
 * cryptogen's input for the consortium: one CA per organisation, NodeOUs on (so policies can name
 * admin, peer and client roles, and `agency:initialise` can tell the province's admin), and TLS
 * names for every address a node is dialled at: its FQDN (cryptogen adds it), its host, 127.0.0.1
 * and localhost.
 */
export function cryptoConfig(hosts: Hosts): object {
  const sans = (host: string): string[] => [...new Set([host, '127.0.0.1', 'localhost'])];
  return {
    OrdererOrgs: [
      {
        Name: hosts.orderers.mspId,
        Domain: hosts.orderers.domain,
        EnableNodeOUs: true,
        Specs: hosts.orderers.nodes.map((o) => ({ Hostname: o.name, SANS: sans(o.host) })),
      },
    ],
    PeerOrgs: hosts.organisations.map((org) => ({
      Name: org.mspId,
      Domain: org.domain,
      EnableNodeOUs: true,
      Specs: org.peers.map((p) => ({ Hostname: p.name, SANS: sans(p.host) })),
      // User1: the identity an organisation's gateway submits with (NodeOU client).
      Users: { Count: 1 },
    })),
  };
}
