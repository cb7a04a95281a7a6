import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMsp, issueIdentity } from '@henan-chain/embedded-ledger';
import { ConfigError } from '../../config';
import { loadConnectionProfile } from './profile';

const TLS_CA = '-----BEGIN CERTIFICATE-----\nTLSCA\n-----END CERTIFICATE-----\n';

/** A profile as `npm run network:up` writes it, with the users' files beside it (paths relative to the profile). */
async function writeProfile(dir: string, change: (profile: any) => void = () => {}): Promise<{ file: string; admin: { certificate: string; privateKey?: string }; client: { certificate: string; privateKey?: string } }> {
  const msp = await createMsp('ZhengzhouMSP', 'Zhengzhou');
  const admin = await issueIdentity(msp, { commonName: 'Admin@zhengzhou', nodeOU: 'admin' });
  const client = await issueIdentity(msp, { commonName: 'User1@zhengzhou', nodeOU: 'client' });
  await mkdir(join(dir, 'users'), { recursive: true });
  await writeFile(join(dir, 'users', 'admin-cert.pem'), admin.certificate);
  await writeFile(join(dir, 'users', 'admin_sk'), admin.privateKey!);
  await writeFile(join(dir, 'users', 'client-cert.pem'), client.certificate);
  await writeFile(join(dir, 'users', 'client_sk'), client.privateKey!);
  const files = (user: string) => ({ mspId: 'ZhengzhouMSP', certPath: `users/${user}-cert.pem`, keyPath: `users/${user}_sk` });
  const profile = {
    name: 'henan-chain-ZhengzhouMSP',
    version: '1.0.0',
    client: { organization: 'ZhengzhouMSP' },
    channel: 'henan-chain',
    chaincode: 'henan-chain',
    governanceMspId: 'HenanProvinceMSP',
    organizations: {
      HenanProvinceMSP: { mspid: 'HenanProvinceMSP', peers: ['peer0.province.henan.gov.cn'] },
      ZhengzhouMSP: { mspid: 'ZhengzhouMSP', peers: ['peer0.zhengzhou.henan.gov.cn'], identities: { admin: files('admin'), client: files('client') } },
    },
    peers: {
      'peer0.province.henan.gov.cn': { url: 'grpcs://127.0.0.1:7051', tlsCACerts: { path: '/nowhere', pem: 'other' }, grpcOptions: {} },
      'peer0.zhengzhou.henan.gov.cn': {
        url: 'grpcs://127.0.0.1:9051',
        tlsCACerts: { path: 'tlsca.pem' },
        grpcOptions: { 'ssl-target-name-override': 'peer0.zhengzhou.henan.gov.cn', hostnameOverride: 'peer0.zhengzhou.henan.gov.cn' },
      },
    },
    orderers: {},
  };
  await writeFile(join(dir, 'tlsca.pem'), TLS_CA);
  change(profile);
  const file = join(dir, 'ZhengzhouMSP.json');
  await writeFile(file, JSON.stringify(profile));
  return { file, admin, client };
}

test('a profile gives the organisation\u2019s peer, TLS root, channel, chaincode and both users', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hnc-profile-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { file, admin, client } = await writeProfile(dir);
  const connection = await loadConnectionProfile(file, 'ZhengzhouMSP');
  t.deepEqual(connection.peer, { name: 'peer0.zhengzhou.henan.gov.cn', address: '127.0.0.1:9051', tlsRootCert: TLS_CA, hostOverride: 'peer0.zhengzhou.henan.gov.cn' });
  t.like(connection, { mspId: 'ZhengzhouMSP', channel: 'henan-chain', chaincode: 'henan-chain', governanceMspId: 'HenanProvinceMSP' });
  t.deepEqual(connection.admin, { mspId: 'ZhengzhouMSP', certificate: admin.certificate, privateKey: admin.privateKey });
  t.deepEqual(connection.client, { mspId: 'ZhengzhouMSP', certificate: client.certificate, privateKey: client.privateKey });
});

test('every mistake in a profile is a ConfigError that says what to do', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hnc-profile-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const missing = join(dir, 'absent.json');
  await t.throwsAsync(loadConnectionProfile(missing, 'ZhengzhouMSP'), { instanceOf: ConfigError, message: /no connection profile at .*absent\.json.*network:up/ });

  const { file } = await writeProfile(dir);
  await t.throwsAsync(loadConnectionProfile(file, 'KaifengMSP'), { instanceOf: ConfigError, message: /has no organisation KaifengMSP \(it has HenanProvinceMSP, ZhengzhouMSP\)/ });
  await t.throwsAsync(loadConnectionProfile(file, 'HenanProvinceMSP'), { instanceOf: ConfigError, message: /no identities of HenanProvinceMSP/ });
  // The network is up, but the ordering organisation has no peer and so no profile: it is told which exist.
  await t.throwsAsync(loadConnectionProfile(join(dir, 'HenanBigDataMSP.json'), 'HenanBigDataMSP'), {
    instanceOf: ConfigError,
    message: /no connection profile for HenanBigDataMSP at .+: the network has profiles for ZhengzhouMSP \(organisations with a peer serve a gateway\)$/,
  });

  const plain = await writeProfile(dir, (p) => (p.peers['peer0.zhengzhou.henan.gov.cn'].url = 'grpc://127.0.0.1:9051'));
  await t.throwsAsync(loadConnectionProfile(plain.file, 'ZhengzhouMSP'), { instanceOf: ConfigError, message: /url: must be grpcs:\/\/host:port/ });

  const gone = await writeProfile(dir, (p) => (p.organizations.ZhengzhouMSP.identities.client.keyPath = 'users/lost_sk'));
  await t.throwsAsync(loadConnectionProfile(gone.file, 'ZhengzhouMSP'), { instanceOf: ConfigError, message: /cannot read the client key of ZhengzhouMSP at .*lost_sk \(ENOENT\)/ });

  await writeFile(file, '{"channel":');
  await t.throwsAsync(loadConnectionProfile(file, 'ZhengzhouMSP'), { instanceOf: ConfigError, message: /is not JSON/ });
});
