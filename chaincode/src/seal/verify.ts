import { canonicalBytes, sm3Hex, verify } from '@henan-chain/crypto';
import { type Agency, keyInvalidity } from '../agency/model';
import { type Seal, type Sealing, type SealingFields, sealingStatement } from './model';

/**
 * The verification of a sealed document (电子签章验证, GB/T 38540 §8) as a pipeline of named
 * checks, each reporting its own reason. Pure: the contract loads the records and the time.
 */

/** Verdicts in order of precedence: when several checks fail, the first listed decides. */
export const SEAL_VERDICTS = [
  'not_found',
  'signature_invalid',
  'tampered',
  'seal_revoked',
  'seal_expired',
  'seal_not_yet_valid',
  'valid',
] as const;
export type SealVerdict = (typeof SEAL_VERDICTS)[number];

export interface Finding {
  verdict: Exclude<SealVerdict, 'valid' | 'not_found'>;
  reason: string;
}

/**
 * How far the sign time can be trusted. `recorded`: the ledger holds the sealing, and took it only
 * within a window around its transaction time. `claimed`: it is only what the document says.
 */
export type SignTimeSource = 'recorded' | 'claimed';

export interface SealingCheck {
  seal: Seal;
  /** The maker's current agency record (its keys are never removed), or undefined if missing. */
  maker: Agency | undefined;
  fields: SealingFields;
  sealSignature: string;
  source: SignTimeSource;
}

export interface SealVerification {
  verdict: SealVerdict;
  reasons: string[];
  seal: Seal | null;
  sealing?: Sealing;
  evidence: Record<string, unknown>;
}

/** Every check that fails, in the order of the pipeline. */
export function sealingFindings(check: SealingCheck): Finding[] {
  const { seal, fields } = check;
  const at = Date.parse(fields.signTime);
  return [
    ...makerFindings(seal, check.maker),
    ...signatureFindings(seal, fields, check.sealSignature),
    ...windowFindings(seal, fields.signTime, at),
    ...revocationFindings(seal, fields.signTime, at, check.source),
  ];
}

export function verdictOf(findings: Finding[]): SealVerdict {
  for (const verdict of SEAL_VERDICTS) if (findings.some((f) => f.verdict === verdict)) return verdict;
  return 'valid';
}

/** The maker's signature over the seal info must still count: key valid AT registration, bytes intact. */
function makerFindings(seal: Seal, maker: Agency | undefined): Finding[] {
  const { registration } = seal;
  const key = maker?.keys.find((k) => k.keyId === registration.keyId);
  if (!key) {
    return [{ verdict: 'signature_invalid', reason: `the key ${registration.keyId} of maker ${seal.makerId} that signed seal ${seal.sealId} is not on the ledger` }];
  }
  const invalid = keyInvalidity(key, registration.at);
  if (invalid) {
    // e.g. the maker's key was revoked with effect from before the seal was registered
    return [{ verdict: 'signature_invalid', reason: `the maker's signature over seal ${seal.sealId} does not count: ${invalid}` }];
  }
  const result = verify(canonicalBytes(registration.request), registration.signature ?? '', key.publicKey);
  if (!result.valid) {
    return [{ verdict: 'signature_invalid', reason: `the maker's signature over seal ${seal.sealId} does not verify: ${result.reason}` }];
  }
  return [];
}

function signatureFindings(seal: Seal, fields: SealingFields, sealSignature: string): Finding[] {
  const result = verify(sealingStatement(fields), sealSignature, seal.publicKey);
  if (result.valid) return [];
  return [{ verdict: 'signature_invalid', reason: `the seal signature does not verify with the key of seal ${seal.sealId}: ${result.reason}` }];
}

/** The seal must have been on the ledger and inside its validity window [validFrom, validTo) at sign time. */
function windowFindings(seal: Seal, signTime: string, at: number): Finding[] {
  const findings: Finding[] = [];
  if (at < Date.parse(seal.createdAt)) {
    findings.push({ verdict: 'seal_not_yet_valid', reason: `seal ${seal.sealId} was registered on the ledger at ${seal.createdAt}, after the sign time ${signTime}` });
  }
  if (at < Date.parse(seal.validFrom)) {
    findings.push({ verdict: 'seal_not_yet_valid', reason: `seal ${seal.sealId} is valid from ${seal.validFrom}, after the sign time ${signTime}` });
  }
  if (at >= Date.parse(seal.validTo)) {
    findings.push({ verdict: 'seal_expired', reason: `seal ${seal.sealId} expired at ${seal.validTo}, at or before the sign time ${signTime}` });
  }
  return findings;
}

/**
 * A revocation counts from its effectiveFrom. For a claimed sign time any revocation counts: the
 * holder of a revoked seal key can write any earlier time into a document, and nothing on the
 * ledger shows the signature existed before the revocation.
 */
function revocationFindings(seal: Seal, signTime: string, at: number, source: SignTimeSource): Finding[] {
  const r = seal.revocation;
  if (!r) return [];
  const what = `seal ${seal.sealId} was revoked by ${r.revokedBy} with effect from ${r.effectiveFrom} (recorded ${r.recordedAt}): ${r.reason}`;
  if (at >= Date.parse(r.effectiveFrom)) {
    return [{ verdict: 'seal_revoked', reason: `${what}; the sign time ${signTime} is not before that` }];
  }
  if (source === 'claimed') {
    return [
      {
        verdict: 'seal_revoked',
        reason: `${what}; the sign time ${signTime} precedes that but is only claimed: the sealing is not recorded on the ledger, so nothing shows it was made before the revocation`,
      },
    ];
  }
  return [];
}

/** Builds the answer a verifier gets: verdict, reasons a clerk can read, and what they rest on. */
export function verification(check: SealingCheck, checkedAt: string, sealing?: Sealing, documentSm3 = ''): SealVerification {
  const findings = sealingFindings(check);
  if (sealing && documentSm3 !== '' && documentSm3 !== sealing.documentSm3) {
    findings.push({ verdict: 'tampered', reason: `the document's SM3 ${documentSm3} differs from the sealed document's ${sealing.documentSm3}` });
  }
  const { seal, fields } = check;
  const verdict = verdictOf(findings);
  const reasons =
    verdict === 'valid'
      ? [`sealed with seal ${seal.sealId} of ${seal.ownerId} at ${fields.signTime}: the seal signature verifies, and the seal was registered, in force and unrevoked at that time`]
      : findings.map((f) => f.reason);
  return {
    verdict,
    reasons,
    seal,
    ...(sealing ? { sealing } : {}),
    evidence: {
      checkedAt,
      signTime: fields.signTime,
      signTimeSource: check.source,
      statementSm3: sm3Hex(sealingStatement(fields)),
      sealPublicKey: seal.publicKey,
      sealRegistration: { txId: seal.registration.txId, at: seal.registration.at, makerId: seal.makerId, makerKeyId: seal.registration.keyId },
      sealRevocation: seal.revocation ?? null,
      ...(sealing ? { sealing: { sealingId: sealing.sealingId, txId: sealing.txId, recordedAt: sealing.createdAt } } : {}),
    },
  };
}

export function notFound(reason: string, checkedAt: string): SealVerification {
  return { verdict: 'not_found', reasons: [reason], seal: null, evidence: { checkedAt } };
}
