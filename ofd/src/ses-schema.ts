/**
 * ASN.1 of the electronic seal and the electronic signature (电子印章 SESeal, 电子签章 SES_Signature)
 * in both forms in use: GM/T 0031-2014 (version 1 to 3, "V1") and GB/T 38540-2020 (version 4).
 * Declared with @peculiar/asn1-schema; every part that is signed is also kept as its raw DER
 * (`…Raw`), so signatures are checked over exactly the bytes that were signed, never a re-encoding.
 */
import { AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';

/** SES_Header: "ES", the format version, the vendor's id. */
export class SesHeader {
  @AsnProp({ type: AsnPropTypes.IA5String }) id = '';
  @AsnProp({ type: AsnPropTypes.Integer }) version = 0;
  @AsnProp({ type: AsnPropTypes.IA5String }) vid = '';
}

/** SES_ESPictrueInfo (sic): the seal picture. */
export class SesPicture {
  @AsnProp({ type: AsnPropTypes.IA5String }) type = '';
  @AsnProp({ type: AsnPropTypes.OctetString }) data = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Integer }) width = 0;
  @AsnProp({ type: AsnPropTypes.Integer }) height = 0;
}

/** GM/T 0031 SES_ESPropertyInfo: the signer certificates listed directly, times as UTCTime. */
export class SesPropertyV1 {
  @AsnProp({ type: AsnPropTypes.Integer }) type = 0;
  @AsnProp({ type: AsnPropTypes.Utf8String }) name = '';
  @AsnProp({ type: AsnPropTypes.OctetString, repeated: 'sequence' }) certList: ArrayBuffer[] = [];
  @AsnProp({ type: AsnPropTypes.UTCTime }) createDate = new Date(0);
  @AsnProp({ type: AsnPropTypes.UTCTime }) validStart = new Date(0);
  @AsnProp({ type: AsnPropTypes.UTCTime }) validEnd = new Date(0);
}

/**
 * GB/T 38540 SES_ESPropertyInfo: certListType 1 lists certificates, 2 lists certificate digests
 * (CertDigestObj); the list is read raw here and decoded by its type. Times as GeneralizedTime.
 */
export class SesPropertyV4 {
  @AsnProp({ type: AsnPropTypes.Integer }) type = 0;
  @AsnProp({ type: AsnPropTypes.Utf8String }) name = '';
  @AsnProp({ type: AsnPropTypes.Integer }) certListType = 0;
  @AsnProp({ type: AsnPropTypes.Any }) certList = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) createDate = new Date(0);
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) validStart = new Date(0);
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) validEnd = new Date(0);
}

/** CertDigestObj of a V4 certificate digest list. */
export class CertDigest {
  @AsnProp({ type: AsnPropTypes.PrintableString }) type = '';
  @AsnProp({ type: AsnPropTypes.OctetString }) value = new ArrayBuffer(0);
}

/** SES_SealInfo, GM/T 0031 form. */
export class SesSealInfoV1 {
  @AsnProp({ type: SesHeader }) header = new SesHeader();
  @AsnProp({ type: AsnPropTypes.IA5String }) esID = '';
  @AsnProp({ type: SesPropertyV1 }) property = new SesPropertyV1();
  @AsnProp({ type: SesPicture }) picture = new SesPicture();
  @AsnProp({ type: AsnPropTypes.Any, optional: true }) extDatas?: ArrayBuffer;
}

/** SES_SealInfo, GB/T 38540 form. */
export class SesSealInfoV4 {
  @AsnProp({ type: SesHeader }) header = new SesHeader();
  @AsnProp({ type: AsnPropTypes.IA5String }) esID = '';
  @AsnProp({ type: SesPropertyV4 }) property = new SesPropertyV4();
  @AsnProp({ type: SesPicture }) picture = new SesPicture();
  @AsnProp({ type: AsnPropTypes.Any, optional: true }) extDatas?: ArrayBuffer;
}

/** SES_SignInfo of a V1 seal: the maker's certificate and signature over the seal info. */
export class SesSignInfoV1 {
  @AsnProp({ type: AsnPropTypes.OctetString }) cert = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) signatureAlgorithm = '';
  @AsnProp({ type: AsnPropTypes.BitString }) signData = new ArrayBuffer(0);
}

/** SESeal, GM/T 0031 form. */
export class SesSealV1 {
  @AsnProp({ type: SesSealInfoV1, raw: true }) esealInfo = new SesSealInfoV1();
  esealInfoRaw?: Uint8Array;
  @AsnProp({ type: SesSignInfoV1 }) signInfo = new SesSignInfoV1();
}

/** SESeal, GB/T 38540 form. */
export class SesSealV4 {
  @AsnProp({ type: SesSealInfoV4, raw: true }) eSealInfo = new SesSealInfoV4();
  eSealInfoRaw?: Uint8Array;
  @AsnProp({ type: AsnPropTypes.OctetString }) cert = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) signAlgID = '';
  @AsnProp({ type: AsnPropTypes.BitString }) signedValue = new ArrayBuffer(0);
}

/** TBS_Sign, GM/T 0031 form: the time is a BIT STRING holding the time's text. */
export class TbsSignV1 {
  @AsnProp({ type: AsnPropTypes.Integer }) version = 0;
  @AsnProp({ type: SesSealV1, raw: true }) eseal = new SesSealV1();
  esealRaw?: Uint8Array;
  @AsnProp({ type: AsnPropTypes.BitString }) timeInfo = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.BitString }) dataHash = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.IA5String }) propertyInfo = '';
  @AsnProp({ type: AsnPropTypes.OctetString }) cert = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) signatureAlgorithm = '';
}

/** TBS_Sign, GB/T 38540 form. */
export class TbsSignV4 {
  @AsnProp({ type: AsnPropTypes.Integer }) version = 0;
  @AsnProp({ type: SesSealV4, raw: true }) eseal = new SesSealV4();
  esealRaw?: Uint8Array;
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) timeInfo = new Date(0);
  @AsnProp({ type: AsnPropTypes.BitString }) dataHash = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.IA5String }) propertyInfo = '';
  @AsnProp({ type: AsnPropTypes.Any, context: 0, optional: true }) extDatas?: ArrayBuffer;
}

/** SES_Signature, GM/T 0031 form: the signer's certificate sits inside what is signed. */
export class SesSignatureV1 {
  @AsnProp({ type: TbsSignV1, raw: true }) toSign = new TbsSignV1();
  toSignRaw?: Uint8Array;
  @AsnProp({ type: AsnPropTypes.BitString }) signature = new ArrayBuffer(0);
}

/** SES_Signature, GB/T 38540 form: certificate and algorithm after what is signed, an optional time stamp. */
export class SesSignatureV4 {
  @AsnProp({ type: TbsSignV4, raw: true }) toSign = new TbsSignV4();
  toSignRaw?: Uint8Array;
  @AsnProp({ type: AsnPropTypes.OctetString }) cert = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) signatureAlgID = '';
  @AsnProp({ type: AsnPropTypes.BitString }) signature = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.BitString, context: 0, optional: true }) timeStamp?: ArrayBuffer;
}
