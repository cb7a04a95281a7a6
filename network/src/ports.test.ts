import test from 'ava';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { endpointsOf, loadHosts } from './hosts';
import { canListen, ephemeralPorts, freePortOffset } from './ports';
import { accepts } from './readiness';
import { hostsFile } from './workspace';

test('a port held by an outgoing connection accepts nothing, yet no node could listen on it', async (t) => {
  const server = createServer((socket) => socket.on('error', () => undefined));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  try {
    const held = client.localPort!;
    t.false(await accepts('127.0.0.1', held), 'nothing listens there');
    t.false(await canListen('127.0.0.1', held));
    t.false(await canListen('127.0.0.1', (server.address() as AddressInfo).port), 'nor where a server listens');
  } finally {
    client.destroy();
    server.close();
  }
});

test('a free port can be listened on, and is left free', async (t) => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  t.true(await canListen('127.0.0.1', port));
  t.true(await canListen('127.0.0.1', port), 'the check itself holds nothing');
});

test('an address of another machine is a mistake in the plan, not a busy port', async (t) => {
  await t.throwsAsync(canListen('192.0.2.1', 7050), { message: /cannot listen on 192\.0\.2\.1:7050 \(EADDRNOTAVAIL\)/ });
});

test('a free port offset is positive, keeps every port of the plan above 1024, below the ephemeral range, and free', async (t) => {
  const hosts = await loadHosts(hostsFile);
  const [ephemeralLow] = await ephemeralPorts();
  for (let i = 0; i < 5; i++) {
    const offset = await freePortOffset();
    t.true(offset > 0 && offset % 100 === 0, `offset ${offset}`);
    for (const [owner, host, port] of endpointsOf(hosts)) {
      t.true(port + offset > 1024 && port + offset < ephemeralLow, `${owner} at ${port + offset}`);
      t.true(await canListen(host, port + offset));
    }
  }
});

test('a plan whose ports span more than the room below the ephemeral range gets no offset', async (t) => {
  const hosts = await loadHosts(hostsFile);
  const [ephemeralLow] = await ephemeralPorts();
  const wide = { ...hosts, orderers: { ...hosts.orderers, nodes: hosts.orderers.nodes.map((o, i) => (i === 0 ? { ...o, port: 1025, operationsPort: ephemeralLow + 10 } : o)) } };
  await t.throwsAsync(freePortOffset(wide), { message: /no offset keeps ports 1025-\d+ below the ephemeral range/ });
});
