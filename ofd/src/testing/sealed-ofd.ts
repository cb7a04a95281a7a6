/**
 * Sealed OFDs made in tests with keys and certificates of their own (SM2, self-issued), in the
 * GB/T 38540 form: every part a real seal system writes (X.509 certificates, SESeal, SES_Signature
 * over Signature.xml, the references), so each verdict can be produced on purpose: a seal used
 * outside its validity, a signer the seal does not name, a certificate expired at signing, a seal
 * whose maker signature no longer holds. Never used outside tests.
 */
import { AsnSerializer } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Certificate, Name, RelativeDistinguishedName, SubjectPublicKeyInfo, TBSCertificate, Validity } from '@peculiar/asn1-x509';
import { type Sm2KeyPair, derOid, generateKeyPair, sign, sm3, utf8 } from '@henan-chain/crypto';
import { OID } from '../certificate';
import { SesHeader, SesPicture, SesPropertyV4, SesSealInfoV4, SesSealV4, SesSignatureV4, TbsSignV4 } from '../ses-schema';
import { CertificateList } from '../ses';
import { SAMPLES, sampleEntries, zipOf } from './ofd-files';

const der = (value: unknown) => new Uint8Array(AsnSerializer.serialize(value));
const buffer = (bytes: Uint8Array) => bytes.slice().buffer;

export interface MadeCertificate {
  der: Uint8Array;
  keys: Sm2KeyPair;
}

/** A self-issued SM2 certificate with this subject and validity. */
export function makeCertificate(commonName: string, notBefore: Date, notAfter: Date, keys: Sm2KeyPair = generateKeyPair()): MadeCertificate {
  const name = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: commonName }) })])]);
  const algorithm = new AlgorithmIdentifier({ algorithm: OID.sm2WithSm3 });
  const tbs = new TBSCertificate({
    version: 2,
    serialNumber: buffer(sm3(utf8(commonName)).subarray(0, 8)),
    signature: algorithm,
    issuer: name,
    validity: new Validity({ notBefore, notAfter }),
    subject: name,
    subjectPublicKeyInfo: new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: OID.ecPublicKey, parameters: buffer(derOid(OID.sm2)) }),
      subjectPublicKey: buffer(keys.publicKey),
    }),
  });
  const signature = sign(der(tbs), keys.privateKey);
  return { der: der(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: buffer(signature) })), keys };
}

export interface SealedOfdOptions {
  signTime?: Date;
  sealValid?: [Date, Date];
  signerValid?: [Date, Date];
  /** The seal lists the signer's certificate (default) or another one. */
  sealNamesSigner?: boolean;
  /** After the maker signed the seal, its picture is replaced (then the signer signs it as it is). */
  replacePictureAfterMaking?: boolean;
  /** The signed value is signed with this key instead of the signer's. */
  signWith?: Sm2KeyPair;
}

const YEAR = 365 * 86400_000;
const PICTURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...utf8('test seal picture')]);

/** An OFD (the DigitalSign sample's pages) sealed once with a GB/T 38540 seal made here. */
export async function makeSealedOfd(options: SealedOfdOptions = {}): Promise<{ file: Uint8Array; seal: Uint8Array; signer: MadeCertificate }> {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  for (const name of [...entries.keys()]) if (name.includes('/Signs/')) entries.delete(name);
  const protectedFiles = ['OFD.xml', 'Doc_0/Document.xml', 'Doc_0/Pages/Page_0/Content.xml', 'Doc_0/PublicRes.xml', 'Doc_0/Signs/Sign_0/Seal.esl'];
  const { seal, signer } = addSealedSignature(entries, 'Doc_0/Signs', protectedFiles, options);
  return { file: await zipOf(entries), seal, signer };
}

/**
 * Adds to `entries` a signature list `folder`/Signatures.xml with one signature (`folder`/Sign_0/…)
 * made with a new seal, protecting the files `protect` (its own Seal.esl among them if listed).
 */
export function addSealedSignature(entries: Map<string, Uint8Array>, folder: string, protect: string[], options: SealedOfdOptions = {}): { seal: Uint8Array; signer: MadeCertificate } {
  const signTime = options.signTime ?? new Date('2026-06-01T08:00:00Z');
  const [sealFrom, sealTo] = options.sealValid ?? [new Date(signTime.getTime() - YEAR), new Date(signTime.getTime() + YEAR)];
  const [signerFrom, signerTo] = options.signerValid ?? [new Date(signTime.getTime() - YEAR), new Date(signTime.getTime() + YEAR)];
  const maker = makeCertificate('河南省电子印章制作中心 (test)', new Date(signTime.getTime() - 2 * YEAR), new Date(signTime.getTime() + 2 * YEAR));
  const signer = makeCertificate('郑州市测试单位 (test signer)', signerFrom, signerTo);
  const listed = options.sealNamesSigner === false ? makeCertificate('someone else', signerFrom, signerTo).der : signer.der;

  const property = new SesPropertyV4();
  Object.assign(property, { type: 1, name: '郑州市测试单位公章', certListType: 1, createDate: sealFrom, validStart: sealFrom, validEnd: sealTo });
  property.certList = buffer(der(new CertificateList([buffer(listed)])));
  const info = new SesSealInfoV4();
  info.header = Object.assign(new SesHeader(), { id: 'ES', version: 4, vid: 'henan-chain-test' });
  info.esID = 'TEST-SEAL-0001';
  info.property = property;
  info.picture = Object.assign(new SesPicture(), { type: 'png', data: buffer(PICTURE), width: 40, height: 40 });
  const makerSignature = sign(der(info), maker.keys.privateKey);
  if (options.replacePictureAfterMaking) info.picture.data = buffer(Uint8Array.from([...PICTURE, ...utf8(' replaced')]));
  const seal = Object.assign(new SesSealV4(), { eSealInfo: info, cert: buffer(maker.der), signAlgID: OID.sm2WithSm3, signedValue: buffer(makerSignature) });
  const sealDer = der(seal);

  const sign0 = `${folder}/Sign_0`;
  entries.set(`${sign0}/Seal.esl`, sealDer);
  const ns = 'xmlns:ofd="http://www.ofdspec.org/2016"';
  const references = protect
    .map((path) => `<ofd:Reference FileRef="/${path}"><ofd:CheckValue>${Buffer.from(sm3(entries.get(path)!)).toString('base64')}</ofd:CheckValue></ofd:Reference>`)
    .join('');
  const signatureXml = utf8(
    `<?xml version="1.0" encoding="UTF-8"?><ofd:Signature ${ns}><ofd:SignedInfo><ofd:Provider ProviderName="henan-chain-test"/>` +
      `<ofd:SignatureMethod>${OID.sm2WithSm3}</ofd:SignatureMethod><ofd:SignatureDateTime>${signTime.toISOString()}</ofd:SignatureDateTime>` +
      `<ofd:References CheckMethod="${OID.sm3}">${references}</ofd:References><ofd:StampAnnot ID="1" PageRef="1" Boundary="50 50 40 40"/>` +
      `<ofd:Seal><ofd:BaseLoc>/${sign0}/Seal.esl</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo>` +
      `<ofd:SignedValue>/${sign0}/SignedValue.dat</ofd:SignedValue></ofd:Signature>`,
  );
  const tbs = Object.assign(new TbsSignV4(), { version: 4, eseal: seal, timeInfo: signTime, dataHash: buffer(sm3(signatureXml)), propertyInfo: `/${sign0}/Signature.xml` });
  const signature = sign(der(tbs), (options.signWith ?? signer.keys).privateKey);
  const signed = Object.assign(new SesSignatureV4(), { toSign: tbs, cert: buffer(signer.der), signatureAlgID: OID.sm2WithSm3, signature: buffer(signature) });
  entries.set(`${sign0}/Signature.xml`, signatureXml);
  entries.set(`${sign0}/SignedValue.dat`, der(signed));
  entries.set(`${folder}/Signatures.xml`, utf8(`<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures ${ns}><ofd:Signature ID="1" Type="Seal" BaseLoc="/${sign0}/Signature.xml"/></ofd:Signatures>`));
  return { seal: sealDer, signer };
}
