import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
const host = z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or IPv4 address');
const nodeName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a lower-case node name');
const domain = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a DNS domain');
const mspId = z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{0,63}$/);

const ordererSchema = z.strictObject({ name: nodeName, host, port, adminPort: port, operationsPort: port });
const peerSchema = z.strictObject({ name: nodeName, host, port, chaincodePort: port, operationsPort: port });
const profileSchema = z.strictObject({ consensus: z.enum(['etcdraft', 'BFT']), consenters: z.array(nodeName).min(1) });

const hostsSchema = z
  .strictObject({
    channel: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a valid Fabric channel name'),
    chaincode: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/),
      endorsementPolicy: z.string().min(1),
    }),
    orderers: z.strictObject({ mspId, name: z.string().min(1), domain, nodes: z.array(ordererSchema).min(1) }),
    profiles: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), profileSchema),
    organisations: z
      .array(
        z.strictObject({
          mspId,
          name: z.string().min(1),
          domain,
          governance: z.boolean().default(false),
          peers: z.array(peerSchema).min(1),
          // Two ports used by turns: an upgrade starts the next sequence's server on the other port
          // before the peers switch to it, so the chaincode never stops answering.
          chaincodeServer: z.strictObject({ host, ports: z.tuple([port, port]) }),
        }),
      )
      .min(1),
  })
  .superRefine((hosts, ctx) => {
    const orderers = new Set(hosts.orderers.nodes.map((o) => o.name));
    for (const [name, profile] of Object.entries(hosts.profiles)) {
      for (const consenter of profile.consenters) {
        if (!orderers.has(consenter)) ctx.addIssue({ code: 'custom', path: ['profiles', name], message: `unknown orderer ${consenter}` });
      }
    }
    if (hosts.organisations.filter((o) => o.governance).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['organisations'], message: 'exactly one organisation must be the governance organisation' });
    }
    const taken = new Map<string, string>();
    for (const [owner, host, port] of endpointsOf(hosts)) {
      const endpoint = `${host}:${port}`;
      const other = taken.get(endpoint);
      if (other) ctx.addIssue({ code: 'custom', path: [], message: `${owner} and ${other} both use ${endpoint}` });
      taken.set(endpoint, owner);
    }
  });

export type Hosts = z.infer<typeof hostsSchema>;
export type OrdererHost = Hosts['orderers']['nodes'][number];
export type Organisation = Hosts['organisations'][number];
export type PeerHost = Organisation['peers'][number];
export type Profile = Hosts['profiles'][string];

/**
 * Every endpoint a node of the consortium listens on, as [owner, host, port]: to refuse a plan where
 * two collide, and a start where something already listens. `consenters` limits the orderers to a
 * profile's.
 */
export function* endpointsOf(hosts: Pick<Hosts, 'orderers' | 'organisations'>, consenters?: string[]): Generator<[string, string, number]> {
  for (const o of hosts.orderers.nodes) {
    if (consenters && !consenters.includes(o.name)) continue;
    for (const p of [o.port, o.adminPort, o.operationsPort]) yield [fqdn(o.name, hosts.orderers.domain), o.host, p];
  }
  for (const org of hosts.organisations) {
    for (const peer of org.peers) {
      for (const p of [peer.port, peer.chaincodePort, peer.operationsPort]) yield [fqdn(peer.name, org.domain), peer.host, p];
    }
    for (const p of org.chaincodeServer.ports) yield [`chaincode server of ${org.mspId}`, org.chaincodeServer.host, p];
  }
}

/** The port of `org`'s chaincode server for definition `sequence`: the two ports by turns. */
export function chaincodePort(org: Organisation, sequence: number): number {
  return org.chaincodeServer.ports[(sequence - 1) % 2]!;
}

/** Reads and checks a hosts file; a mistake names the field it is in. */
export async function loadHosts(file: string): Promise<Hosts> {
  const parsed = hostsSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new Error(`${file} is not a valid hosts file:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** The same plan with every port moved by `offset` (HNC_FABRIC_PORT_OFFSET), so networks can run side by side. */
export function withPortOffset(hosts: Hosts, offset: number): Hosts {
  const shift = (p: number): number => {
    const moved = p + offset;
    if (moved < 1 || moved > 65535) throw new RangeError(`port ${p} moved by offset ${offset} leaves the range 1-65535`);
    return moved;
  };
  return {
    ...hosts,
    orderers: {
      ...hosts.orderers,
      nodes: hosts.orderers.nodes.map((o) => ({ ...o, port: shift(o.port), adminPort: shift(o.adminPort), operationsPort: shift(o.operationsPort) })),
    },
    organisations: hosts.organisations.map((org) => ({
      ...org,
      peers: org.peers.map((p) => ({ ...p, port: shift(p.port), chaincodePort: shift(p.chaincodePort), operationsPort: shift(p.operationsPort) })),
      chaincodeServer: { ...org.chaincodeServer, ports: [shift(org.chaincodeServer.ports[0]), shift(org.chaincodeServer.ports[1])] },
    })),
  };
}

/** A node's fully qualified name, the subject cryptogen gives its certificates (orderer0.bigdata.henan.gov.cn). */
export function fqdn(name: string, domain: string): string {
  return `${name}.${domain}`;
}

export function governanceOf(hosts: Hosts): Organisation {
  return hosts.organisations.find((o) => o.governance)!;
}

export function profileOf(hosts: Hosts, name: string): Profile {
  const profile = hosts.profiles[name];
  if (!profile) throw new Error(`no profile ${name} in the hosts file (known: ${Object.keys(hosts.profiles).join(', ')})`);
  return profile;
}
