/**
 * The checks of an electronic seal (电子印章) at the time it was used: the maker's signature over the
 * seal info, the seal's validity period, and that the signer's certificate is one the seal names.
 */
import { createHash } from 'node:crypto';
import { equalBytes, sm3, verify } from '@henan-chain/crypto';
import { type CertificateFacts, OID, readCertificate } from './certificate';
import type { ElectronicSeal } from './ses';
import { signatureValue } from './signature-value';
import type { Finding } from './verdicts';

/** Digest algorithms a V4 seal may name for its certificate digests (by name or OID). */
function certificateDigest(algorithm: string, cert: Uint8Array): Uint8Array | undefined {
  const name = algorithm.trim().toLowerCase();
  if (name === 'sm3' || name === OID.sm3) return sm3(cert);
  if (name === 'sha1' || name === 'sha-1') return new Uint8Array(createHash('sha1').update(cert).digest());
  if (name === 'sha256' || name === 'sha-256') return new Uint8Array(createHash('sha256').update(cert).digest());
  return undefined;
}

/** Whether the seal lists this signer certificate (itself, or its digest). */
function namesSigner(seal: ElectronicSeal, signerCertificate: Uint8Array): boolean {
  if (seal.signers.kind === 'certificates') return seal.signers.certificates.some((c) => equalBytes(c, signerCertificate));
  return seal.signers.digests.some((d) => {
    const digest = certificateDigest(d.algorithm, signerCertificate);
    return digest !== undefined && equalBytes(digest, d.value);
  });
}

export interface SealCheck {
  maker: CertificateFacts | undefined;
  findings: Finding[];
  notes: string[];
}

/** The seal judged at `signTime` for a signature made with `signerCertificate`. */
export function checkSeal(seal: ElectronicSeal, signerCertificate: Uint8Array, signTime: Date | undefined): SealCheck {
  const findings: Finding[] = [];
  const notes: string[] = [];
  let maker: CertificateFacts | undefined;
  try {
    maker = readCertificate(seal.makerCertificate);
  } catch (err) {
    findings.push({ verdict: 'seal_invalid', reason: `the seal maker\u2019s certificate cannot be read: ${err instanceof Error ? err.message : String(err)}` });
  }
  if (seal.makerAlgorithm !== OID.sm2WithSm3) {
    findings.push({ verdict: 'seal_invalid', reason: `the seal is signed with algorithm ${seal.makerAlgorithm}, not SM2 with SM3 (${OID.sm2WithSm3})` });
  } else if (maker && !maker.sm2PublicKey) {
    findings.push({ verdict: 'seal_invalid', reason: 'the seal maker\u2019s certificate does not hold an SM2 key' });
  } else if (maker?.sm2PublicKey) {
    const signature = signatureValue(seal.makerSignature);
    if (signature.lapse) notes.push(`the seal maker\u2019s signature was read leniently: ${signature.lapse}`);
    const result = verify(seal.makerSigned, signature.value, maker.sm2PublicKey);
    if (!result.valid) findings.push({ verdict: 'seal_invalid', reason: `the seal maker\u2019s signature over the seal does not verify (${result.reason})` });
    if (signTime && (signTime < maker.notBefore || signTime > maker.notAfter)) {
      findings.push({ verdict: 'seal_invalid', reason: `the seal maker\u2019s certificate was not valid at the signing time (valid ${maker.notBefore.toISOString()} to ${maker.notAfter.toISOString()})` });
    }
  }
  if (!namesSigner(seal, signerCertificate)) {
    findings.push({ verdict: 'seal_invalid', reason: 'the signer\u2019s certificate is not one the seal names: whoever signed was not entitled to use this seal' });
  }
  if (signTime && signTime < seal.validStart) {
    findings.push({ verdict: 'seal_expired_at_signing', reason: `the seal was not yet valid at the signing time ${signTime.toISOString()} (valid from ${seal.validStart.toISOString()})` });
  }
  if (signTime && signTime > seal.validEnd) {
    findings.push({ verdict: 'seal_expired_at_signing', reason: `the seal had expired at the signing time ${signTime.toISOString()} (valid until ${seal.validEnd.toISOString()})` });
  }
  return { maker, findings, notes };
}
