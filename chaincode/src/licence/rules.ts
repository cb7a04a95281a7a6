import type { LicenceIdParts } from '@henan-chain/crypto';
import type { Agency } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { type Licence, type LicenceContent, type LicenceStatus, contentOf } from './model';
import type { IssueRequest, RenewRequest } from './schemas';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date (YYYY-MM-DD) of an instant in China (UTC+8, no daylight saving). */
export function chinaDate(iso: string): string {
  return new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * 颁发机构代码 must name the issuing agency itself: its credit code, or (as some local systems
 * write it) its 6-digit area code. Returns which form the identifier uses.
 */
export function requireIssuerCode(agency: Agency, parts: LicenceIdParts): Licence['issuerCodeForm'] {
  if (parts.issuerCodeKind === 'uscc' && parts.issuerCode === agency.agencyId) return 'uscc';
  if (parts.issuerCodeKind === 'areaCode' && parts.issuerCode === agency.regionCode) return 'area';
  throw new ChaincodeError(
    'FORBIDDEN',
    `the identifier's issuer code ${parts.issuerCode} is neither the credit code ${agency.agencyId} nor the area code ${agency.regionCode} of agency ${agency.agencyId}`,
    { issuerCode: parts.issuerCode, agencyId: agency.agencyId },
  );
}

export function requireLicenceType(agency: Agency, licenceTypeCode: string): void {
  if (!agency.licenceTypes.includes(licenceTypeCode)) {
    throw new ChaincodeError('FORBIDDEN', `agency ${agency.agencyId} may not issue licences of type ${licenceTypeCode}`, {
      agencyId: agency.agencyId,
      licenceTypeCode,
    });
  }
}

/** Only the agency that issued a licence may change it. */
export function requireIssuer(licence: Licence, agency: Agency): void {
  if (licence.issuerId !== agency.agencyId) {
    throw new ChaincodeError('FORBIDDEN', `licence ${licence.licenceId} was issued by ${licence.issuerId}, not by ${agency.agencyId}`, {
      licenceId: licence.licenceId,
      issuerId: licence.issuerId,
      agencyId: agency.agencyId,
    });
  }
}

export function requireStatus(licence: Licence, allowed: readonly LicenceStatus[], act: string): void {
  if (!allowed.includes(licence.status)) {
    throw new ChaincodeError('INVALID_STATE', `licence ${licence.licenceId} is ${licence.status}; ${act} needs it ${allowed.join(' or ')}`, {
      licenceId: licence.licenceId,
      status: licence.status,
    });
  }
}

/** Rules across fields, checked on the content a version ends up with (after carrying fields over). */
export function checkContent(content: LicenceContent, now: string): void {
  const fail = (message: string, details: Record<string, unknown>) => {
    throw new ChaincodeError('VALIDATION_FAILED', message, details);
  };
  if (content.holderName !== undefined && content.holder.codeType !== '001') {
    // A legal entity's name is public; a person's (any other code type) is not.
    fail('holderName may be given only for a holder of code type 001 (a legal entity)', { codeType: content.holder.codeType });
  }
  if (content.validUntil !== null && Date.parse(content.validUntil) <= Date.parse(content.validFrom)) {
    fail('validUntil must be after validFrom', { validFrom: content.validFrom, validUntil: content.validUntil });
  }
  if (content.issueDate > chinaDate(now)) {
    fail(`issueDate ${content.issueDate} lies after the transaction's date ${chinaDate(now)}`, { issueDate: content.issueDate });
  }
}

/** A new version is issued on or after the day of the version it replaces: versions follow in time. */
export function requireIssuedSince(previous: LicenceContent, content: LicenceContent): void {
  if (content.issueDate < previous.issueDate) {
    throw new ChaincodeError('VALIDATION_FAILED', `issueDate ${content.issueDate} lies before ${previous.issueDate}, the issue date of ${previous.licenceId} it replaces`, {
      issueDate: content.issueDate,
      previousIssueDate: previous.issueDate,
    });
  }
}

type Unsigned<T> = Omit<T, 'requestId' | 'agencyId' | 'keyId' | 'signature'>;

/** The content an issue request states, under the identifier's canonical form. */
export function issuedContent(request: Unsigned<IssueRequest>, licenceId: string): LicenceContent {
  return contentOf({ ...request, licenceId });
}

/** The content of a new version: the previous one's, with the changes and the new issue date. */
export function renewedContent(previous: LicenceContent, request: Unsigned<RenewRequest>, licenceId: string): LicenceContent {
  const changes = Object.fromEntries(Object.entries(request.changes).filter(([, value]) => value !== undefined));
  return contentOf({ ...contentOf(previous), ...changes, licenceId, issueDate: request.issueDate });
}
