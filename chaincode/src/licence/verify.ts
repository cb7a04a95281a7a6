import type { Context } from 'fabric-contract-api';
import { canonicalize, isValidLicenceId, parseLicenceId } from '@henan-chain/crypto';
import { type Agency, findAgency } from '../agency/model';
import { checkAction } from '../audit/action-check';
import { txTimeIso } from '../common/time';
import { type Licence, type LicenceContent, contentOf, findLicence } from './model';
import { chinaDate, issuedContent, renewedContent } from './rules';
import type { IssueRequest, RenewRequest } from './schemas';

/**
 * 核验结论. `not_yet_valid` is ours: a licence whose validity window has not begun is not in
 * force, and calling it `valid` would mislead the verifier.
 */
export const LICENCE_VERDICTS = [
  'valid',
  'not_yet_valid',
  'suspended',
  'revoked',
  'cancelled',
  'expired',
  'superseded',
  'not_found',
  'tampered',
  'signature_invalid',
] as const;
export type Verdict = (typeof LICENCE_VERDICTS)[number];

/** Which finding decides the verdict when there are several: the first in this list. */
const PRECEDENCE: readonly Verdict[] = ['tampered', 'signature_invalid', 'revoked', 'cancelled', 'superseded', 'suspended', 'expired', 'not_yet_valid'];

export interface Verification {
  verdict: Verdict;
  /** Every finding, in words a clerk can read, the deciding one first. */
  reasons: string[];
  record: Licence | null;
  /** Where the answer comes from; null when there is no record. */
  evidence: {
    /** The transaction that last wrote the record, and when. */
    txId: string;
    timestamp: string;
    /** The key that signed this version's issuance (or renewal), and that act's transaction. */
    issuerKeyId: string | null;
    issuanceTxId: string;
  } | null;
  /** The instant the verdict holds for: the evaluating transaction's timestamp. */
  checkedAt: string;
}

interface Finding {
  verdict: Verdict;
  reason: string;
}

/** The verdict on a licence as the ledger stands at this transaction's timestamp. */
export async function verifyLicence(ctx: Context, licenceId: string, documentSm3: string): Promise<Verification> {
  const checkedAt = txTimeIso(ctx);
  const record = await findLicence(ctx, licenceId);
  if (!record) {
    return { verdict: 'not_found', reasons: [`no licence ${licenceId} is on the ledger`], record: null, evidence: null, checkedAt };
  }
  const agencies = new Map<string, Agency | undefined>();
  const issuer = await findAgency(ctx, record.issuerId);
  agencies.set(record.issuerId, issuer);
  const by = issuer ? `${issuer.name} (${issuer.agencyId})` : record.issuerId;

  const findings: Finding[] = [];
  if (documentSm3 !== '' && documentSm3 !== record.document.sm3) {
    findings.push({ verdict: 'tampered', reason: `the document's SM3 digest ${documentSm3} differs from the registered ${record.document.sm3}` });
  }
  const signature = await checkAction(ctx, record.issuance, agencies);
  if (signature.status !== 'valid') {
    findings.push({ verdict: 'signature_invalid', reason: `the ${record.issuance.action} signature does not hold: ${signature.reason}` });
  }
  for (const field of await unsignedFields(ctx, record)) {
    findings.push({ verdict: 'signature_invalid', reason: `the record's ${field} differs from what the issuer signed` });
  }
  findings.push(...statusFindings(record, by, await unheldStatusAct(ctx, record, agencies)), ...windowFindings(record, checkedAt));
  findings.sort((a, b) => PRECEDENCE.indexOf(a.verdict) - PRECEDENCE.indexOf(b.verdict));

  const first = findings[0];
  const reasons = first
    ? findings.map((f) => f.reason)
    : [`valid: issued on ${record.issueDate} by ${by}, ${record.validUntil === null ? 'long-term (长期有效)' : `in force until ${record.validUntil}`}`];
  return {
    verdict: first?.verdict ?? 'valid',
    reasons,
    record,
    evidence: {
      txId: record.txId,
      timestamp: record.updatedAt,
      issuerKeyId: record.issuance.keyId ?? null,
      issuanceTxId: record.issuance.txId,
    },
    checkedAt,
  };
}

/**
 * Why the act that suspended, revoked or cancelled the licence no longer holds (its signing key was
 * revoked from before it, say), or undefined when it holds. The status stands, as the gravest reading
 * for a relying party, but the issuer may reinstate it with a key that is valid (see the contract).
 */
export async function unheldStatusAct(ctx: Context, record: Licence, agencies: Map<string, Agency | undefined> = new Map()): Promise<string | undefined> {
  if (record.status === 'valid' || record.status === 'superseded') return undefined;
  const check = await checkAction(ctx, record.lastAction, agencies);
  return check.status === 'invalid' ? check.reason : undefined;
}

function statusFindings(record: Licence, by: string, unheld: string | undefined): Finding[] {
  const on = record.statusChangedAt ? chinaDate(record.statusChangedAt) : '';
  switch (record.status) {
    case 'valid':
      return [];
    case 'superseded':
      return [{ verdict: 'superseded', reason: `superseded on ${on} by version ${record.supersededBy} (${record.statusReason})` }];
    default: {
      const word = { suspended: 'suspended (暂扣)', revoked: 'revoked (吊销)', cancelled: 'cancelled (撤销/注销)' }[record.status];
      const doubt = unheld === undefined ? '' : `; the signature of that act no longer holds (${unheld}), so the issuer may reinstate it`;
      return [{ verdict: record.status, reason: `${word} on ${on} by ${by}: ${record.statusReason}${doubt}` }];
    }
  }
}

function windowFindings(record: Licence, now: string): Finding[] {
  if (record.validUntil !== null && Date.parse(now) >= Date.parse(record.validUntil)) {
    return [{ verdict: 'expired', reason: `expired: its validity ended at ${record.validUntil}` }];
  }
  if (Date.parse(now) < Date.parse(record.validFrom)) {
    return [{ verdict: 'not_yet_valid', reason: `not yet in force: its validity begins at ${record.validFrom}` }];
  }
  return [];
}

/**
 * The content fields where the record disagrees with the signed request that made this version
 * (for a renewal: the previous version's content with the signed changes). Empty when they agree.
 */
async function unsignedFields(ctx: Context, record: Licence): Promise<string[]> {
  const request = record.issuance.request;
  if (!request) return ['content (no signed request is kept)'];
  let signed: LicenceContent;
  if (record.supersedes === undefined) {
    signed = issuedContent(request as unknown as IssueRequest, record.licenceId);
  } else {
    const previous = await findLicence(ctx, record.supersedes);
    if (!previous) return [`previous version ${record.supersedes} (missing)`];
    signed = renewedContent(previous, request as unknown as RenewRequest, record.licenceId);
  }
  const stored = contentOf(record) as unknown as Record<string, unknown>;
  const stated = signed as unknown as Record<string, unknown>;
  const fields = new Set([...Object.keys(stored), ...Object.keys(stated)]);
  const differing = [...fields].filter((f) => canonicalize(stored[f] ?? null) !== canonicalize(stated[f] ?? null));
  // The identifiers the request names, compared in canonical form (a UUID serial may be sent in lower case).
  if (canonicalId(request.licenceId) !== record.licenceId) differing.push('licenceId');
  if (record.supersedes !== undefined && canonicalId(request.previousLicenceId) !== record.supersedes) differing.push('supersedes');
  return [...new Set(differing)].sort();
}

function canonicalId(value: unknown): string | undefined {
  return typeof value === 'string' && isValidLicenceId(value) ? parseLicenceId(value).id : undefined;
}
