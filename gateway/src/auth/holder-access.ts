import type Koa from 'koa';
import type { HolderReadAction, HolderReadLog } from '../audit/holder-reads';
import { ApiError } from '../errors';
import type { Principal } from './tokens';

/**
 * Who sees holders (持证主体). A holder commitment is a stable pseudonym: whoever has it can link every
 * licence and case of one person or company. So a caller without a token reads licences and cases
 * without it, and a read that names a holder needs an agency token and goes to the holder-read trail.
 */

/**
 * A licence or case record as the public sees it: every holder commitment dropped, wherever the record
 * carries one (the holder, the applicant, and the signed requests it keeps in issuance and lastAction).
 * Anyone may still verify the record: 证照核验 re-checks its signatures on chain, and its evidence bundle
 * carries the signed request whole, as the signature needs.
 */
export function withoutHolderCommitments<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutHolderCommitments) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'applicantCommitment') continue;
    if (key === 'holder' && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const { commitment: _hidden, ...rest } = item as Record<string, unknown>;
      out[key] = rest;
    } else {
      out[key] = withoutHolderCommitments(item);
    }
  }
  return out as T;
}

/** Licence or case records as `principal` may see them: whole for any token (agencies and governance), else without holder commitments. */
export function shownTo<T>(principal: Principal | undefined, records: T): T {
  return principal ? records : withoutHolderCommitments(records);
}

/**
 * Admits a holder-linked read: an agency token only (no token: 401; governance: 403, as it acts for no
 * agency), written to the trail before anything is read, so no answer leaves unrecorded.
 */
export async function admitHolderRead(
  trail: HolderReadLog,
  koa: Koa.ParameterizedContext,
  principal: Principal | undefined,
  read: { action: HolderReadAction; commitment: string; codeType?: string },
): Promise<void> {
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'a read by holder needs an agency token (Authorization: Bearer <token>); it is recorded in the holder-read trail');
  if (principal.kind !== 'agency') throw new ApiError(403, 'FORBIDDEN', 'a read by holder is an agency\u2019s, recorded under its name: use an agency token');
  await trail.record({ agencyId: principal.agencyId, requestId: String(koa.state.requestId), ...read });
}
