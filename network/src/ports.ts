import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { endpointsOf, loadHosts, type Hosts } from './hosts';
import { hostsFile } from './workspace';

/**
 * Whether a node could listen on host:port now. Binding, not connecting: a port held by an
 * outgoing connection's local end accepts no connection yet still refuses a listener (EADDRINUSE),
 * and that is what made an orderer exit at start.
 */
export function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(new Error(`cannot listen on ${host}:${port} (${err.code ?? err.message}); a node of this plan must run on this machine`));
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Linux's range of ports given to outgoing connections (ip_local_port_range); the kernel's default elsewhere. */
export async function ephemeralPorts(): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const [low, high] = text.trim().split(/\s+/).map(Number);
  return low && high ? [low, high] : [32768, 60999];
}

/**
 * A positive port offset (HNC_FABRIC_PORT_OFFSET, in hundreds) at which every port of the plan is free and
 * lies between the privileged ports and the ephemeral range: inside that range any client's
 * outgoing connection may take a node's port between this check and the node's start. The plan is
 * network-config/hosts.yaml unless given.
 */
export async function freePortOffset(hosts?: Hosts): Promise<number> {
  hosts ??= await loadHosts(hostsFile);
  const endpoints = [...endpointsOf(hosts)];
  const ports = endpoints.map(([, , port]) => port);
  const [ephemeralLow] = await ephemeralPorts();
  // Never 0 or below: the plan's own ports are a developer's network's (`npm run network:up`).
  const lowest = Math.max(1, Math.ceil((1024 - Math.min(...ports)) / 100));
  const highest = Math.floor((ephemeralLow - 1 - Math.max(...ports)) / 100);
  if (highest < lowest) throw new Error(`no offset keeps ports ${Math.min(...ports)}-${Math.max(...ports)} below the ephemeral range (${ephemeralLow} on)`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const offset = randomInt(lowest, highest + 1) * 100;
    const free = await Promise.all(endpoints.map(([, host, port]) => canListen(host, port + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error(`no free port offset found in 100 tries between ${lowest * 100} and ${highest * 100}`);
}
