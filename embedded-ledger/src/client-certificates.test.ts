import test from 'ava';
import { createRequire } from 'node:module';
import { ClientIdentity } from 'fabric-shim';
import './client-certificates';
import { createMsp, issueIdentity } from './identities';

const { Certificate } = createRequire(require.resolve('fabric-shim'))('@fidm/x509') as { Certificate: { fromPEM(pem: string): object } };

test('a creator certificate is parsed once, and every ClientIdentity made from it is what a fresh parse gives', async (t) => {
  const msp = await createMsp('Org3MSP');
  const [clerk, auditor] = await Promise.all([
    issueIdentity(msp, { commonName: 'clerk', nodeOU: 'client', attributes: { unit: '证照科' } }),
    issueIdentity(msp, { commonName: 'auditor', nodeOU: 'client', attributes: { unit: '审计科' } }),
  ]);
  t.is(Certificate.fromPEM(clerk.certificate), Certificate.fromPEM(clerk.certificate));
  t.not(Certificate.fromPEM(clerk.certificate), Certificate.fromPEM(auditor.certificate));

  const identityOf = (certificate: string) =>
    new ClientIdentity({ getChannelID: () => 'henan', getTxID: () => 'tx', getCreator: () => ({ mspid: 'Org3MSP', idBytes: Buffer.from(certificate) }) } as never);
  for (const [who, unit] of [[clerk, '证照科'], [auditor, '审计科'], [clerk, '证照科']] as const) {
    const identity = identityOf(who.certificate);
    t.is(identity.getAttributeValue('unit'), unit);
    t.regex(identity.getID(), new RegExp(`^x509::/C=CN/ST=Henan/O=Org3MSP/OU=client/CN=${who === clerk ? 'clerk' : 'auditor'}::`));
  }
});

test('a PEM that is not a certificate fails on every parse', (t) => {
  const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  t.throws(() => Certificate.fromPEM(broken));
  t.throws(() => Certificate.fromPEM(broken));
});
