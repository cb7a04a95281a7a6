import type { Context } from 'fabric-contract-api';
import { canonicalize, isValidLicenceId, parseLicenceId } from '@henan-chain/crypto';
import { type Agency, findAgency } from '../agency/model';
import { checkAction } from '../audit/action-check';
import { type Finding as FindingOf, type FindingRecord, reported } from '../common/findings';
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
  /** The same findings as codes and values, one per reason and in its order, for clients to word. */
  findings: FindingRecord<Verdict>[];
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

type Finding = FindingOf<Verdict>;

/** The verdict on a licence as the ledger stands at this transaction's timestamp. */
export async function verifyLicence(ctx: Context, licenceId: string, documentSm3: string): Promise<Verification> {
  const checkedAt = txTimeIso(ctx);
  const record = await findLicence(ctx, licenceId);
  if (!record) {
    const finding: Finding = { verdict: 'not_found', code: 'licence_not_found', params: { licenceId }, reason: `no licence ${licenceId} is on the ledger` };
    return { verdict: 'not_found', ...reported([finding]), record: null, evidence: null, checkedAt };
  }
  const agencies = new Map<string, Agency | undefined>();
  const issuer = await findAgency(ctx, record.issuerId);
  agencies.set(record.issuerId, issuer);
  const by = issuerOf(record, issuer);

  const findings: Finding[] = [];
  if (documentSm3 !== '' && documentSm3 !== record.document.sm3) {
    findings.push({
      verdict: 'tampered',
      code: 'document_differs',
      params: { documentSm3, registeredSm3: record.document.sm3 },
      reason: `the document's SM3 digest ${documentSm3} differs from the registered ${record.document.sm3}`,
    });
  }
  const signature = await checkAction(ctx, record.issuance, agencies);
  if (signature.status !== 'valid') {
    const { action } = record.issuance;
    findings.push({ verdict: 'signature_invalid', code: 'signature_not_held', params: { action, detail: signature.reason }, reason: `the ${action} signature does not hold: ${signature.reason}` });
  }
  findings.push(...(await unsignedFindings(ctx, record)));
  findings.push(...statusFindings(record, by, await unheldStatusAct(ctx, record, agencies)), ...windowFindings(record, checkedAt));
  findings.sort((a, b) => PRECEDENCE.indexOf(a.verdict) - PRECEDENCE.indexOf(b.verdict));
  const first = findings[0];
  return {
    verdict: first?.verdict ?? 'valid',
    ...reported(first ? findings : [validFinding(record, by)]),
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

/** The issuing agency as a reason names it, and as params carry it (its name only when it is registered). */
interface Issuer {
  words: string;
  params: { issuerId: string; issuerName?: string };
}

function issuerOf(record: Licence, agency: Agency | undefined): Issuer {
  return agency
    ? { words: `${agency.name} (${agency.agencyId})`, params: { issuerId: agency.agencyId, issuerName: agency.name } }
    : { words: record.issuerId, params: { issuerId: record.issuerId } };
}

function validFinding(record: Licence, by: Issuer): Finding {
  const until = record.validUntil === null ? 'long-term (长期有效)' : `in force until ${record.validUntil}`;
  const params = { issueDate: record.issueDate, ...by.params, ...(record.validUntil === null ? {} : { validUntil: record.validUntil }) };
  return { verdict: 'valid', code: 'valid', params, reason: `valid: issued on ${record.issueDate} by ${by.words}, ${until}` };
}

function statusFindings(record: Licence, by: Issuer, unheld: string | undefined): Finding[] {
  // The day in China of the change (chinaDate), as the issuer's decision is dated.
  const date = record.statusChangedAt ? chinaDate(record.statusChangedAt) : '';
  const reason = record.statusReason ?? '';
  const successor = record.supersededBy ?? '';
  switch (record.status) {
    case 'valid':
      return [];
    case 'superseded':
      return [
        {
          verdict: 'superseded',
          code: 'superseded',
          params: { date, successor, reason },
          reason: `superseded on ${date} by version ${successor} (${reason})`,
        },
      ];
    default: {
      const word = { suspended: 'suspended (暂扣)', revoked: 'revoked (吊销)', cancelled: 'cancelled (撤销/注销)' }[record.status];
      const doubt = unheld === undefined ? '' : `; the signature of that act no longer holds (${unheld}), so the issuer may reinstate it`;
      return [
        {
          verdict: record.status,
          code: `status_${record.status}`,
          params: { date, ...by.params, reason, ...(unheld === undefined ? {} : { actNotHeld: unheld }) },
          reason: `${word} on ${date} by ${by.words}: ${reason}${doubt}`,
        },
      ];
    }
  }
}

function windowFindings(record: Licence, now: string): Finding[] {
  if (record.validUntil !== null && Date.parse(now) >= Date.parse(record.validUntil)) {
    return [{ verdict: 'expired', code: 'window_expired', params: { validUntil: record.validUntil }, reason: `expired: its validity ended at ${record.validUntil}` }];
  }
  if (Date.parse(now) < Date.parse(record.validFrom)) {
    return [{ verdict: 'not_yet_valid', code: 'window_not_yet_valid', params: { validFrom: record.validFrom }, reason: `not yet in force: its validity begins at ${record.validFrom}` }];
  }
  return [];
}

/**
 * Where the record disagrees with the signed request that made this version (for a renewal: the
 * previous version's content with the signed changes), a finding per field. Empty when they agree.
 */
async function unsignedFindings(ctx: Context, record: Licence): Promise<Finding[]> {
  const request = record.issuance.request;
  if (!request) {
    return [{ verdict: 'signature_invalid', code: 'signed_request_missing', params: {}, reason: "the record's content (no signed request is kept) differs from what the issuer signed" }];
  }
  let signed: LicenceContent;
  if (record.supersedes === undefined) {
    signed = issuedContent(request as unknown as IssueRequest, record.licenceId);
  } else {
    const previous = await findLicence(ctx, record.supersedes);
    if (!previous) {
      const licenceId = record.supersedes;
      return [{ verdict: 'signature_invalid', code: 'previous_version_missing', params: { licenceId }, reason: `the record's previous version ${licenceId} (missing) differs from what the issuer signed` }];
    }
    signed = renewedContent(previous, request as unknown as RenewRequest, record.licenceId);
  }
  const stored = contentOf(record) as unknown as Record<string, unknown>;
  const stated = signed as unknown as Record<string, unknown>;
  const fields = new Set([...Object.keys(stored), ...Object.keys(stated)]);
  const differing = [...fields].filter((f) => canonicalize(stored[f] ?? null) !== canonicalize(stated[f] ?? null));
  // The identifiers the request names, compared in canonical form (a UUID serial may be sent in lower case).
  if (canonicalId(request.licenceId) !== record.licenceId) differing.push('licenceId');
  if (record.supersedes !== undefined && canonicalId(request.previousLicenceId) !== record.supersedes) differing.push('supersedes');
  return [...new Set(differing)]
    .sort()
    .map((field) => ({ verdict: 'signature_invalid', code: 'unsigned_field', params: { field }, reason: `the record's ${field} differs from what the issuer signed` }));
}

function canonicalId(value: unknown): string | undefined {
  return typeof value === 'string' && isValidLicenceId(value) ? parseLicenceId(value).id : undefined;
}
