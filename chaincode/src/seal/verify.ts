import { canonicalBytes, sm3Hex, verify } from '@henan-chain/crypto';
import { type Agency, keyInvalidity } from '../agency/model';
import { type Finding as FindingOf, type FindingRecord, reported } from '../common/findings';
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

export type Finding = FindingOf<Exclude<SealVerdict, 'valid' | 'not_found'>>;

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
  /** The same findings as codes and values, one per reason and in its order, for clients to word. */
  findings: FindingRecord<SealVerdict>[];
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
  const { registration, sealId, makerId } = seal;
  const key = maker?.keys.find((k) => k.keyId === registration.keyId);
  if (!key) {
    const keyId = registration.keyId ?? '(none)';
    return [{ verdict: 'signature_invalid', code: 'maker_key_missing', params: { sealId, makerId, keyId }, reason: `the key ${keyId} of maker ${makerId} that signed seal ${sealId} is not on the ledger` }];
  }
  const invalid = keyInvalidity(key, registration.at);
  if (invalid) {
    // e.g. the maker's key was revoked with effect from before the seal was registered
    return [{ verdict: 'signature_invalid', code: 'maker_signature_void', params: { sealId, detail: invalid }, reason: `the maker's signature over seal ${sealId} does not count: ${invalid}` }];
  }
  const result = verify(canonicalBytes(registration.request), registration.signature ?? '', key.publicKey);
  if (!result.valid) {
    const detail = result.reason;
    return [{ verdict: 'signature_invalid', code: 'maker_signature_fails', params: { sealId, detail }, reason: `the maker's signature over seal ${sealId} does not verify: ${detail}` }];
  }
  return [];
}

function signatureFindings(seal: Seal, fields: SealingFields, sealSignature: string): Finding[] {
  const result = verify(sealingStatement(fields), sealSignature, seal.publicKey);
  if (result.valid) return [];
  const { sealId } = seal;
  const detail = result.reason;
  return [{ verdict: 'signature_invalid', code: 'seal_signature_fails', params: { sealId, detail }, reason: `the seal signature does not verify with the key of seal ${sealId}: ${detail}` }];
}

/** The seal must have been on the ledger and inside its validity window [validFrom, validTo) at sign time. */
function windowFindings(seal: Seal, signTime: string, at: number): Finding[] {
  const { sealId, createdAt: registeredAt, validFrom, validTo } = seal;
  const findings: Finding[] = [];
  if (at < Date.parse(registeredAt)) {
    findings.push({
      verdict: 'seal_not_yet_valid',
      code: 'seal_registered_after_sign_time',
      params: { sealId, registeredAt, signTime },
      reason: `seal ${sealId} was registered on the ledger at ${registeredAt}, after the sign time ${signTime}`,
    });
  }
  if (at < Date.parse(validFrom)) {
    findings.push({ verdict: 'seal_not_yet_valid', code: 'seal_window_not_yet_valid', params: { sealId, validFrom, signTime }, reason: `seal ${sealId} is valid from ${validFrom}, after the sign time ${signTime}` });
  }
  if (at >= Date.parse(validTo)) {
    findings.push({ verdict: 'seal_expired', code: 'seal_window_expired', params: { sealId, validTo, signTime }, reason: `seal ${sealId} expired at ${validTo}, at or before the sign time ${signTime}` });
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
  const params = { sealId: seal.sealId, revokedBy: r.revokedBy, effectiveFrom: r.effectiveFrom, recordedAt: r.recordedAt, reason: r.reason, signTime };
  const what = `seal ${params.sealId} was revoked by ${params.revokedBy} with effect from ${params.effectiveFrom} (recorded ${params.recordedAt}): ${params.reason}`;
  if (at >= Date.parse(r.effectiveFrom)) {
    return [{ verdict: 'seal_revoked', code: 'seal_revoked', params, reason: `${what}; the sign time ${signTime} is not before that` }];
  }
  if (source === 'claimed') {
    return [
      {
        verdict: 'seal_revoked',
        code: 'seal_revoked_sign_time_claimed',
        params,
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
    const registeredSm3 = sealing.documentSm3;
    findings.push({
      verdict: 'tampered',
      code: 'document_differs',
      params: { documentSm3, registeredSm3 },
      reason: `the document's SM3 ${documentSm3} differs from the sealed document's ${registeredSm3}`,
    });
  }
  const { seal, fields } = check;
  const verdict = verdictOf(findings);
  const { sealId, ownerId } = seal;
  const { signTime } = fields;
  const valid: FindingOf<SealVerdict> = {
    verdict: 'valid',
    code: 'sealing_valid',
    params: { sealId, ownerId, signTime },
    reason: `sealed with seal ${sealId} of ${ownerId} at ${signTime}: the seal signature verifies, and the seal was registered, in force and unrevoked at that time`,
  };
  return {
    verdict,
    ...reported<SealVerdict>(verdict === 'valid' ? [valid] : findings),
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

/** Not found: `code` and `params` name what is missing (a sealing, or the seal it names). */
export function notFound(code: string, params: Record<string, string>, reason: string, checkedAt: string): SealVerification {
  return { verdict: 'not_found', ...reported<SealVerdict>([{ verdict: 'not_found', code, params, reason }]), seal: null, evidence: { checkedAt } };
}
