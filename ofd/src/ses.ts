/**
 * SignedValue.dat and Seal.esl decoded into one shape whatever their form (GM/T 0031 V1 or
 * GB/T 38540 V4), with the exact bytes each signature covers:
 * - the signature of SES_Signature covers DER(TBS_Sign) as it sits in the file;
 * - the maker's signature of a V4 SESeal covers DER(SES_SealInfo); of a V1 seal it covers
 *   SEQUENCE { esealInfo, cert, signatureAlgorithm }: the seal info with the maker's certificate and
 *   algorithm (SES_SignInfo less its signature). Both checked against real seals (the samples).
 * A value that is not DER of one of these forms, or has bytes after it, is a `SesFormatError`.
 */
import * as asn1js from 'asn1js';
import { AsnArray, AsnParser, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { derOctetString, derOid, derSequence } from '@henan-chain/crypto';
import { CertDigest, SesSealV1, SesSealV4, SesSignatureV1, SesSignatureV4 } from './ses-schema';

/** A signed value or seal that cannot be decoded. Reported as the signature's `malformed` finding. */
export class SesFormatError extends Error {
  override readonly name = 'SesFormatError';
}

/** Signed values and seals larger than this are refused before decoding (real ones are tens of KB). */
export const MAX_SES_BYTES = 4 * 1024 * 1024;

export type SesForm = 'GM/T 0031' | 'GB/T 38540';

/** How a seal names the certificates that may sign with it. */
export type SignerList = { kind: 'certificates'; certificates: Uint8Array[] } | { kind: 'digests'; digests: { algorithm: string; value: Uint8Array }[] };

/** 电子印章 (SESeal) */
export interface ElectronicSeal {
  form: SesForm;
  version: number;
  vendor: string;
  /** 印章编码 */
  esId: string;
  /** 印章类型 as the seal states it (a number whose meaning the issuing system defines). */
  type: number;
  name: string;
  signers: SignerList;
  createDate: Date;
  validStart: Date;
  validEnd: Date;
  picture: { type: string; data: Uint8Array; width: number; height: number };
  makerCertificate: Uint8Array;
  makerAlgorithm: string;
  makerSignature: Uint8Array;
  /** The bytes the maker signed. */
  makerSigned: Uint8Array;
  /** DER of the whole seal, as embedded. */
  der: Uint8Array;
}

/** 电子签章 (SES_Signature) */
export interface ElectronicSignature {
  form: SesForm;
  version: number;
  seal: ElectronicSeal;
  /** The sign time the signature states, undefined when its text is not a time. */
  signTime: Date | undefined;
  signTimeText: string;
  /** SM3 of the signed content (the Signature.xml file). */
  dataHash: Uint8Array;
  propertyInfo: string;
  signerCertificate: Uint8Array;
  algorithm: string;
  signature: Uint8Array;
  /** The bytes the signer signed: DER of TBS_Sign. */
  signed: Uint8Array;
  hasTimeStamp: boolean;
}

const bytes = (buffer: ArrayBuffer | Uint8Array) => (buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer));

/** A V4 seal's list of signer certificates (certListType 1). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.OctetString })
export class CertificateList extends AsnArray<ArrayBuffer> {}

@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertDigest })
class CertDigestList extends AsnArray<CertDigest> {}

/**
 * asn1js.fromBER on untrusted bytes. It reports most faults in its result but throws plain Errors
 * for some (a GeneralizedTime or UTCTime whose digits are not digits): both become SesFormatError.
 */
export function fromBer(der: Uint8Array, what: string): ReturnType<typeof asn1js.fromBER> {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(der);
  } catch (err) {
    throw new SesFormatError(`${what} is not DER: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (parsed.offset === -1 || parsed.result.error) throw new SesFormatError(`${what} is not DER: ${parsed.result.error || 'cut short'}`);
  return parsed;
}

/** One whole DER value: its top element and the version INTEGER that opens its first SEQUENCE. */
function outline(der: Uint8Array, what: string): { version: number | undefined } {
  if (der.length > MAX_SES_BYTES) throw new SesFormatError(`${what} is ${der.length} bytes, more than the ${MAX_SES_BYTES} allowed`);
  const parsed = fromBer(der, what);
  if (parsed.offset !== der.length) throw new SesFormatError(`${what} has ${der.length - parsed.offset} byte(s) after its DER value`);
  const first = (parsed.result as asn1js.Sequence).valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const inner = first?.valueBlock?.value?.[0];
  return { version: inner instanceof asn1js.Integer ? inner.valueBlock.valueDec : undefined };
}

function parse<T>(der: Uint8Array, target: new () => T, what: string): T {
  try {
    return AsnParser.parse(der, target);
  } catch (err) {
    throw new SesFormatError(`${what} does not have the ${target.name} structure: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function sealV1(seal: SesSealV1, der: Uint8Array): ElectronicSeal {
  const info = seal.esealInfo;
  return {
    form: 'GM/T 0031',
    version: info.header.version,
    vendor: info.header.vid,
    esId: info.esID,
    type: info.property.type,
    name: info.property.name,
    signers: { kind: 'certificates', certificates: info.property.certList.map(bytes) },
    createDate: info.property.createDate,
    validStart: info.property.validStart,
    validEnd: info.property.validEnd,
    picture: { type: info.picture.type, data: bytes(info.picture.data), width: info.picture.width, height: info.picture.height },
    makerCertificate: bytes(seal.signInfo.cert),
    makerAlgorithm: seal.signInfo.signatureAlgorithm,
    makerSignature: bytes(seal.signInfo.signData),
    makerSigned: derSequence(seal.esealInfoRaw!, derOctetString(bytes(seal.signInfo.cert)), derOid(seal.signInfo.signatureAlgorithm)),
    der,
  };
}

function signerListV4(type: number, list: ArrayBuffer): SignerList {
  if (type === 1) return { kind: 'certificates', certificates: [...parse(bytes(list), CertificateList, 'the seal\u2019s certificate list')].map(bytes) };
  if (type === 2) {
    return { kind: 'digests', digests: [...parse(bytes(list), CertDigestList, 'the seal\u2019s certificate digest list')].map((d) => ({ algorithm: d.type, value: bytes(d.value) })) };
  }
  throw new SesFormatError(`the seal\u2019s certListType is ${type}; GB/T 38540 defines 1 (certificates) and 2 (digests)`);
}

function sealV4(seal: SesSealV4, der: Uint8Array): ElectronicSeal {
  const info = seal.eSealInfo;
  const cert = bytes(seal.cert);
  return {
    form: 'GB/T 38540',
    version: info.header.version,
    vendor: info.header.vid,
    esId: info.esID,
    type: info.property.type,
    name: info.property.name,
    signers: signerListV4(info.property.certListType, info.property.certList),
    createDate: info.property.createDate,
    validStart: info.property.validStart,
    validEnd: info.property.validEnd,
    picture: { type: info.picture.type, data: bytes(info.picture.data), width: info.picture.width, height: info.picture.height },
    makerCertificate: cert,
    makerAlgorithm: seal.signAlgID,
    makerSignature: bytes(seal.signedValue),
    makerSigned: seal.eSealInfoRaw!,
    der,
  };
}

/** A seal file (Seal.esl) in either form. */
export function decodeSeal(der: Uint8Array): ElectronicSeal {
  outline(der, 'the seal');
  // A V4 seal has three parts after the seal info, a V1 seal one (SES_SignInfo).
  try {
    return sealV4(AsnParser.parse(der, SesSealV4), der);
  } catch {
    return sealV1(parse(der, SesSealV1, 'the seal'), der);
  }
}

/** The text of a V1 time: GeneralizedTime or UTCTime digits, or `yyyy-MM-dd HH:mm:ss`, read as UTC when no zone is given. */
export function parseSignTime(text: string): Date | undefined {
  const digits = /^(\d{4}|\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z?$/.exec(text);
  const dashed = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/.exec(text);
  const m = digits ?? dashed;
  if (!m) return undefined;
  const year = m[1]!.length === 2 ? 2000 + Number(m[1]) - (Number(m[1]) >= 50 ? 100 : 0) : Number(m[1]);
  const time = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** SignedValue.dat of an electronic seal signature, either form. */
export function decodeSignature(der: Uint8Array): ElectronicSignature {
  const { version } = outline(der, 'the signed value');
  if (version === 4) {
    const s = parse(der, SesSignatureV4, 'the signed value (GB/T 38540)');
    const tbs = s.toSign;
    return {
      form: 'GB/T 38540',
      version,
      seal: sealV4(tbs.eseal, tbs.esealRaw!),
      signTime: tbs.timeInfo,
      signTimeText: tbs.timeInfo.toISOString(),
      dataHash: bytes(tbs.dataHash),
      propertyInfo: tbs.propertyInfo,
      signerCertificate: bytes(s.cert),
      algorithm: s.signatureAlgID,
      signature: bytes(s.signature),
      signed: s.toSignRaw!,
      hasTimeStamp: s.timeStamp !== undefined,
    };
  }
  if (version !== undefined && version >= 1 && version <= 3) {
    const s = parse(der, SesSignatureV1, 'the signed value (GM/T 0031)');
    const tbs = s.toSign;
    const timeText = new TextDecoder().decode(bytes(tbs.timeInfo));
    return {
      form: 'GM/T 0031',
      version,
      seal: sealV1(tbs.eseal, tbs.esealRaw!),
      signTime: parseSignTime(timeText),
      signTimeText: timeText,
      dataHash: bytes(tbs.dataHash),
      propertyInfo: tbs.propertyInfo,
      signerCertificate: bytes(tbs.cert),
      algorithm: tbs.signatureAlgorithm,
      signature: bytes(s.signature),
      signed: s.toSignRaw!,
      hasTimeStamp: false,
    };
  }
  throw new SesFormatError(`the signed value is not an SES_Signature of version 1 to 4 (version ${version ?? 'missing'})`);
}
