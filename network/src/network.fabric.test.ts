/**
 * The Fabric suite (npm run test:fabric, not part of npm test): a real consortium from Fabric's
 * release binaries, driven through the same scripts a user runs. Needs FABRIC_BIN, Fabric on PATH
 * or ~/fabric/bin. Each network runs in its own folder at a random port offset.
 */
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, makeUscc, sign, toHex } from '@henan-chain/crypto';
import { possessionStatement } from '@henan-chain/chaincode';
import { PeerCli } from './chaincode/lifecycle';
import type { ConnectionProfile } from './connection-profile';
import type { NetworkStatus } from './network';
import { groupMembers, residentMiB } from './processes';
import { accepts, waitFor } from './readiness';
import { freePortOffset } from './ports';
import { CommandFailed, run } from './run';
import { peerCliEnv } from './nodes';
import { toolPath } from './fabric-binaries';
import { readState, type NetworkState } from './state';
import { repoRoot, Workspace } from './workspace';

interface Context {
  dir: string;
  artifact: string;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  t.context.dir = await mkdtemp(join(tmpdir(), 'hnc-fabric-test-'));
  // One chaincode build serves the deploys (`--artifact`); the upgrade builds its own, as a user's would.
  t.context.artifact = join(t.context.dir, 'artifact');
  const started = Date.now();
  await sh(join(repoRoot, 'scripts', 'build-chaincode'), [t.context.artifact], process.env);
  t.log(`chaincode artifact built in ${seconds(started)} s`);
});

test.after.always(async (t) => {
  await rm(t.context.dir, { recursive: true, force: true });
});

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

function sh(program: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, cwd: repoRoot, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${program} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A network of its own: a fresh folder and a port offset whose ports are all free. */
class TestNetwork {
  readonly workspace: Workspace;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    dir: string,
    readonly offset: number,
  ) {
    this.workspace = new Workspace(dir);
    this.env = { ...process.env, HNC_FABRIC_DIR: dir, HNC_FABRIC_PORT_OFFSET: String(offset) };
  }

  static async create(parent: string, name: string): Promise<TestNetwork> {
    return new TestNetwork(join(parent, name), await freePortOffset());
  }

  network(...args: string[]): Promise<string> {
    return sh(join(repoRoot, 'scripts', 'network'), args, this.env);
  }

  chaincode(...args: string[]): Promise<string> {
    return sh(join(repoRoot, 'scripts', 'chaincode'), args, this.env);
  }

  async status(): Promise<NetworkStatus> {
    return JSON.parse(await this.network('status', '--json')) as NetworkStatus;
  }

  async state(): Promise<NetworkState> {
    const state = await readState(this.workspace);
    if (!state) throw new Error('no network.json');
    return state;
  }

  async cli(): Promise<PeerCli> {
    return new PeerCli(this.workspace, await this.state());
  }
}

/** A valid registration of a fresh agency of `mspId`, as the governance organisation's admin submits it. */
function registration(mspId: string): { agencyId: string; json: string } {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let code = '';
  for (let i = 0; i < 9; i++) code += chars[randomInt(chars.length)];
  const agencyId = makeUscc(`11410100${code}`);
  const keys = generateKeyPair();
  const publicKey = toHex(keys.publicKey);
  const request = {
    agencyId,
    name: '郑州市数据局',
    regionCode: '410100',
    mspId,
    roles: ['provider', 'consumer'],
    publicKey,
    proofOfPossession: toHex(sign(possessionStatement(agencyId, publicKey), keys.privateKey)),
  };
  return { agencyId, json: JSON.stringify(request) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CommandFailed) return err.output;
    throw err;
  }
  throw new Error('the transaction was expected to be refused');
}

function logMemory(t: ExecutionContext, status: NetworkStatus): void {
  t.log(status.nodes.map((n) => `${n.name} ${n.rssMiB ?? '?'} MiB`).join('; '));
}

/** Every process the network recorded is gone, with what it started, and none of its ports answers. */
async function assertNothingLeft(t: ExecutionContext, state: NetworkState): Promise<void> {
  for (const record of state.processes) {
    t.is(residentMiB(record.pid), undefined, `${record.name} (pid ${record.pid}) still runs`);
    t.deepEqual(groupMembers(record.pid), [], `processes of ${record.name}'s group remain`);
  }
  const ports = [
    ...state.hosts.orderers.nodes.filter((o) => state.consenters.includes(o.name)).flatMap((o) => [o.port, o.adminPort, o.operationsPort]),
    ...state.hosts.organisations.flatMap((org) => [...org.peers.flatMap((p) => [p.port, p.chaincodePort, p.operationsPort]), ...org.chaincodeServer.ports]),
  ];
  for (const port of ports) t.false(await accepts('127.0.0.1', port), `port ${port} still answers`);
}

test.serial('Raft: up, deploy, transactions of both organisations, a dead chaincode server restarted, upgrade with state intact, down leaves nothing', async (t) => {
  const net = await TestNetwork.create(t.context.dir, 'raft');
  let state: NetworkState | undefined;
  try {
    let started = Date.now();
    t.log((await net.network('up')).trim());
    t.log(`network up (3 Raft orderers, 2 peers) in ${seconds(started)} s`);

    let status = await net.status();
    t.is(status.profile, 'HenanRaft');
    t.is(status.nodes.length, 5);
    for (const node of status.nodes) {
      t.true(node.running, `${node.name} runs`);
      t.true(node.healthy, `${node.name} is healthy`);
      t.true((node.height ?? 0) >= 1, `${node.name} holds the channel`);
    }
    state = await net.state();
    const [province, city] = state.hosts.organisations as [NetworkState['hosts']['organisations'][number], NetworkState['hosts']['organisations'][number]];
    t.is(province.mspId, 'HenanProvinceMSP');

    // A second `up` over the running network is refused, and so is another network on its ports; neither starts anything.
    await t.throwsAsync(net.network('up'), { message: /already running/ });
    const clash = new TestNetwork(join(t.context.dir, 'clash'), net.offset);
    await t.throwsAsync(clash.network('up'), { message: /127\.0\.0\.1:\d+ \(for orderer0\.bigdata\.henan\.gov\.cn\) is already in use/ });
    t.false(existsSync(clash.workspace.root));
    t.deepEqual((await readState(net.workspace))?.processes, state.processes);
    t.is(city.mspId, 'ZhengzhouMSP');

    // Each organisation's profile names its peer at the offset port, the orderers, and only its own keys.
    for (const org of [province, city]) {
      const profile = JSON.parse(await readFile(net.workspace.connectionProfile(org.mspId), 'utf8')) as ConnectionProfile;
      t.is(profile.client.organization, org.mspId);
      t.is(profile.channel, 'henan-chain');
      t.is(profile.peers[profile.organizations[org.mspId]!.peers[0]!]!.url, `grpcs://127.0.0.1:${org.peers[0]!.port}`);
      t.is(Object.keys(profile.orderers).length, 3);
      const ids = profile.organizations[org.mspId]!.identities!;
      t.true(existsSync(ids.admin.certPath) && existsSync(ids.admin.keyPath) && existsSync(ids.client.keyPath));
      t.is(Object.values(profile.organizations).filter((o) => o.identities).length, 1);
    }

    started = Date.now();
    await net.chaincode('deploy', '--artifact', t.context.artifact);
    t.log(`chaincode deploy (both organisations, servers, governance) in ${seconds(started)} s`);
    const cli = await net.cli();
    t.deepEqual(JSON.parse(await cli.query(city, 'User1', 'agency:getConfig', [])), { governanceMspId: 'HenanProvinceMSP' });

    // Governance registers a Zhengzhou agency; MAJORITY needs both organisations' endorsements.
    const agency = registration(city.mspId);
    await cli.invoke(province, 'Admin', 'agency:register', [agency.json]);
    const read = JSON.parse(await cli.query(city, 'User1', 'agency:get', [agency.agencyId])) as { agencyId: string; mspId: string; status: string };
    t.like(read, { agencyId: agency.agencyId, mspId: 'ZhengzhouMSP', status: 'active' });
    // The city's admin is not governance: refused by the chaincode, nothing written.
    const other = registration(city.mspId);
    t.regex(await refusal(cli.invoke(city, 'Admin', 'agency:register', [other.json])), /FORBIDDEN/);
    t.regex(await refusal(cli.query(city, 'User1', 'agency:get', [other.agencyId])), /NOT_FOUND/);
    // Endorsed by the province's peer alone, a governance write is ordered and then invalidated (MAJORITY Endorsement).
    const alone = registration(city.mspId);
    const onlyProvince = [
      ...['chaincode', 'invoke', '-o', `127.0.0.1:${state.hosts.orderers.nodes[0]!.port}`, '--tls', '--cafile', net.workspace.ordererTlsCa(state.hosts)],
      ...['-C', 'henan-chain', '-n', 'henan-chain', '--peerAddresses', `127.0.0.1:${province.peers[0]!.port}`, '--tlsRootCertFiles', net.workspace.orgTlsCa(province)],
      ...['--waitForEvent', '-c', JSON.stringify({ function: 'agency:register', Args: [alone.json] })],
    ];
    t.regex(await refusal(run(toolPath(state.fabric, 'peer'), onlyProvince, peerCliEnv(net.workspace, state.fabric, province))), /ENDORSEMENT_POLICY_FAILURE/);
    t.regex(await refusal(cli.query(city, 'User1', 'agency:get', [alone.agencyId])), /NOT_FOUND/);

    // The supervisor brings a killed chaincode server back with no Fabric action.
    status = await net.status();
    logMemory(t, status);
    const server = status.nodes.find((n) => n.name === 'chaincode.ZhengzhouMSP')!;
    t.is(server.starts, 1);
    process.kill(server.pid, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    let answer: string | undefined;
    while (!answer && Date.now() < deadline) answer = await cli.query(city, 'User1', 'agency:get', [agency.agencyId]).catch(() => undefined);
    t.truthy(answer, 'the city peer answers again once its chaincode server is back');
    t.is((await net.status()).nodes.find((n) => n.name === 'chaincode.ZhengzhouMSP')!.starts, 2);

    // The upgrade starts the new servers beside the old ones: the chaincode answers all along.
    started = Date.now();
    let upgrading = true;
    let answered = 0;
    const failures: string[] = [];
    const upgraded = net.chaincode('upgrade').finally(() => (upgrading = false));
    while (upgrading) {
      await cli.query(city, 'User1', 'agency:get', [agency.agencyId]).then(
        () => answered++,
        (err: Error) => failures.push(err.message),
      );
    }
    await upgraded;
    // Fabric itself refuses an invoke in flight at the instant the new definition commits, whatever the
    // servers do (lifecycle/endorsement_info.go): a retry answers it. A gap of the servers would be another error.
    const definitionSwitch = /chaincode definition for 'henan-chain' changed during invoke/;
    t.log(`chaincode upgrade to sequence 2 (with its artifact build) in ${seconds(started)} s; ${answered} queries answered meanwhile, ${failures.length} met the definition switch`);
    t.deepEqual(failures.filter((message) => !definitionSwitch.test(message)), [], 'no query failed during the upgrade but at the definition switch');
    t.true(failures.length <= 2, `at most the queries in flight at the switch: ${failures.length}`);
    t.true(answered > 0);
    state = await net.state();
    t.is(state.chaincode?.sequence, 2);
    t.is(await cli.committedSequence(city), 2);
    t.like(JSON.parse(await cli.query(city, 'User1', 'agency:get', [agency.agencyId])), { agencyId: agency.agencyId, status: 'active' });
    t.deepEqual(JSON.parse(await cli.query(province, 'User1', 'agency:getConfig', [])), { governanceMspId: 'HenanProvinceMSP' });
    const after = registration(city.mspId);
    await cli.invoke(province, 'Admin', 'agency:register', [after.json]);
    t.like(JSON.parse(await cli.query(city, 'User1', 'agency:get', [after.agencyId])), { agencyId: after.agencyId });

    status = await net.status();
    logMemory(t, status);
    t.true(status.nodes.every((n) => n.running));
  } finally {
    state = (await readState(net.workspace)) ?? state;
    const started = Date.now();
    await net.network('down');
    t.log(`network down in ${seconds(started)} s`);
  }
  t.false(existsSync(net.workspace.root), 'down removes the network folder');
  await assertNothingLeft(t, state);
});

test.serial('Raft: with every process killed, up refuses and keeps the chain; start brings back the nodes and chaincode with the chain height and state', async (t) => {
  const net = await TestNetwork.create(t.context.dir, 'restart');
  let state: NetworkState | undefined;
  try {
    await net.network('up');
    await net.chaincode('deploy', '--artifact', t.context.artifact);
    const cli = await net.cli();
    state = await net.state();
    const [province, city] = state.hosts.organisations as [NetworkState['hosts']['organisations'][number], NetworkState['hosts']['organisations'][number]];
    const agency = registration(city.mspId);
    await cli.invoke(province, 'Admin', 'agency:register', [agency.json]);
    const heights = (await net.status()).nodes.filter((n) => n.height !== undefined).map((n) => n.height!);
    const height = Math.min(...heights);
    t.true(height > 1);

    // Every process and what it started dies at once, as in a crash of the machine.
    for (const record of state.processes) process.kill(-record.pid, 'SIGKILL');
    for (const record of state.processes) await waitFor(`${record.name} to die`, async () => groupMembers(record.pid).length === 0, 10_000);
    const ledger = net.workspace.nodeDir(`peer0.${city.domain}`);
    await t.throwsAsync(net.network('up'), { message: /holds a stopped network \(profile HenanRaft.*crypto material, ledgers of 5 nodes, chaincode sequence 1\)/ });
    t.true(existsSync(ledger) && existsSync(net.workspace.cryptoDir), 'the refused up kept ledgers and crypto');

    const started = Date.now();
    t.log((await net.network('start')).trim());
    t.log(`network start (5 nodes, chaincode servers) in ${seconds(started)} s`);
    const status = await net.status();
    t.is(status.nodes.length, 8, '5 nodes, the chaincode supervisor and its 2 servers');
    for (const node of status.nodes) t.true(node.running, `${node.name} runs again`);
    for (const node of status.nodes.filter((n) => n.height !== undefined)) t.true(node.height! >= height, `${node.name} keeps the chain (height ${node.height} of ${height})`);
    t.like(JSON.parse(await cli.query(city, 'User1', 'agency:get', [agency.agencyId])), { agencyId: agency.agencyId, status: 'active' });
    const after = registration(city.mspId);
    await cli.invoke(province, 'Admin', 'agency:register', [after.json]);
    t.like(JSON.parse(await cli.query(city, 'User1', 'agency:get', [after.agencyId])), { agencyId: after.agencyId });
    state = await net.state();
  } finally {
    state = (await readState(net.workspace)) ?? state;
    await net.network('down');
  }
  if (state) await assertNothingLeft(t, state);
});

test.serial('BFT: four SmartBFT orderers come up, the chaincode deploys and a two-organisation write commits', async (t) => {
  const net = await TestNetwork.create(t.context.dir, 'bft');
  let state: NetworkState | undefined;
  try {
    let started = Date.now();
    t.log((await net.network('up', '--consensus', 'bft')).trim());
    t.log(`network up (4 BFT orderers, 2 peers) in ${seconds(started)} s`);
    const status = await net.status();
    t.is(status.profile, 'HenanBFT');
    t.is(status.nodes.filter((n) => n.name.startsWith('orderer')).length, 4);
    t.true(status.nodes.every((n) => n.running && n.healthy));

    started = Date.now();
    await net.chaincode('deploy', '--artifact', t.context.artifact);
    t.log(`chaincode deploy on BFT in ${seconds(started)} s`);
    state = await net.state();
    const [province, city] = state.hosts.organisations as [NetworkState['hosts']['organisations'][number], NetworkState['hosts']['organisations'][number]];
    const cli = await net.cli();
    const agency = registration(city.mspId);
    await cli.invoke(province, 'Admin', 'agency:register', [agency.json]);
    t.like(JSON.parse(await cli.query(city, 'User1', 'agency:get', [agency.agencyId])), { agencyId: agency.agencyId, mspId: 'ZhengzhouMSP' });
    logMemory(t, await net.status());
  } finally {
    state = (await readState(net.workspace)) ?? state;
    await net.network('down');
  }
  await assertNothingLeft(t, state);
});
