import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { chaincodePort, endpointsOf, governanceOf, loadHosts, profileOf, withPortOffset } from './hosts';
import { hostsFile } from './workspace';

/** The repository's hosts file as data, for variations of it. */
function plan(): Record<string, any> {
  return parse(readFileSync(hostsFile, 'utf8'));
}

async function loadVariant(change: (hosts: Record<string, any>) => void): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'hnc-hosts-'));
  try {
    const hosts = plan();
    change(hosts);
    const file = join(dir, 'hosts.yaml');
    await writeFile(file, stringify(hosts));
    return await loadHosts(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the consortium: the big-data centre orders with 3 Raft or 4 BFT orderers, the province governs, Zhengzhou joins', async (t) => {
  const hosts = await loadHosts(hostsFile);
  t.is(hosts.channel, 'henan-chain');
  t.is(hosts.orderers.mspId, 'HenanBigDataMSP');
  t.deepEqual(profileOf(hosts, 'HenanRaft'), { consensus: 'etcdraft', consenters: ['orderer0', 'orderer1', 'orderer2'] });
  t.deepEqual(profileOf(hosts, 'HenanBFT'), { consensus: 'BFT', consenters: ['orderer0', 'orderer1', 'orderer2', 'orderer3'] });
  t.deepEqual(hosts.organisations.map((o) => o.mspId), ['HenanProvinceMSP', 'ZhengzhouMSP']);
  t.is(governanceOf(hosts).mspId, 'HenanProvinceMSP');
  t.is(hosts.chaincode.endorsementPolicy, 'MAJORITY Endorsement');
  t.throws(() => profileOf(hosts, 'Solo'), { message: /no profile Solo.*HenanRaft, HenanBFT/ });
});

test('a port offset moves every endpoint by the same amount and refuses to leave the port range', async (t) => {
  const hosts = await loadHosts(hostsFile);
  const moved = withPortOffset(hosts, 1000);
  const before = [...endpointsOf(hosts)];
  const after = [...endpointsOf(moved)];
  t.is(after.length, before.length);
  after.forEach(([owner, host, port], i) => t.deepEqual([owner, host, port], [before[i]![0], before[i]![1], before[i]![2] + 1000]));
  t.throws(() => withPortOffset(hosts, 60000), { message: /leaves the range/ });
  t.is(hosts.orderers.nodes[0]!.port, 7050, 'the plan itself is unchanged');
});

test('a profile limits the endpoints to its consenters', async (t) => {
  const hosts = await loadHosts(hostsFile);
  const owners = (consenters?: string[]) => new Set([...endpointsOf(hosts, consenters)].map(([owner]) => owner));
  t.false(owners(profileOf(hosts, 'HenanRaft').consenters).has('orderer3.bigdata.henan.gov.cn'));
  t.true(owners(profileOf(hosts, 'HenanBFT').consenters).has('orderer3.bigdata.henan.gov.cn'));
  t.true(owners().has('peer0.zhengzhou.henan.gov.cn'));
});

test('chaincode servers use their two ports by turns, one sequence after another', async (t) => {
  const org = (await loadHosts(hostsFile)).organisations[0]!;
  t.deepEqual([1, 2, 3, 4].map((sequence) => chaincodePort(org, sequence)), [9999, 9997, 9999, 9997]);
});

test('a hosts file with a mistake is refused, naming where the mistake is', async (t) => {
  await t.throwsAsync(loadVariant((h) => (h.orderers.nodes[1].adminPort = h.orderers.nodes[0].adminPort)), {
    message: /orderer1\.bigdata\.henan\.gov\.cn and orderer0\.bigdata\.henan\.gov\.cn both use 127\.0\.0\.1:7053/,
  });
  await t.throwsAsync(loadVariant((h) => h.profiles.HenanRaft.consenters.push('orderer9')), { message: /profiles\.HenanRaft: unknown orderer orderer9/ });
  await t.throwsAsync(loadVariant((h) => (h.organisations[1].governance = true)), { message: /exactly one organisation must be the governance organisation/ });
  await t.throwsAsync(loadVariant((h) => (h.organisations[0].peers[0].port = 70000)), { message: /organisations\.0\.peers\.0\.port/ });
  await t.throwsAsync(loadVariant((h) => (h.channel = 'Henan Chain')), { message: /channel: must be a valid Fabric channel name/ });
  await t.throwsAsync(loadVariant((h) => (h.organisations[0].chaincodeServer.ports = [9999])), { message: /chaincodeServer\.ports/ });
  await t.throwsAsync(loadVariant((h) => (h.organisations[0].extra = 1)), { message: /organisations\.0/ });
});
