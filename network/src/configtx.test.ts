import test from 'ava';
import { configtx } from './configtx';
import { cryptoConfig } from './crypto-config';
import { loadHosts, withPortOffset } from './hosts';
import { hostsFile, Workspace } from './workspace';

const workspace = new Workspace('/srv/hnc-fabric');

async function profiles(offset = 0): Promise<Record<string, any>> {
  const hosts = withPortOffset(await loadHosts(hostsFile), offset);
  return (configtx(workspace, hosts) as { Profiles: Record<string, any> }).Profiles;
}

test('HenanRaft: three etcdraft consenters on the orderers’ TLS listeners, and only they as orderer endpoints', async (t) => {
  const raft = (await profiles(100)).HenanRaft;
  t.is(raft.Orderer.OrdererType, 'etcdraft');
  t.deepEqual(
    raft.Orderer.EtcdRaft.Consenters.map((c: any) => `${c.Host}:${c.Port}`),
    ['127.0.0.1:7150', '127.0.0.1:7160', '127.0.0.1:7170'],
  );
  t.is(raft.Orderer.EtcdRaft.Consenters[0].ServerTLSCert, '/srv/hnc-fabric/crypto/ordererOrganizations/bigdata.henan.gov.cn/orderers/orderer0.bigdata.henan.gov.cn/tls/server.crt');
  t.deepEqual(raft.Orderer.Organizations[0].OrdererEndpoints, ['127.0.0.1:7150', '127.0.0.1:7160', '127.0.0.1:7170']);
  // Fabric 3: channel capability V3_0, and no global Orderer.Addresses (configtxgen refuses it with V3_0).
  t.deepEqual(raft.Capabilities, { V3_0: true });
  t.false('Addresses' in raft.Orderer);
});

test('HenanBFT: four SmartBFT consenters with ids, identities and TLS certificates', async (t) => {
  const bft = (await profiles()).HenanBFT;
  t.is(bft.Orderer.OrdererType, 'BFT');
  t.deepEqual(bft.Orderer.ConsenterMapping.map((c: any) => c.ID), [1, 2, 3, 4]);
  t.true(bft.Orderer.ConsenterMapping.every((c: any) => c.MSPID === 'HenanBigDataMSP' && c.Identity.endsWith('-cert.pem') && c.ClientTLSCert === c.ServerTLSCert));
  t.is(bft.Orderer.Organizations[0].OrdererEndpoints.length, 4);
});

test('the application: both organisations with role policies and anchor peers, MAJORITY Endorsement for chaincode and lifecycle', async (t) => {
  const app = (await profiles(100)).HenanRaft.Application;
  t.deepEqual(app.Organizations.map((o: any) => o.ID), ['HenanProvinceMSP', 'ZhengzhouMSP']);
  t.deepEqual(app.Organizations.map((o: any) => o.AnchorPeers), [[{ Host: '127.0.0.1', Port: 7151 }], [{ Host: '127.0.0.1', Port: 9151 }]]);
  t.is(app.Organizations[1].Policies.Endorsement.Rule, "OR('ZhengzhouMSP.peer')");
  t.is(app.Organizations[1].Policies.Admins.Rule, "OR('ZhengzhouMSP.admin')");
  t.deepEqual(app.Policies.Endorsement, { Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
  t.deepEqual(app.Policies.LifecycleEndorsement, { Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
});

test('cryptogen: NodeOUs for every organisation, TLS names for the host, 127.0.0.1 and localhost, a client user per application organisation', async (t) => {
  const config = cryptoConfig(await loadHosts(hostsFile)) as Record<string, any>;
  t.deepEqual(config.OrdererOrgs[0].Specs.map((s: any) => s.Hostname), ['orderer0', 'orderer1', 'orderer2', 'orderer3']);
  t.deepEqual(config.OrdererOrgs[0].Specs[0].SANS, ['127.0.0.1', 'localhost']);
  t.true([...config.OrdererOrgs, ...config.PeerOrgs].every((o: any) => o.EnableNodeOUs === true));
  t.deepEqual(config.PeerOrgs.map((o: any) => [o.Domain, o.Users.Count]), [['province.henan.gov.cn', 1], ['zhengzhou.henan.gov.cn', 1]]);
});
