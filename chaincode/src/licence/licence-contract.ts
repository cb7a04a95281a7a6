import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { CryptoError, nextLicenceVersion } from '@henan-chain/crypto';
import type { ActionRecord } from '../agency/model';
import { requireRole } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { emitRecordEvent } from '../common/events';
import { INDEX, recordKey } from '../common/keys';
import { authenticate } from '../common/signed-request';
import { readIndexPage, writeJson } from '../common/state';
import { txTimeIso } from '../common/time';
import { checkArgument } from '../common/validation';
import { indexLicence, seriesVersions } from './indexes';
import { type Licence, type LicenceStatus, findLicence, loadLicence, parseIdentifier, seriesIdOf } from './model';
import { checkContent, issuedContent, renewedContent, requireIssuedSince, requireIssuer, requireIssuerCode, requireLicenceType, requireStatus } from './rules';
import { byHolderQuery, byIssuerTypeQuery, issueSchema, renewSchema, statusChangeSchema, verifyQuery } from './schemas';
import { unheldStatusAct, verifyLicence } from './verify';

/** The status changes after issuance: which states each may start from, and where it leads. */
const STATUS_CHANGES = {
  suspend: { from: ['valid'], to: 'suspended', event: 'suspended' }, // 暂扣
  reinstate: { from: ['suspended'], to: 'valid', event: 'reinstated' }, // 恢复
  revoke: { from: ['valid', 'suspended'], to: 'revoked', event: 'revoked' }, // 吊销
  cancel: { from: ['valid', 'suspended'], to: 'cancelled', event: 'cancelled' }, // 撤销 / 注销
} as const satisfies Record<string, { from: readonly LicenceStatus[]; to: LicenceStatus; event: string }>;

/** 电子证照 (GB/T 36901-36906): issuance, renewal, status changes and verification. */
@Info({ title: 'Electronic licences', description: '电子证照: issue, renew, suspend, reinstate, revoke, cancel, verify' })
export class LicenceContract extends Contract {
  constructor() {
    super('licence');
  }

  /** 发证: a new licence (version 001) by an issuer of its type, in its own name. */
  @Transaction()
  @Returns('string')
  async issue(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, issueSchema, requestJson);
    const { request, agency } = auth;
    requireRole(agency, 'issuer');
    const parts = parseIdentifier(request.licenceId);
    if (parts.version !== '001') {
      throw new ChaincodeError('VALIDATION_FAILED', `a new licence starts at version 001, not ${parts.version}: later versions come from renew`, {
        licenceId: parts.id,
      });
    }
    const issuerCodeForm = requireIssuerCode(agency, parts);
    requireLicenceType(agency, parts.licenceTypeCode);
    await requireAbsent(ctx, parts.id);
    const now = txTimeIso(ctx);
    const content = issuedContent(request, parts.id);
    checkContent(content, now);
    const action = auth.action('issue');
    const licence: Licence = {
      kind: 'licence',
      ...content,
      seriesId: seriesIdOf(parts),
      version: parts.version,
      licenceTypeCode: parts.licenceTypeCode,
      issuerId: agency.agencyId,
      issuerCode: parts.issuerCode,
      issuerCodeForm,
      status: 'valid',
      issuance: action,
      ...stamp(ctx, action),
      createdAt: now,
    };
    await indexLicence(ctx, licence);
    return save(ctx, licence, 'issued');
  }

  /** 换证 / 变更: the next version, which replaces the previous one (then `superseded`). */
  @Transaction()
  @Returns('string')
  async renew(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, renewSchema, requestJson);
    const { request, agency } = auth;
    requireRole(agency, 'issuer');
    const previous = await loadLicence(ctx, parseIdentifier(request.previousLicenceId, 'previous licence identifier').id);
    requireIssuer(previous, agency);
    requireLicenceType(agency, previous.licenceTypeCode);
    requireStatus(previous, ['valid', 'suspended'], 'renew');
    const parts = parseIdentifier(request.licenceId);
    const expected = nextVersionOf(previous.licenceId);
    if (parts.id !== expected) {
      throw new ChaincodeError('VALIDATION_FAILED', `the next version of ${previous.licenceId} is ${expected}, not ${parts.id}`, { expected });
    }
    await requireAbsent(ctx, parts.id);
    const now = txTimeIso(ctx);
    const content = renewedContent(previous, request, parts.id);
    checkContent(content, now);
    requireIssuedSince(previous, content);
    const action = auth.action('renew');
    // Content comes from `content`; identity (series, type, issuer) from the previous version.
    const { statusReason: _reason, statusChangedAt: _at, ...carried } = previous;
    const licence: Licence = {
      ...carried,
      ...content,
      version: parts.version,
      status: 'valid',
      supersedes: previous.licenceId,
      renewalReason: request.reason,
      issuance: action,
      ...stamp(ctx, action),
      createdAt: now,
    };
    const superseded: Licence = {
      ...previous,
      status: 'superseded',
      statusReason: request.reason === 'renewal' ? 'renewal (换证)' : 'change (变更)',
      statusChangedAt: now,
      supersededBy: licence.licenceId,
      ...stamp(ctx, action),
    };
    await writeJson(ctx, recordKey(ctx, 'licence', superseded.licenceId), superseded);
    await indexLicence(ctx, licence);
    return save(ctx, licence, 'renewed');
  }

  @Transaction()
  @Returns('string')
  async suspend(ctx: Context, requestJson: string): Promise<string> {
    return this.changeStatus(ctx, requestJson, 'suspend');
  }

  @Transaction()
  @Returns('string')
  async reinstate(ctx: Context, requestJson: string): Promise<string> {
    return this.changeStatus(ctx, requestJson, 'reinstate');
  }

  @Transaction()
  @Returns('string')
  async revoke(ctx: Context, requestJson: string): Promise<string> {
    return this.changeStatus(ctx, requestJson, 'revoke');
  }

  @Transaction()
  @Returns('string')
  async cancel(ctx: Context, requestJson: string): Promise<string> {
    return this.changeStatus(ctx, requestJson, 'cancel');
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, licenceId: string): Promise<string> {
    return JSON.stringify(await loadLicence(ctx, parseIdentifier(licenceId).id));
  }

  /** Every version of the licence's series, oldest first. */
  @Transaction(false)
  @Returns('string')
  async versions(ctx: Context, licenceId: string): Promise<string> {
    const parts = parseIdentifier(licenceId);
    const versions = await seriesVersions(ctx, seriesIdOf(parts));
    if (versions.length === 0) throw new ChaincodeError('NOT_FOUND', `no version of licence ${parts.id} is on the ledger`, { licenceId: parts.id });
    return JSON.stringify(versions);
  }

  /** Licences of one holder (every version), a page at a time. */
  @Transaction(false)
  @Returns('string')
  async byHolder(ctx: Context, commitment: string, pageSize: string, bookmark: string): Promise<string> {
    const query = checkArgument(byHolderQuery, { commitment, pageSize, bookmark }, 'query');
    const page = await readIndexPage(ctx, INDEX.licenceByHolder, [query.commitment], query.pageSize, query.bookmark, (id) => findLicence(ctx, id));
    return JSON.stringify(page);
  }

  /** Licences of one type issued by one agency, a page at a time. */
  @Transaction(false)
  @Returns('string')
  async byIssuerType(ctx: Context, issuerId: string, licenceTypeCode: string, pageSize: string, bookmark: string): Promise<string> {
    const query = checkArgument(byIssuerTypeQuery, { issuerId, licenceTypeCode, pageSize, bookmark }, 'query');
    const page = await readIndexPage(
      ctx,
      INDEX.licenceByIssuerType,
      [query.issuerId, query.licenceTypeCode],
      query.pageSize,
      query.bookmark,
      (id) => findLicence(ctx, id),
    );
    return JSON.stringify(page);
  }

  /** 核验: the verdict on a licence now, with reasons and evidence; documentSm3 '' skips the file check. */
  @Transaction(false)
  @Returns('string')
  async verify(ctx: Context, licenceId: string, documentSm3: string): Promise<string> {
    // No default value: the decorator metadata would lose the parameter's type. A missing one is ''.
    const query = checkArgument(verifyQuery, { documentSm3: documentSm3 ?? '' }, 'query');
    return JSON.stringify(await verifyLicence(ctx, parseIdentifier(licenceId).id, query.documentSm3));
  }

  private async changeStatus(ctx: Context, requestJson: string, act: keyof typeof STATUS_CHANGES): Promise<string> {
    const change = STATUS_CHANGES[act];
    const auth = await authenticate(ctx, statusChangeSchema, requestJson);
    const { request, agency } = auth;
    requireRole(agency, 'issuer');
    const licence = await loadLicence(ctx, parseIdentifier(request.licenceId).id);
    requireIssuer(licence, agency);
    // A status set by an act whose signature no longer holds (made with a key revoked from before it)
    // may have been set by whoever held that key: the issuer, signing now with a valid key, may undo it.
    const undoable = act === 'reinstate' && (await unheldStatusAct(ctx, licence)) !== undefined;
    if (!undoable) requireStatus(licence, change.from, act);
    const updated: Licence = {
      ...licence,
      status: change.to,
      statusReason: request.reason,
      statusChangedAt: txTimeIso(ctx),
      ...stamp(ctx, auth.action(act)),
    };
    return save(ctx, updated, change.event);
  }
}

async function requireAbsent(ctx: Context, licenceId: string): Promise<void> {
  if (await findLicence(ctx, licenceId)) {
    throw new ChaincodeError('ALREADY_EXISTS', `licence ${licenceId} is already on the ledger`, { licenceId });
  }
}

function nextVersionOf(licenceId: string): string {
  try {
    return nextLicenceVersion(licenceId);
  } catch (err) {
    if (err instanceof CryptoError) throw new ChaincodeError('INVALID_STATE', `licence ${licenceId} cannot have a next version: ${err.message}`);
    throw err;
  }
}

/** The provenance fields every write refreshes. */
function stamp(ctx: Context, action: ActionRecord): Pick<Licence, 'updatedAt' | 'txId' | 'lastAction'> {
  return { updatedAt: txTimeIso(ctx), txId: ctx.stub.getTxID(), lastAction: action };
}

async function save(ctx: Context, licence: Licence, event: string): Promise<string> {
  await writeJson(ctx, recordKey(ctx, 'licence', licence.licenceId), licence);
  emitRecordEvent(ctx, { kind: 'licence', id: licence.licenceId, action: event, agencyId: licence.issuerId });
  return JSON.stringify(licence);
}
