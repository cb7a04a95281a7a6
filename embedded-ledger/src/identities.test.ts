import test from 'ava';
import { webcrypto } from 'node:crypto';
import { Context, Contract } from 'fabric-contract-api';
import { ClientIdentity } from 'fabric-shim';
import { IdentityError } from './errors';
import { createMsp, issueIdentity } from './identities';
import { x509 } from './x509';
import { openTestLedger, text } from './test-support';

class Caller extends Contract {
  constructor() {
    super('Caller');
  }

  async describe(ctx: Context): Promise<string> {
    const id = ctx.clientIdentity;
    return JSON.stringify({ mspId: id.getMSPID(), id: id.getID(), unit: id.getAttributeValue('unit') });
  }
}

test('issued certificates carry the NodeOU, the CN and Fabric CA attributes, and chain to the MSP root', async (t) => {
  const msp = await createMsp('Org2MSP');
  const root = new x509.X509Certificate(msp.definition.rootCertificate);
  t.is(root.subject, 'C=CN, ST=Henan, O=Org2MSP, CN=ca.Org2MSP');
  t.true(root.getExtension(x509.BasicConstraintsExtension)?.ca);

  const admin = await issueIdentity(msp, { commonName: 'admin', nodeOU: 'admin', attributes: { unit: '证照科' } });
  const certificate = new x509.X509Certificate(admin.certificate);
  t.is(certificate.subject, 'C=CN, ST=Henan, O=Org2MSP, OU=admin, CN=admin');
  t.true(await certificate.verify({ publicKey: root.publicKey, signatureOnly: true }));
  t.is(text(new Uint8Array(certificate.getExtension('1.2.3.4.5.6.7.8.1')!.value)), '{"attrs":{"unit":"证照科"}}');
  t.regex(admin.privateKey!, /^-----BEGIN PRIVATE KEY-----/);

  // fabric-shim's own ClientIdentity parses it as on a peer.
  const stub = { getChannelID: () => 'henan', getTxID: () => 'tx', getCreator: () => ({ mspid: 'Org2MSP', idBytes: Buffer.from(admin.certificate) }) };
  const identity = new ClientIdentity(stub as never);
  t.is(identity.getAttributeValue('unit'), '证照科');
  t.is(identity.getID(), 'x509::/C=CN/ST=Henan/O=Org2MSP/OU=admin/CN=admin::/C=CN/ST=Henan/O=Org2MSP/CN=ca.Org2MSP');
});

test('ClientIdentity inside a contract sees the MSP id, the OU in getID() and the attributes', async (t) => {
  const { ledger, msp } = await openTestLedger(t, [Caller]);
  const clerk = await issueIdentity(msp, { commonName: '王五', nodeOU: 'client', attributes: { unit: '证照科' } });
  t.deepEqual(JSON.parse(text(await ledger.evaluate(clerk, 'describe', []))), {
    mspId: 'Org1MSP',
    id: 'x509::/C=CN/ST=Henan/O=河南省大数据管理局/OU=client/CN=王五::/C=CN/ST=Henan/O=河南省大数据管理局/CN=ca.Org1MSP',
    unit: '证照科',
  });
});

test('an identity from another CA under a known MSP id, or of an unknown MSP, is rejected', async (t) => {
  const { ledger } = await openTestLedger(t, [Caller]);
  const impostorCa = await createMsp('Org1MSP', '河南省大数据管理局');
  const impostor = await issueIdentity(impostorCa, { commonName: 'alice', nodeOU: 'client' });
  const height = await ledger.height();
  await t.throwsAsync(ledger.submit(impostor, 'describe', []), { instanceOf: IdentityError, message: /not issued by the root CA of MSP Org1MSP/ });
  await t.throwsAsync(ledger.evaluate(impostor, 'describe', []), { instanceOf: IdentityError });
  await t.throwsAsync(ledger.endorse(impostor, 'describe', []), { instanceOf: IdentityError });

  const stranger = await issueIdentity(await createMsp('Org9MSP'), { commonName: 'bob', nodeOU: 'client' });
  await t.throwsAsync(ledger.evaluate(stranger, 'describe', []), { instanceOf: IdentityError, message: /Org9MSP" is not a member of channel henan/ });
  await t.throwsAsync(ledger.evaluate({ ...stranger, mspId: 'Org1MSP', certificate: 'not a certificate' }, 'describe', []), {
    instanceOf: IdentityError,
  });
  t.is(await ledger.height(), height);
});

test('an identity without exactly one NodeOU role is rejected, as by an MSP with NodeOUs enabled', async (t) => {
  const { ledger, msp } = await openTestLedger(t, [Caller]);
  const ca = new x509.X509Certificate(msp.definition.rootCertificate);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(msp.caPrivateKey), algorithm, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  for (const subject of ['CN=no-role', 'OU=client, OU=admin, CN=two-roles']) {
    const certificate = await x509.X509CertificateGenerator.create({
      subject,
      issuer: ca.subjectName,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: algorithm,
    });
    await t.throwsAsync(ledger.evaluate({ mspId: 'Org1MSP', certificate: certificate.toString('pem') }, 'describe', []), {
      instanceOf: IdentityError,
      message: /exactly one client, peer, orderer or admin OU role/,
    });
  }
});

/** A certificate for Org1MSP signed by its root CA, built field by field. */
async function certificateOf(
  msp: Awaited<ReturnType<typeof createMsp>>,
  options: { subject: string; notBefore: Date; notAfter: Date; ca?: boolean },
): Promise<string> {
  const ca = new x509.X509Certificate(msp.definition.rootCertificate);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(msp.caPrivateKey), algorithm, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create({
    subject: options.subject,
    issuer: ca.subjectName,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: algorithm,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    extensions: options.ca ? [new x509.BasicConstraintsExtension(true, undefined, true)] : [],
  });
  return certificate.toString('pem');
}

test('a proposal from an expired certificate is refused, as by the peer’s ExpirationCheck filter, even after it was accepted', async (t) => {
  const { ledger, msp } = await openTestLedger(t, [Caller]);
  const day = 24 * 60 * 60 * 1000;
  const expired = await certificateOf(msp, { subject: 'OU=client, CN=expired', notBefore: new Date(Date.now() - 2 * day), notAfter: new Date(Date.now() - day) });
  const height = await ledger.height();
  for (const call of [
    () => ledger.submit({ mspId: 'Org1MSP', certificate: expired }, 'describe', []),
    () => ledger.evaluate({ mspId: 'Org1MSP', certificate: expired }, 'describe', []),
  ]) {
    await t.throwsAsync(call(), { instanceOf: IdentityError, message: 'proposal client identity expired' });
  }
  t.is(await ledger.height(), height);

  // Valid for two more seconds: accepted now, refused once it has expired, although the MSP's verdict is cached.
  const expiring = { mspId: 'Org1MSP', certificate: await certificateOf(msp, { subject: 'OU=client, CN=expiring', notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 2000) }) };
  t.is(JSON.parse(text(await ledger.evaluate(expiring, 'describe', []))).mspId, 'Org1MSP');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await t.throwsAsync(ledger.evaluate(expiring, 'describe', []), { instanceOf: IdentityError, message: 'proposal client identity expired' });
});

test('a CA certificate cannot be used as an identity, whatever OU it carries', async (t) => {
  const { ledger, msp } = await openTestLedger(t, [Caller]);
  const day = 24 * 60 * 60 * 1000;
  const intermediate = await certificateOf(msp, { subject: 'OU=admin, CN=ca2.Org1MSP', notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + day), ca: true });
  await t.throwsAsync(ledger.evaluate({ mspId: 'Org1MSP', certificate: intermediate }, 'describe', []), {
    instanceOf: IdentityError,
    message: /Certificate Authority equals true cannot be used as an identity/,
  });
});
