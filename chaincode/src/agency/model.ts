import type { Context } from 'fabric-contract-api';
import { sm3, toHex } from '@henan-chain/crypto';
import { ChaincodeError } from '../common/errors';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';

/** What an agency (机构) may do on the chain. */
export const AGENCY_ROLES = [
  'issuer', // 发证机关: issues licences of its `licenceTypes`
  'seal_maker', // 制章机构: registers and revokes electronic seals
  'seal_owner', // 用章单位: seals documents with its own seals
  'provider', // 数据提供方
  'consumer', // 数据使用方
  'region', // 受理地 / 办理地: handles cross-region cases for its region
  'auditor', // 审计方
] as const;
export type AgencyRole = (typeof AGENCY_ROLES)[number];

/** An agency's SM2 key and the window in which signatures made with it count. */
export interface AgencyKey {
  keyId: string;
  publicKey: string;
  validFrom: string;
  /** Set when the key is retired by a rotation: signatures made up to this instant stay valid. */
  validTo?: string;
  /** Set when the key is revoked: signatures made from this instant on are invalid. */
  revokedAt?: string;
  revocationReason?: string;
}

/** How a record version came about: kept on every record so audit can re-check it later. */
export interface ActionRecord {
  action: string;
  txId: string;
  at: string;
  mspId: string;
  /** The Fabric identity (x509::subject::issuer) that submitted the transaction. */
  submitter: string;
  agencyId?: string;
  keyId?: string;
  signature?: string;
  /** The signed request without its signature: exactly what the signature covers, canonicalised. */
  request?: Record<string, unknown>;
}

export interface Agency {
  kind: 'agency';
  agencyId: string;
  name: string;
  regionCode: string;
  mspId: string;
  roles: AgencyRole[];
  /** Licence type codes this agency may issue (role `issuer`). */
  licenceTypes: string[];
  status: 'active' | 'suspended';
  statusReason?: string;
  keys: AgencyKey[];
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/** A key's id: the first 16 bytes of SM3 over the uncompressed public key, in hex. */
export function keyIdOf(publicKeyHex: string): string {
  return toHex(sm3(Buffer.from(publicKeyHex, 'hex'))).slice(0, 32);
}

export async function findAgency(ctx: Context, agencyId: string): Promise<Agency | undefined> {
  return readJson<Agency>(ctx, recordKey(ctx, 'agency', agencyId));
}

export async function loadAgency(ctx: Context, agencyId: string): Promise<Agency> {
  const agency = await findAgency(ctx, agencyId);
  if (!agency) throw new ChaincodeError('NOT_FOUND', `agency ${agencyId} is not registered`, { agencyId });
  return agency;
}

export function hasRole(agency: Agency, role: AgencyRole): boolean {
  return agency.roles.includes(role);
}

export function requireRole(agency: Agency, role: AgencyRole): void {
  if (!hasRole(agency, role)) {
    throw new ChaincodeError('FORBIDDEN', `agency ${agency.agencyId} does not hold the role ${role}`, {
      agencyId: agency.agencyId,
      role,
    });
  }
}

export function requireActive(agency: Agency): void {
  if (agency.status !== 'active') {
    throw new ChaincodeError('AGENCY_SUSPENDED', `agency ${agency.agencyId} is suspended`, { agencyId: agency.agencyId });
  }
}

/** Why a key did not count at instant `at`, or undefined when it did. */
export function keyInvalidity(key: AgencyKey, at: string): string | undefined {
  const t = Date.parse(at);
  if (t < Date.parse(key.validFrom)) return `key ${key.keyId} is not valid before ${key.validFrom}`;
  if (key.revokedAt !== undefined && t >= Date.parse(key.revokedAt)) return `key ${key.keyId} was revoked at ${key.revokedAt}`;
  // validTo is inclusive: a rotation retires the signing key at its own transaction time, and that
  // rotation's signature must still check as made while the key was valid.
  if (key.validTo !== undefined && t > Date.parse(key.validTo)) return `key ${key.keyId} was retired at ${key.validTo}`;
  return undefined;
}
