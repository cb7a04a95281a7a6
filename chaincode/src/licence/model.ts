import type { Context } from 'fabric-contract-api';
import { CryptoError, LICENCE_ID_ROOT, type LicenceIdParts, parseLicenceId } from '@henan-chain/crypto';
import type { ActionRecord } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';

/** 证照状态. `superseded` is the old version after a renewal or change (换证 / 变更). */
export const LICENCE_STATUSES = ['valid', 'suspended', 'revoked', 'cancelled', 'superseded'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

/** The licence file (GB/T 36905), kept only as its SM3 digest. */
export interface LicenceDocument {
  sm3: string;
  size: number;
  mediaType: 'application/pdf' | 'application/ofd';
}

/** 持证主体: never the identifier itself, only a keyed commitment (HMAC-SM3, key held off chain). */
export interface LicenceHolder {
  commitment: string;
  /** 持证主体代码类型: 111 resident ID number, 001 unified social credit code, other 3-digit codes. */
  codeType: string;
}

/** What the issuing agency states about the licence (GB/T 36903 metadata): the signed content. */
export interface LicenceContent {
  licenceId: string;
  /** 证照名称. */
  name: string;
  /** 证照编号: the number printed on the paper licence, not the identifier. */
  number: string;
  holder: LicenceHolder;
  /** 持证主体名称, only for legal entities (codeType 001): a person's name is personal data. */
  holderName?: string;
  /** 发证日期, YYYY-MM-DD. */
  issueDate: string;
  validFrom: string;
  /** null: 长期有效 (valid without end). */
  validUntil: string | null;
  /** 行政区划代码 (GB/T 2260) of the licence. */
  areaCode: string;
  document: LicenceDocument;
  /** GB/T 36903 extension fields, non-personal only. */
  metadata?: Record<string, string>;
}

export interface Licence extends LicenceContent {
  kind: 'licence';
  /** The identifier without version and check character: every version of a licence shares it. */
  seriesId: string;
  version: string;
  licenceTypeCode: string;
  /** The issuing agency's credit code (the record's owner), whatever form the identifier uses. */
  issuerId: string;
  /** 颁发机构代码 as written in the identifier, and which form it takes. */
  issuerCode: string;
  issuerCodeForm: 'uscc' | 'area';
  status: LicenceStatus;
  statusReason?: string;
  statusChangedAt?: string;
  /** The version this one replaces (关联证照标识), and why. */
  supersedes?: string;
  renewalReason?: 'renewal' | 'change';
  supersededBy?: string;
  /**
   * The signed act that created this version (issue or renew). Kept apart from lastAction, which
   * later status changes replace, so a verifier can always re-check the issuing signature.
   */
  issuance: ActionRecord;
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/** Parses a licence identifier (GB/T 36904); a malformed one is INVALID_IDENTIFIER naming the wrong part. */
export function parseIdentifier(id: string, what = 'licence identifier'): LicenceIdParts {
  try {
    return parseLicenceId(id);
  } catch (err) {
    if (err instanceof CryptoError) {
      throw new ChaincodeError('INVALID_IDENTIFIER', `invalid ${what}: ${err.message}`, { id, part: err.part });
    }
    throw err;
  }
}

/** 1.2.156.3005.2.<type>.<issuer>.<serial>: the identifier without version and check character. */
export function seriesIdOf(parts: LicenceIdParts): string {
  return [LICENCE_ID_ROOT, parts.licenceTypeCode, parts.issuerCode, parts.serialNumber].join('.');
}

export async function findLicence(ctx: Context, licenceId: string): Promise<Licence | undefined> {
  return readJson<Licence>(ctx, recordKey(ctx, 'licence', licenceId));
}

export async function loadLicence(ctx: Context, licenceId: string): Promise<Licence> {
  const licence = await findLicence(ctx, licenceId);
  if (!licence) throw new ChaincodeError('NOT_FOUND', `licence ${licenceId} is not on the ledger`, { licenceId });
  return licence;
}

/** The content fields of a record, in the shape the issuing request states them. */
export function contentOf(licence: LicenceContent): LicenceContent {
  const { licenceId, name, number, holder, holderName, issueDate, validFrom, validUntil, areaCode, document, metadata } = licence;
  const content: LicenceContent = { licenceId, name, number, holder, issueDate, validFrom, validUntil, areaCode, document };
  if (holderName !== undefined) content.holderName = holderName;
  if (metadata !== undefined) content.metadata = metadata;
  return content;
}
