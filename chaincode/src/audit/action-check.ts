import type { Context } from 'fabric-contract-api';
import { canonicalBytes } from '@henan-chain/crypto';
import { type ActionRecord, type Agency, findAgency } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { requireAgencySignature } from '../common/signed-request';

/** Whether a stored act still carries a signature that checks. */
export type SignatureCheck =
  | { status: 'valid'; agencyId: string; keyId: string }
  | { status: 'invalid'; reason: string }
  /** A governance act, authenticated by the submitter's Fabric identity only. */
  | { status: 'not_signed'; reason: string };

/**
 * Re-checks an ActionRecord's SM2 signature over its stored request, with the key the agency held
 * at the time of the act. The agency's current record serves: keys are never removed from it, and
 * a revocation dated back (effectiveFrom) makes earlier signatures made after that instant fail.
 * `agencies` caches agency records across the versions of one query.
 */
export async function checkAction(
  ctx: Context,
  action: ActionRecord | undefined,
  agencies: Map<string, Agency | undefined> = new Map(),
): Promise<SignatureCheck> {
  if (!action) return { status: 'not_signed', reason: 'this version carries no action record' };
  if (action.signature === undefined) {
    return { status: 'not_signed', reason: `${action.action} by an identity of ${action.mspId}, authenticated by Fabric only` };
  }
  const { agencyId, keyId, request, signature, at } = action;
  if (agencyId === undefined || keyId === undefined || request === undefined) {
    return { status: 'invalid', reason: `${action.action} has a signature but lacks its agency, key or signed request` };
  }
  if (!agencies.has(agencyId)) agencies.set(agencyId, await findAgency(ctx, agencyId));
  const agency = agencies.get(agencyId);
  if (!agency) return { status: 'invalid', reason: `agency ${agencyId} is not registered` };
  try {
    requireAgencySignature(asChecked(agency, action), keyId, canonicalBytes(request), signature, at, action.action);
    return { status: 'valid', agencyId, keyId };
  } catch (err) {
    if (err instanceof ChaincodeError) return { status: 'invalid', reason: err.reason };
    throw err;
  }
}

/**
 * The agency as the act's signature was checked when it was written. An agency that revokes the very
 * key it signs with does so from its own transaction time (it may not date the revocation back), so
 * the revocation it wrote must not count against the act that wrote it.
 */
function asChecked(agency: Agency, action: ActionRecord): Agency {
  if (action.action !== 'revokeOwnKey' || action.request?.revokedKeyId !== action.keyId) return agency;
  const keys = agency.keys.map((key) => {
    if (key.keyId !== action.keyId || key.revokedAt === undefined || Date.parse(key.revokedAt) !== Date.parse(action.at)) return key;
    const { revokedAt: _revoked, ...before } = key;
    return before;
  });
  return { ...agency, keys };
}
