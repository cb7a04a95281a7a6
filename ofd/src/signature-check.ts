/**
 * One signature of an OFD judged as a pipeline of named checks, each adding its own findings:
 * references → signed value decoded → content hash (Signature.xml) → signer's signature →
 * signer's certificate at the signing time → the seal at the signing time.
 */
import { equalBytes, sm3, sm3Hex, toHex, verify } from '@henan-chain/crypto';
import { type CertificateFacts, OID, readCertificate, validAt } from './certificate';
import type { Container } from './container';
import type { FileDigests } from './digests';
import type { DeclaredSignature } from './document';
import { type ReferenceSummary, checkReferences } from './references';
import { checkSeal } from './seal-checks';
import { signatureValue } from './signature-value';
import { type ElectronicSeal, type ElectronicSignature, SesFormatError, decodeSeal, decodeSignature, parseSignTime } from './ses';
import { type Finding, type OfdVerdict, worstOf } from './verdicts';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

export interface SealSummary {
  form: string;
  /** 印章编码 */
  esId: string;
  name: string;
  type: number;
  vendor: string;
  validStart: string;
  validEnd: string;
  picture: { type: string; width: number; height: number; sm3: string; bytes: number };
  maker: CertificateSummary | null;
}

export interface SignatureReport {
  id: string;
  /** Seal (电子签章) or Sign (a plain digital signature). */
  type: string;
  verdict: OfdVerdict;
  reasons: string[];
  /** Facts worth knowing that do not change the verdict (a certificate expired since, a time in the future). */
  notes: string[];
  /** SM3 of SignedValue.dat: what identifies this signature when its sealing is anchored. */
  sm3: string | null;
  /** The signing time the signed value states (or, unsealed, Signature.xml). */
  signTime: string | null;
  form: string | null;
  provider: string | null;
  signer: CertificateSummary | null;
  seal: SealSummary | null;
  stamps: { page: number | null; pageRef: string; boundary: string }[];
  references: ReferenceSummary;
}

/** What the caller needs beyond the report: the decoded seal (for its picture). */
export interface SignatureResult {
  report: SignatureReport;
  seal: ElectronicSeal | undefined;
}

const summary = (c: CertificateFacts): CertificateSummary => ({
  subject: c.subject,
  issuer: c.issuer,
  serialNumber: c.serialNumber,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
});

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The signer's certificate at the signing time; its facts when usable. */
function checkSigner(der: Uint8Array, signTime: Date, now: Date, findings: Finding[], notes: string[]): CertificateFacts | undefined {
  let cert: CertificateFacts;
  try {
    cert = readCertificate(der);
  } catch (err) {
    findings.push({ verdict: 'certificate_invalid', reason: `the signer\u2019s certificate cannot be read: ${message(err)}` });
    return undefined;
  }
  if (!cert.sm2PublicKey) findings.push({ verdict: 'certificate_invalid', reason: 'the signer\u2019s certificate does not hold an SM2 public key' });
  if (cert.signatureAlgorithm !== OID.sm2WithSm3) {
    findings.push({ verdict: 'certificate_invalid', reason: `the signer\u2019s certificate is signed with ${cert.signatureAlgorithm}, not SM2 with SM3` });
  }
  if (!validAt(cert, signTime)) {
    findings.push({
      verdict: 'certificate_invalid',
      reason: `the signer\u2019s certificate was not valid at the signing time ${signTime.toISOString()} (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`,
    });
  } else if (!validAt(cert, now)) {
    notes.push(`the signer\u2019s certificate is not valid now (valid until ${cert.notAfter.toISOString()}) but was valid at the signing time`);
  }
  return cert;
}

function sealSummary(seal: ElectronicSeal, maker: CertificateFacts | undefined): SealSummary {
  return {
    form: seal.form,
    esId: seal.esId,
    name: seal.name,
    type: seal.type,
    vendor: seal.vendor,
    validStart: seal.validStart.toISOString(),
    validEnd: seal.validEnd.toISOString(),
    picture: { type: seal.picture.type, width: seal.picture.width, height: seal.picture.height, sm3: sm3Hex(seal.picture.data), bytes: seal.picture.data.length },
    maker: maker ? summary(maker) : null,
  };
}

/** An electronic seal signature (SES_Signature) over Signature.xml. */
function checkSealSignature(
  ses: ElectronicSignature,
  declared: DeclaredSignature,
  container: Container,
  now: Date,
  findings: Finding[],
  notes: string[],
): Pick<SignatureReport, 'signer' | 'seal' | 'signTime' | 'form'> {
  const content = container.get(declared.path)!;
  if (!equalBytes(sm3(content), ses.dataHash)) {
    findings.push({ verdict: 'tampered', reason: `${declared.path} is not what was signed: its SM3 is ${sm3Hex(content)}, the signed value holds ${toHex(ses.dataHash)}` });
  }
  if (!ses.signTime) {
    findings.push({ verdict: 'malformed', reason: `the signing time ${JSON.stringify(ses.signTimeText)} is not a time` });
    return { signer: null, seal: sealSummary(ses.seal, undefined), signTime: null, form: ses.form };
  }
  if (ses.signTime > now) notes.push(`the signing time ${ses.signTime.toISOString()} lies in the future`);
  const xmlTime = parseSignTime(declared.signatureDateTime);
  if (xmlTime && Math.abs(xmlTime.getTime() - ses.signTime.getTime()) > 24 * 3600 * 1000) {
    notes.push(`Signature.xml states another signing time (${declared.signatureDateTime}); the signed value\u2019s time counts`);
  }
  const signer = checkSigner(ses.signerCertificate, ses.signTime, now, findings, notes);
  if (ses.algorithm !== OID.sm2WithSm3) {
    findings.push({ verdict: 'signature_invalid', reason: `the signature uses algorithm ${ses.algorithm}, not SM2 with SM3 (${OID.sm2WithSm3})` });
  } else if (signer?.sm2PublicKey) {
    const signature = signatureValue(ses.signature);
    if (signature.lapse) notes.push(`the signer\u2019s signature was read leniently: ${signature.lapse}`);
    const result = verify(ses.signed, signature.value, signer.sm2PublicKey);
    if (!result.valid) findings.push({ verdict: 'signature_invalid', reason: `the signer\u2019s SM2 signature over the signed value does not verify (${result.reason})` });
  }
  const seal = checkSeal(ses.seal, ses.signerCertificate, ses.signTime);
  findings.push(...seal.findings);
  notes.push(...seal.notes);
  if (declared.sealPath) {
    const file = container.get(declared.sealPath);
    if (!file) findings.push({ verdict: 'tampered', reason: `the seal file ${declared.sealPath} is missing` });
    else if (!equalBytes(file, ses.seal.der)) findings.push({ verdict: 'seal_invalid', reason: `${declared.sealPath} is not the seal embedded in the signed value` });
  }
  return { signer: signer ? summary(signer) : null, seal: sealSummary(ses.seal, seal.maker), signTime: ses.signTime.toISOString(), form: ses.form };
}

/** Judges one declared signature of the container at `now`; `digests` are shared by the signatures of one verification. */
export function checkSignature(container: Container, declared: DeclaredSignature, now: Date, digests: FileDigests): SignatureResult {
  const findings: Finding[] = [];
  const notes: string[] = [];
  const { summary: references, findings: referenceFindings } = checkReferences(digests, declared);
  findings.push(...referenceFindings);
  const signedValue = container.get(declared.signedValuePath);
  const report: SignatureReport = {
    id: declared.id,
    type: declared.type,
    verdict: 'valid',
    reasons: [],
    notes,
    sm3: signedValue ? toHex(digests.sm3(declared.signedValuePath)!) : null,
    signTime: null,
    form: null,
    provider: declared.provider ?? null,
    signer: null,
    seal: null,
    stamps: declared.stamps.map((s) => ({ page: s.page ?? null, pageRef: s.pageRef, boundary: s.boundary })),
    references,
  };
  if (declared.signatureMethod !== OID.sm2WithSm3) {
    findings.push({ verdict: 'signature_invalid', reason: `Signature.xml declares method ${JSON.stringify(declared.signatureMethod)}, not SM2 with SM3 (${OID.sm2WithSm3})` });
  }
  let seal: ElectronicSeal | undefined;
  if (!signedValue) {
    findings.push({ verdict: 'malformed', reason: `the signed value ${declared.signedValuePath} is missing` });
  } else {
    try {
      const ses = decodeSignature(signedValue);
      seal = ses.seal;
      Object.assign(report, checkSealSignature(ses, declared, container, now, findings, notes));
    } catch (err) {
      if (!(err instanceof SesFormatError)) throw err;
      findings.push(bareSignatureFinding(declared, signedValue, err));
    }
  }
  if (!seal && declared.sealPath && container.has(declared.sealPath)) seal = readSealFile(container.get(declared.sealPath)!, findings);
  report.verdict = worstOf(findings);
  report.reasons = findings.map((f) => f.reason);
  return { report, seal };
}

/**
 * A value that is no SES_Signature: for a plain digital signature (Type="Sign") a bare SM2
 * signature is what some producers write, but it names no signer, so nothing can check it.
 */
function bareSignatureFinding(declared: DeclaredSignature, signedValue: Uint8Array, err: SesFormatError): Finding {
  const bare = signedValue.length === 64 || (signedValue[0] === 0x30 && signedValue.length >= 8 && signedValue.length <= 72);
  if (declared.type === 'Sign' && bare) {
    return { verdict: 'certificate_invalid', reason: 'the signed value is a bare SM2 signature without a certificate: no signer is named, so it cannot be checked' };
  }
  return { verdict: 'malformed', reason: `the signed value cannot be read: ${err.message}` };
}

function readSealFile(der: Uint8Array, findings: Finding[]): ElectronicSeal | undefined {
  try {
    return decodeSeal(der);
  } catch (err) {
    findings.push({ verdict: 'malformed', reason: `the seal file cannot be read: ${message(err)}` });
    return undefined;
  }
}
