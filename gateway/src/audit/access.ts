import type { Agency } from '@henan-chain/chaincode';
import type { Principal } from '../auth/tokens';
import { ApiError } from '../errors';
import type { Services } from '../services';

/** What a caller may read of the audit trail: everything, or what concerns one agency. */
export type AuditScope = { kind: 'all'; reason: 'governance' | 'auditor' } | { kind: 'own'; agencyId: string };

/** Roles change rarely; a short cache spares a chaincode query per audit request. */
const ROLE_TTL_MS = 30_000;

/**
 * Who may read the audit trail (审计权限). Governance and an active agency holding the `auditor`
 * role (审计方) read everything; any other agency reads only what concerns itself: records it
 * acted on or is a party to, and events where it is the actor or a counterparty. The role is taken
 * from the agency's record on chain, never from the token, so granting or withdrawing it (or
 * suspending the agency) takes effect within ROLE_TTL_MS.
 */
export class AuditAccess {
  private readonly auditors = new Map<string, { auditor: boolean; until: number }>();

  constructor(private readonly query: Services['query']) {}

  async scope(principal: Principal): Promise<AuditScope> {
    if (principal.kind === 'governance') return { kind: 'all', reason: 'governance' };
    return (await this.isAuditor(principal.agencyId)) ? { kind: 'all', reason: 'auditor' } : { kind: 'own', agencyId: principal.agencyId };
  }

  /** The agency whose events a caller reads: the one asked for, which an agency without the auditor role may only name as itself. */
  agencyFor(scope: AuditScope, asked: string | undefined): string | undefined {
    if (scope.kind === 'all') return asked;
    if (asked !== undefined && asked !== scope.agencyId) {
      throw new ApiError(403, 'FORBIDDEN', `agency ${scope.agencyId} may read only its own audit trail, not that of ${asked} (the auditor role reads all)`);
    }
    return scope.agencyId;
  }

  private async isAuditor(agencyId: string): Promise<boolean> {
    const cached = this.auditors.get(agencyId);
    if (cached && cached.until > Date.now()) return cached.auditor;
    const agency = await this.query<Agency>('agency:get', agencyId);
    const auditor = agency.status === 'active' && agency.roles.includes('auditor');
    this.auditors.set(agencyId, { auditor, until: Date.now() + ROLE_TTL_MS });
    return auditor;
  }
}
