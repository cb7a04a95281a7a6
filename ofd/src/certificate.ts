/**
 * The X.509 certificates an electronic seal carries (the seal maker's, the signer's), read with
 * @peculiar/asn1-x509: subject, serial, validity and the SM2 public key the signatures are
 * checked with. Validity is judged at a given time (the signing time), not the clock.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate, type Name } from '@peculiar/asn1-x509';
import { toHex } from '@henan-chain/crypto';

export const OID = {
  sm2: '1.2.156.10197.1.301',
  sm3: '1.2.156.10197.1.401',
  sm2WithSm3: '1.2.156.10197.1.501',
  ecPublicKey: '1.2.840.10045.2.1',
} as const;

/** What a verdict needs of a certificate. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  signatureAlgorithm: string;
  /** 04||x||y, undefined when the key is not an SM2 key. */
  sm2PublicKey: Uint8Array | undefined;
  /** The signed part, to check the certificate's own signature against its issuer. */
  tbs: Uint8Array;
  signature: Uint8Array;
}

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

function nameText(name: Name): string {
  return name
    .flatMap((rdn) => rdn.map((atv) => `${NAME_LABELS[atv.type] ?? atv.type}=${atv.value.toString()}`))
    .join(', ');
}

/** The certificate's facts; throws when the bytes are not an X.509 certificate. */
export function readCertificate(der: Uint8Array): CertificateFacts {
  const cert = AsnParser.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const spki = tbs.subjectPublicKeyInfo;
  const key = new Uint8Array(spki.subjectPublicKey);
  // SM2 keys are marked either as SM2 or as an EC key with the SM2 curve as parameter (GM/T 0015).
  const curve = spki.algorithm.parameters ? new Uint8Array(spki.algorithm.parameters) : undefined;
  const sm2Curve = curve !== undefined && toHex(curve) === '06082a811ccf5501822d';
  const isSm2 = (spki.algorithm.algorithm === OID.sm2 || (spki.algorithm.algorithm === OID.ecPublicKey && sm2Curve)) && key.length === 65 && key[0] === 4;
  return {
    subject: nameText(tbs.subject),
    issuer: nameText(tbs.issuer),
    serialNumber: toHex(new Uint8Array(tbs.serialNumber)),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    sm2PublicKey: isSm2 ? key : undefined,
    tbs: new Uint8Array(cert.tbsCertificateRaw ?? new ArrayBuffer(0)),
    signature: new Uint8Array(cert.signatureValue),
  };
}

/** Whether the certificate was valid at `time` (notBefore ≤ time ≤ notAfter). */
export function validAt(cert: CertificateFacts, time: Date): boolean {
  return cert.notBefore.getTime() <= time.getTime() && time.getTime() <= cert.notAfter.getTime();
}
