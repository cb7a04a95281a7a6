import type { Context } from 'fabric-contract-api';
import type { ActionRecord } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { recordKey } from '../common/keys';
import { readJson } from '../common/state';
import { type CaseAction, type CaseMode, type CaseState, RUNNING_STATES, type Side } from './transitions';

/** One step of the trail (办理环节): who acted, from which state to which, when, and why. */
export interface CaseStep {
  /** 1, 2, ... in order. */
  seq: number;
  action: CaseAction | 'submit';
  /** Absent on the first step (the case's creation). */
  from?: CaseState;
  to: CaseState;
  regionCode: string;
  agencyId: string;
  at: string;
  txId: string;
  /** 办理意见 */
  opinion?: string;
}

export interface CaseResult {
  outcome: 'approved' | 'denied'; // 准予 | 不予
  at: string;
  /** 电子证照标识 (GB/T 36904) of a licence issued as the result. */
  licenceId?: string;
}

export interface ServiceCase {
  kind: 'case';
  /** 办件编号: the case number, unique on the chain. */
  caseId: string;
  /** 实施编码 of the service item, and its version. */
  serviceItemCode: string;
  serviceItemVersion: string;
  mode: CaseMode;
  /** 受理地 / 收件地 */
  collectingRegion: string;
  collectingAgencyId: string;
  /** 办理地 */
  handlingRegion: string;
  handlingAgencyId: string;
  /** Keyed SM3 commitment to the applicant (never the identifier itself). */
  applicantCommitment: string;
  appliedAt: string;
  /** 承诺办结时间, before any extension by suspension. */
  promisedBy: string;
  state: CaseState;
  /** Milliseconds spent suspended in closed suspensions (特别程序 does not count against the promise). */
  suspendedMs: number;
  /** When the current suspension began, while suspended. */
  suspendedSince?: string;
  result?: CaseResult;
  steps: CaseStep[];
  createdAt: string;
  updatedAt: string;
  txId: string;
  lastAction: ActionRecord;
}

/** Enough for every ordinary path with several correction and suspension rounds; more is a case to escalate. */
export const MAX_STEPS = 100;

export function findCase(ctx: Context, caseId: string): Promise<ServiceCase | undefined> {
  return readJson<ServiceCase>(ctx, recordKey(ctx, 'case', caseId));
}

export async function loadCase(ctx: Context, caseId: string): Promise<ServiceCase> {
  const found = await findCase(ctx, caseId);
  if (!found) throw new ChaincodeError('NOT_FOUND', `case ${caseId} does not exist`, { caseId });
  return found;
}

/** Whether `agencyId` acts on this case at all (as the collecting or the handling agency). */
export function isParty(c: ServiceCase, agencyId: string): boolean {
  return agencyId === c.collectingAgencyId || agencyId === c.handlingAgencyId;
}

export function agencyOf(c: ServiceCase, side: Side): string {
  return side === 'collecting' ? c.collectingAgencyId : c.handlingAgencyId;
}

export function regionOf(c: ServiceCase, side: Side): string {
  return side === 'collecting' ? c.collectingRegion : c.handlingRegion;
}

/** The promised completion time extended by all time spent suspended, counted up to `now`. */
export function effectiveDeadline(c: ServiceCase, now: Date): Date {
  const running = c.suspendedSince === undefined ? 0 : now.getTime() - Date.parse(c.suspendedSince);
  return new Date(Date.parse(c.promisedBy) + c.suspendedMs + running);
}

/** Not yet concluded or closed, and past its (extended) promised completion time at `now`. */
export function isOverdue(c: ServiceCase, now: Date): boolean {
  return RUNNING_STATES.includes(c.state) && effectiveDeadline(c, now).getTime() < now.getTime();
}
