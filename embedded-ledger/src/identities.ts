import { webcrypto } from 'node:crypto';
import { x509 } from './x509';

/** An organisation's membership service provider as the channel knows it: its id and root CA. */
export interface MspDefinition {
  mspId: string;
  /** PEM. */
  rootCertificate: string;
}

/** A Fabric identity: an X.509 certificate issued by an MSP's CA, and optionally its private key. */
export interface Identity {
  mspId: string;
  /** PEM. */
  certificate: string;
  /** PKCS#8 PEM, ECDSA P-256. */
  privateKey?: string;
}

/** An MSP together with its CA key, so it can issue identities. */
export interface MspAuthority {
  definition: MspDefinition;
  /** PKCS#8 PEM, ECDSA P-256. */
  caPrivateKey: string;
}

/** Fabric identities stay ECDSA P-256 with SHA-256 (standard Fabric has no SM2 MSP). */
const ECDSA: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** cryptogen gives its CAs and certificates ten years (internal/cryptogen/ca/ca.go). */
const VALIDITY_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** Fabric CA's attribute extension: the value is the raw JSON `{"attrs":{...}}` (lib/attrmgr/attrmgr.go). */
const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

/** The subject prefix of every certificate here: where the province's organisations are. */
const LOCALITY = 'C=CN, ST=Henan';

/**
 * Creates an MSP: a self-signed ECDSA P-256 root CA (`CN=ca.<mspId>`, O = the organisation), marked as a
 * CA by basicConstraints and carrying a subject key identifier, as Fabric's MSP setup requires of a CA.
 */
export async function createMsp(mspId: string, organisationName: string = mspId): Promise<MspAuthority> {
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const notBefore = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: [...subjectPrefix(organisationName), { CN: [`ca.${mspId}`] }],
    keys,
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_MS),
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    definition: { mspId, rootCertificate: certificate.toString('pem') },
    caPrivateKey: await exportPrivateKey(keys.privateKey),
  };
}

/**
 * Issues an identity of the MSP. The subject carries OU = the NodeOU role (client, admin or peer, as
 * cryptogen and Fabric CA write it) and CN; attributes go into Fabric CA's attribute extension, so
 * `ctx.clientIdentity.getAttributeValue(name)` reads them exactly as on a peer.
 */
export async function issueIdentity(
  msp: MspAuthority,
  options: { commonName: string; nodeOU: 'client' | 'admin' | 'peer'; attributes?: Record<string, string> },
): Promise<Identity> {
  const ca = new x509.X509Certificate(msp.definition.rootCertificate);
  const caKey = await importPrivateKey(msp.caPrivateKey);
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const organisation = ca.subjectName.getField('O')[0] ?? msp.definition.mspId;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.AuthorityKeyIdentifierExtension.create(ca, false),
  ];
  if (options.attributes) {
    const value = Buffer.from(JSON.stringify({ attrs: options.attributes }), 'utf8');
    extensions.push(new x509.Extension(FABRIC_ATTRIBUTES_OID, false, value));
  }
  const notBefore = new Date();
  const certificate = await x509.X509CertificateGenerator.create({
    subject: [...subjectPrefix(organisation), { OU: [options.nodeOU] }, { CN: [options.commonName] }],
    issuer: ca.subjectName,
    publicKey: keys.publicKey,
    signingKey: caKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_MS),
    signingAlgorithm: ECDSA,
    extensions,
  });
  return {
    mspId: msp.definition.mspId,
    certificate: certificate.toString('pem'),
    privateKey: await exportPrivateKey(keys.privateKey),
  };
}

function subjectPrefix(organisation: string): x509.JsonName {
  return [...new x509.Name(LOCALITY).toJSON(), { O: [organisation] }];
}

async function exportPrivateKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), ECDSA, false, ['sign']);
}
