import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { findAgency, loadAgency, requireActive, requireRole } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { emitRecordEvent } from '../common/events';
import { INDEX, putIndex, recordKey } from '../common/keys';
import { authenticate } from '../common/signed-request';
import { readIndexPage, writeJson } from '../common/state';
import { txTime, txTimeIso } from '../common/time';
import { checkArgument } from '../common/validation';
import { loadLicence, parseIdentifier } from '../licence/model';
import { chinaDate } from '../licence/rules';
import { MAX_STEPS, type ServiceCase, agencyOf, effectiveDeadline, findCase, isOverdue, isParty, loadCase, regionOf } from './model';
import { byRegionQuery, caseId as caseIdSchema, createSchema, transitionSchema } from './schemas';
import { actionsFrom, findTransition } from './transitions';

/** 跨省通办 / 跨域办件: a case moved through its states, each step signed by the acting region's agency. */
@Info({ title: 'Cross-region service cases', description: '跨省通办: cases collected in one region and handled in another, with a signed trail' })
export class CaseContract extends Contract {
  constructor() {
    super('case');
  }

  /** 收件登记 by the collecting region's agency, naming the handling region and its agency. */
  @Transaction()
  @Returns('string')
  async create(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, createSchema, requestJson);
    const { request, agency: collecting } = auth;
    requireRole(collecting, 'region');
    if (collecting.regionCode !== request.collectingRegion) {
      throw new ChaincodeError('FORBIDDEN', `agency ${collecting.agencyId} serves region ${collecting.regionCode}, not the collecting region ${request.collectingRegion}`);
    }
    const handling = await loadAgency(ctx, request.handlingAgencyId);
    requireRole(handling, 'region');
    requireActive(handling);
    if (handling.regionCode !== request.handlingRegion) {
      throw new ChaincodeError('VALIDATION_FAILED', `handling agency ${handling.agencyId} serves region ${handling.regionCode}, not ${request.handlingRegion}`);
    }
    // Only an online case may be registered within the handling region itself; a relayed one crosses regions.
    if (request.mode !== 'online' && request.collectingRegion === request.handlingRegion) {
      throw new ChaincodeError('VALIDATION_FAILED', `a ${request.mode} case needs a collecting region other than the handling region`);
    }
    const now = txTimeIso(ctx);
    if (Date.parse(request.appliedAt) > Date.parse(now)) {
      throw new ChaincodeError('VALIDATION_FAILED', `appliedAt ${request.appliedAt} lies after the transaction time ${now}`);
    }
    if (Date.parse(request.promisedBy) <= Date.parse(request.appliedAt)) {
      throw new ChaincodeError('VALIDATION_FAILED', 'promisedBy must lie after appliedAt');
    }
    if (await findCase(ctx, request.caseId)) {
      throw new ChaincodeError('ALREADY_EXISTS', `case ${request.caseId} already exists`, { caseId: request.caseId });
    }
    const { caseId, serviceItemCode, serviceItemVersion, mode, collectingRegion, handlingRegion, applicantCommitment, appliedAt, promisedBy, opinion } = request;
    const txId = ctx.stub.getTxID();
    const record: ServiceCase = {
      kind: 'case',
      caseId,
      serviceItemCode,
      serviceItemVersion,
      mode,
      collectingRegion,
      collectingAgencyId: collecting.agencyId,
      handlingRegion,
      handlingAgencyId: handling.agencyId,
      applicantCommitment,
      appliedAt,
      promisedBy,
      state: 'submitted',
      suspendedMs: 0,
      steps: [
        { seq: 1, action: 'submit', to: 'submitted', regionCode: collectingRegion, agencyId: collecting.agencyId, at: now, txId, ...(opinion !== undefined && { opinion }) },
      ],
      createdAt: now,
      updatedAt: now,
      txId,
      lastAction: auth.action('create'),
    };
    for (const region of new Set([collectingRegion, handlingRegion])) await putIndex(ctx, INDEX.caseByRegion, [region, caseId]);
    return this.save(ctx, record, 'created');
  }

  /**
   * One step along the state machine of `transitions.ts`. FORBIDDEN for an agency that is not on the
   * case or not of the region whose turn it is; INVALID_STATE for an action the state does not allow.
   */
  @Transaction()
  @Returns('string')
  async transition(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, transitionSchema, requestJson);
    const { request, agency } = auth;
    const record = await loadCase(ctx, request.caseId);
    if (!isParty(record, agency.agencyId)) {
      throw new ChaincodeError('FORBIDDEN', `agency ${agency.agencyId} is neither the collecting nor the handling agency of case ${record.caseId}`, {
        caseId: record.caseId,
      });
    }
    const rule = findTransition(record.mode, record.state, request.action);
    if (!rule) {
      throw new ChaincodeError('INVALID_STATE', `a ${record.mode} case in state ${record.state} does not allow ${request.action}`, {
        caseId: record.caseId,
        state: record.state,
        allowed: actionsFrom(record.mode, record.state),
      });
    }
    if (agencyOf(record, rule.by) !== agency.agencyId) {
      throw new ChaincodeError('FORBIDDEN', `${request.action} is for the ${rule.by} region ${regionOf(record, rule.by)} (agency ${agencyOf(record, rule.by)})`, {
        caseId: record.caseId,
        agencyId: agency.agencyId,
      });
    }
    if (rule.needsOpinion && request.opinion === undefined) {
      throw new ChaincodeError('VALIDATION_FAILED', `request.opinion: ${request.action} needs an opinion saying why`);
    }
    if (record.steps.length >= MAX_STEPS) {
      throw new ChaincodeError('INVALID_STATE', `case ${record.caseId} has reached ${MAX_STEPS} steps`, { caseId: record.caseId });
    }
    const now = txTime(ctx);
    const licenceId = request.licenceId === undefined ? undefined : await resultLicence(ctx, record, request.licenceId, now);
    const at = now.toISOString();
    const txId = ctx.stub.getTxID();
    // The clock pauses while suspended: close the suspension whatever leaves that state (resume or withdraw).
    if (record.suspendedSince !== undefined) {
      record.suspendedMs += now.getTime() - Date.parse(record.suspendedSince);
      delete record.suspendedSince;
    }
    if (rule.to === 'suspended') record.suspendedSince = at;
    if (request.action === 'conclude') {
      record.result = { outcome: request.outcome!, at, ...(licenceId !== undefined && { licenceId }) };
    }
    record.steps.push({
      seq: record.steps.length + 1,
      action: request.action,
      from: record.state,
      to: rule.to,
      regionCode: regionOf(record, rule.by),
      agencyId: agency.agencyId,
      at,
      txId,
      ...(request.opinion !== undefined && { opinion: request.opinion }),
    });
    record.state = rule.to;
    return this.save(ctx, { ...record, updatedAt: at, txId, lastAction: auth.action(request.action) }, request.action);
  }

  /** The case with its whole trail. */
  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, caseId: string): Promise<string> {
    // Checked first: fabric-shim refuses an empty composite-key attribute with an unstructured error.
    return JSON.stringify(await loadCase(ctx, checkArgument(caseIdSchema, caseId, 'caseId')));
  }

  /** Cases where the region collects or handles, in case-id order. */
  @Transaction(false)
  @Returns('string')
  async byRegion(ctx: Context, regionCode: string, pageSize: string, bookmark: string): Promise<string> {
    const query = checkArgument(byRegionQuery, { regionCode, pageSize, bookmark }, 'query');
    return JSON.stringify(await readIndexPage(ctx, INDEX.caseByRegion, [query.regionCode], query.pageSize, query.bookmark, (id) => findCase(ctx, id)));
  }

  /**
   * The region's cases still running past their promised time (extended by time suspended), as of
   * this query's transaction time. The page walks the region's index, so a page may hold fewer
   * than pageSize cases (even none) and still carry a bookmark to the next.
   */
  @Transaction(false)
  @Returns('string')
  async overdue(ctx: Context, regionCode: string, pageSize: string, bookmark: string): Promise<string> {
    const query = checkArgument(byRegionQuery, { regionCode, pageSize, bookmark }, 'query');
    const now = txTime(ctx);
    const page = await readIndexPage(ctx, INDEX.caseByRegion, [query.regionCode], query.pageSize, query.bookmark, async (id) => {
      const found = await findCase(ctx, id);
      if (!found || !isOverdue(found, now)) return undefined;
      return { ...found, effectiveDeadline: effectiveDeadline(found, now).toISOString() };
    });
    return JSON.stringify({ ...page, asOf: now.toISOString() });
  }

  /** Writes the case and emits its one event, naming the other region's agency as counterparty. */
  private async save(ctx: Context, record: ServiceCase, event: string): Promise<string> {
    await writeJson(ctx, recordKey(ctx, 'case', record.caseId), record);
    const actor = record.lastAction.agencyId!;
    emitRecordEvent(ctx, {
      kind: 'case',
      id: record.caseId,
      action: event,
      agencyId: actor,
      counterparties: [record.collectingAgencyId, record.handlingAgencyId].filter((id) => id !== actor),
    });
    return JSON.stringify(record);
  }
}

/**
 * The licence an approving conclusion names (办结结果): on the ledger, in force, issued by an agency of
 * the handling region, which decided the case, and not before the case was applied for. Returned in
 * canonical form (a UUID serial in upper case), as the licence contract keys it.
 */
async function resultLicence(ctx: Context, record: ServiceCase, given: string, now: Date): Promise<string> {
  const licenceId = parseIdentifier(given, 'licence identifier of the result').id;
  const licence = await loadLicence(ctx, licenceId);
  const expired = licence.validUntil !== null && Date.parse(licence.validUntil) <= now.getTime();
  if (licence.status !== 'valid' || expired) {
    const status = expired ? 'expired' : licence.status;
    throw new ChaincodeError('INVALID_STATE', `licence ${licenceId} is ${status}: the result of a case is a licence in force`, { licenceId, status });
  }
  if (licence.issueDate < chinaDate(record.appliedAt)) {
    throw new ChaincodeError(
      'VALIDATION_FAILED',
      `request.licenceId: licence ${licenceId} was issued on ${licence.issueDate}, before case ${record.caseId} was applied for (${record.appliedAt})`,
      { licenceId, issueDate: licence.issueDate },
    );
  }
  const issuer = await findAgency(ctx, licence.issuerId);
  if (issuer?.regionCode !== record.handlingRegion) {
    throw new ChaincodeError(
      'VALIDATION_FAILED',
      `request.licenceId: licence ${licenceId} was issued by agency ${licence.issuerId}${issuer ? ` of region ${issuer.regionCode}` : ''}, not by the handling region ${record.handlingRegion}`,
      { licenceId, issuerId: licence.issuerId },
    );
  }
  return licenceId;
}
