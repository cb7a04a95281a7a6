import test from 'ava';
import { ClientIdentity } from 'fabric-shim';
import './client-certificates';
import { createMsp, issueIdentity } from './identities';

const { Certificate } = require(require.resolve('@fidm/x509', { paths: [require.resolve('fabric-shim')] })) as {
  Certificate: { fromPEM(pem: string): unknown };
};

function stubOf(mspId: string, certificate: string) {
  return { getChannelID: () => 'henan', getTxID: () => 'tx', getCreator: () => ({ mspid: mspId, idBytes: Buffer.from(certificate) }) } as never;
}

test('a certificate is parsed once and kept; each ClientIdentity still reads its own creator', async (t) => {
  const msp = await createMsp('Org3MSP');
  const alice = await issueIdentity(msp, { commonName: 'alice', nodeOU: 'client', attributes: { unit: '证照科' } });
  const bob = await issueIdentity(msp, { commonName: 'bob', nodeOU: 'admin' });
  t.is(Certificate.fromPEM(alice.certificate), Certificate.fromPEM(alice.certificate), 'the parsed certificate is kept');
  t.not(Certificate.fromPEM(alice.certificate), Certificate.fromPEM(bob.certificate));

  for (let round = 0; round < 2; round++) {
    const a = new ClientIdentity(stubOf('Org3MSP', alice.certificate));
    const b = new ClientIdentity(stubOf('Org3MSP', bob.certificate));
    t.is(a.getID(), 'x509::/C=CN/ST=Henan/O=Org3MSP/OU=client/CN=alice::/C=CN/ST=Henan/O=Org3MSP/CN=ca.Org3MSP');
    t.is(a.getAttributeValue('unit'), '证照科');
    t.is(b.getID(), 'x509::/C=CN/ST=Henan/O=Org3MSP/OU=admin/CN=bob::/C=CN/ST=Henan/O=Org3MSP/CN=ca.Org3MSP');
    t.is(b.getAttributeValue('unit'), null);
  }
});

test('a certificate that does not parse throws every time', (t) => {
  const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  t.throws(() => Certificate.fromPEM(broken));
  t.throws(() => Certificate.fromPEM(broken));
});
