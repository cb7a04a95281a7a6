import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import { findAgency, loadAgency, requireActive, requireRole } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { emitRecordEvent } from '../common/events';
import { INDEX, putIndex, recordKey } from '../common/keys';
import { authenticate } from '../common/signed-request';
import { readIndexPage, writeJson } from '../common/state';
import { txTime, txTimeIso } from '../common/time';
import { pageSize, checkArgument, parseArgument, sm3Hex } from '../common/validation';
import {
  type Seal,
  type Sealing,
  findSeal,
  findSealing,
  loadSeal,
  normalisedSealing,
  normalisedTime,
  sealingIdOf,
} from './model';
import { type OfdSealing, type OfdSealingVerification, findOfdSealing, sealStatusAt } from './ofd-sealing';
import { optionalSm3, recordOfdSealingSchema, recordSealingSchema, registerSealSchema, revokeSealSchema, sealId, sealedDocumentSchema, sealingId } from './schemas';
import { notFound, sealingFindings, verdictOf, verification } from './verify';

/** How far a sign time may lie after the transaction time: the signer's clock may run ahead a little. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * How far a recorded sign time may lie before the transaction time. This bounds backdating: a seal
 * holder cannot record a sealing dated more than 24 h before it reaches the ledger, so after a
 * revocation it can only date new sealings into the last 24 h before the revocation's effectiveFrom
 * (a maker who suspects earlier misuse sets effectiveFrom back to it). Within 24 h it leaves time to
 * record documents sealed offline.
 */
const MAX_BACKDATE_MS = 24 * 60 * 60 * 1000;

const bookmark = z.string().max(1024);

/** 电子印章 (GB/T 38540): seals registered by makers, revoked, and the documents sealed with them. */
@Info({ title: 'Electronic seals', description: 'Electronic seals (电子印章) and recorded sealed documents (电子签章), GB/T 38540' })
export class SealContract extends Contract {
  constructor() {
    super('seal');
  }

  /** 印章注册 by a seal maker (制章机构) for an owner agency (用章单位). */
  @Transaction()
  @Returns('string')
  async register(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, registerSealSchema, requestJson);
    const { request, agency: maker } = auth;
    requireRole(maker, 'seal_maker');
    const owner = await loadAgency(ctx, request.ownerId);
    requireRole(owner, 'seal_owner');
    requireActive(owner);
    if (await findSeal(ctx, request.sealId)) {
      throw new ChaincodeError('ALREADY_EXISTS', `seal ${request.sealId} is already registered`, { sealId: request.sealId });
    }
    const now = txTimeIso(ctx);
    const validFrom = normalisedTime(request.validFrom);
    const validTo = normalisedTime(request.validTo);
    if (Date.parse(validTo) <= Date.parse(validFrom)) {
      throw new ChaincodeError('VALIDATION_FAILED', 'validTo must lie after validFrom', { validFrom, validTo });
    }
    // A seal is registered to seal documents from now on; one already expired could seal nothing.
    if (Date.parse(validTo) <= Date.parse(now)) {
      throw new ChaincodeError('VALIDATION_FAILED', 'validTo must lie after the transaction time', { validTo, now });
    }
    const action = auth.action('register');
    const seal: Seal = {
      kind: 'seal',
      sealId: request.sealId,
      makerId: maker.agencyId,
      ownerId: owner.agencyId,
      sealType: request.sealType,
      name: request.name,
      validFrom,
      validTo,
      picture: request.picture,
      publicKey: request.publicKey,
      status: 'active',
      registration: action,
      createdAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
      lastAction: action,
    };
    return this.saveSeal(ctx, seal, 'registered', maker.agencyId);
  }

  /**
   * 印章注销 by its maker or its owner; signatures made from effectiveFrom on are invalid. Only the
   * maker may date it back (to misuse it suspects): an owner dating it back would disown documents it
   * sealed itself, as an agency may not with its own keys.
   */
  @Transaction()
  @Returns('string')
  async revoke(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, revokeSealSchema, requestJson);
    const { request, agency } = auth;
    const seal = await loadSeal(ctx, request.sealId);
    if (agency.agencyId !== seal.makerId && agency.agencyId !== seal.ownerId) {
      throw new ChaincodeError('FORBIDDEN', `only the maker or the owner of seal ${seal.sealId} may revoke it`, { sealId: seal.sealId, agencyId: agency.agencyId });
    }
    if (seal.status === 'revoked') throw new ChaincodeError('INVALID_STATE', `seal ${seal.sealId} is already revoked`, { sealId: seal.sealId });
    const now = txTimeIso(ctx);
    const effectiveFrom = request.effectiveFrom === undefined ? now : normalisedTime(request.effectiveFrom);
    if (Date.parse(effectiveFrom) > Date.parse(now)) {
      throw new ChaincodeError('VALIDATION_FAILED', 'effectiveFrom may not lie after the transaction time', { effectiveFrom, now });
    }
    if (agency.agencyId !== seal.makerId && Date.parse(effectiveFrom) < Date.parse(now)) {
      throw new ChaincodeError('FORBIDDEN', `only the maker of seal ${seal.sealId} may date its revocation back; its owner revokes it from now`, {
        sealId: seal.sealId,
        effectiveFrom,
        now,
      });
    }
    const revoked: Seal = {
      ...seal,
      status: 'revoked',
      revocation: { effectiveFrom, reason: request.reason, revokedBy: agency.agencyId, recordedAt: now, txId: ctx.stub.getTxID() },
      updatedAt: now,
      txId: ctx.stub.getTxID(),
      lastAction: auth.action('revoke'),
    };
    return this.saveSeal(ctx, revoked, 'revoked', agency.agencyId);
  }

  /** 签章存证: the owner records a document it sealed, checked against the ledger as it stood at sign time. */
  @Transaction()
  @Returns('string')
  async recordSealing(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, recordSealingSchema, requestJson);
    const { request, agency: owner } = auth;
    requireRole(owner, 'seal_owner');
    const seal = await loadSeal(ctx, request.sealId);
    if (seal.ownerId !== owner.agencyId) {
      throw new ChaincodeError('FORBIDDEN', `seal ${seal.sealId} belongs to ${seal.ownerId}, not to ${owner.agencyId}`, { sealId: seal.sealId });
    }
    const fields = normalisedSealing({ documentSm3: request.documentSm3, sealId: request.sealId, signTime: request.signTime });
    const now = txTime(ctx).getTime();
    const at = Date.parse(fields.signTime);
    if (at > now + CLOCK_SKEW_MS || at < now - MAX_BACKDATE_MS) {
      throw new ChaincodeError('VALIDATION_FAILED', 'signTime must lie within 24 hours before and 5 minutes after the transaction time', {
        signTime: fields.signTime,
        now: new Date(now).toISOString(),
      });
    }
    const id = sealingIdOf(fields);
    if (await findSealing(ctx, id)) throw new ChaincodeError('ALREADY_EXISTS', `sealing ${id} is already recorded`, { sealingId: id });
    const findings = sealingFindings({ seal, maker: await findAgency(ctx, seal.makerId), fields, sealSignature: request.sealSignature, source: 'recorded' });
    if (findings.length > 0) {
      const verdict = verdictOf(findings);
      const code = verdict === 'signature_invalid' ? 'SIGNATURE_INVALID' : 'INVALID_STATE';
      throw new ChaincodeError(code, findings.find((f) => f.verdict === verdict)!.reason, { verdict, reasons: findings.map((f) => f.reason) });
    }
    const action = auth.action('recordSealing');
    const sealing: Sealing = {
      kind: 'sealing',
      sealingId: id,
      ...fields,
      ownerId: owner.agencyId,
      sealSignature: request.sealSignature,
      createdAt: action.at,
      updatedAt: action.at,
      txId: ctx.stub.getTxID(),
      lastAction: action,
    };
    await writeJson(ctx, recordKey(ctx, 'sealing', id), sealing);
    await putIndex(ctx, INDEX.sealingBySeal, [seal.sealId, id]);
    emitRecordEvent(ctx, { kind: 'sealing', id, action: 'recorded', agencyId: owner.agencyId });
    return JSON.stringify(sealing);
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, id: string): Promise<string> {
    return JSON.stringify(await loadSeal(ctx, checkArgument(sealId, id, 'sealId')));
  }

  @Transaction(false)
  @Returns('string')
  async getSealing(ctx: Context, id: string): Promise<string> {
    const sealing = await findSealing(ctx, checkArgument(sealingId, id, 'sealingId'));
    if (!sealing) throw new ChaincodeError('NOT_FOUND', `sealing ${id} is not recorded`, { sealingId: id });
    return JSON.stringify(sealing);
  }

  /** The sealings recorded with a seal, a page at a time (in sealing id order). */
  @Transaction(false)
  @Returns('string')
  async sealingsBySeal(ctx: Context, id: string, size: string, mark: string): Promise<string> {
    const seal = await loadSeal(ctx, checkArgument(sealId, id, 'sealId'));
    const page = await readIndexPage(
      ctx,
      INDEX.sealingBySeal,
      [seal.sealId],
      checkArgument(pageSize, size, 'pageSize'),
      checkArgument(bookmark, mark ?? '', 'bookmark'),
      (sealing) => findSealing(ctx, sealing),
    );
    return JSON.stringify(page);
  }

  /**
   * 签章验证 of a recorded sealing, judged at its recorded sign time: a revocation effective after
   * it leaves the sealing valid, one effective at or before it makes it invalid. With `documentSm3`,
   * also whether the document at hand is the one sealed (tampered otherwise); '' skips that (Fabric
   * passes every declared argument, so "omitted" is spelt '').
   */
  @Transaction(false)
  @Returns('string')
  async verifySealing(ctx: Context, id: string, documentSm3: string): Promise<string> {
    const sealing = await findSealing(ctx, checkArgument(sealingId, id, 'sealingId'));
    const digest = checkArgument(optionalSm3, documentSm3 ?? '', 'documentSm3');
    const now = txTimeIso(ctx);
    if (!sealing) return JSON.stringify(notFound('sealing_not_found', { sealingId: id }, `no sealing ${id} is recorded on the ledger`, now));
    const seal = await findSeal(ctx, sealing.sealId);
    if (!seal) return JSON.stringify(notFound('seal_not_registered', { sealId: sealing.sealId, sealingId: id }, `seal ${sealing.sealId} of sealing ${id} is not registered`, now));
    const check = { seal, maker: await findAgency(ctx, seal.makerId), fields: sealing, sealSignature: sealing.sealSignature, source: 'recorded' as const };
    return JSON.stringify(verification(check, now, sealing, digest));
  }

  /**
   * 签章验证 of a sealed document that may not be recorded: the seal signature, the seal valid at
   * the claimed sign time, and (the time being only claimed) no revocation of the seal at all. If
   * the same sealing is recorded, it is judged as recorded.
   */
  @Transaction(false)
  @Returns('string')
  async verifySealedDocument(ctx: Context, documentJson: string): Promise<string> {
    const document = parseArgument(sealedDocumentSchema, documentJson, 'sealedDocument');
    const fields = normalisedSealing({ documentSm3: document.documentSm3, sealId: document.sealId, signTime: document.signTime });
    const now = txTimeIso(ctx);
    if (Date.parse(fields.signTime) > Date.parse(now) + CLOCK_SKEW_MS) {
      throw new ChaincodeError('VALIDATION_FAILED', 'signTime lies in the future: a seal cannot be judged at a time still to come', { signTime: fields.signTime, now });
    }
    const seal = await findSeal(ctx, fields.sealId);
    if (!seal) return JSON.stringify(notFound('seal_not_registered', { sealId: fields.sealId }, `seal ${fields.sealId} is not registered on the ledger`, now));
    const recorded = await findSealing(ctx, sealingIdOf(fields));
    const check = { seal, maker: await findAgency(ctx, seal.makerId), fields, sealSignature: document.sealSignature, source: recorded ? ('recorded' as const) : ('claimed' as const) };
    return JSON.stringify(verification(check, now, recorded));
  }

  /**
   * 签章存证 of a sealed OFD by the agency that sealed it: the document's SM3 and each signature's
   * SM3, signing time and seal id. A seal of another system (no seal of that id here) is recorded
   * as named; a seal registered here must be the recorder's own, not revoked, and valid at the
   * signing time. The transaction time is when the sealing is known to have existed.
   */
  @Transaction()
  @Returns('string')
  async recordOfdSealing(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, recordOfdSealingSchema, requestJson);
    const { request, agency } = auth;
    requireRole(agency, 'seal_owner');
    const documentSm3 = request.documentSm3;
    if (await findOfdSealing(ctx, documentSm3)) {
      throw new ChaincodeError('ALREADY_EXISTS', `the sealing of document ${documentSm3} is already recorded`, { documentSm3 });
    }
    const now = txTimeIso(ctx);
    const signatures = request.signatures.map((s) => ({ ...s, signTime: normalisedTime(s.signTime) }));
    for (const s of signatures) {
      if (Date.parse(s.signTime) > Date.parse(now) + CLOCK_SKEW_MS) {
        throw new ChaincodeError('VALIDATION_FAILED', `signature ${s.signatureSm3} is dated ${s.signTime}, after the transaction time`, { signTime: s.signTime, now });
      }
      const seal = await findSeal(ctx, s.sealId);
      if (!seal) continue;
      if (seal.ownerId !== agency.agencyId) {
        throw new ChaincodeError('FORBIDDEN', `seal ${seal.sealId} belongs to ${seal.ownerId}, not to ${agency.agencyId}`, { sealId: seal.sealId });
      }
      if (sealStatusAt(seal.sealId, seal, now).status === 'revoked') {
        throw new ChaincodeError('INVALID_STATE', `seal ${seal.sealId} is revoked: no sealing with it is recorded any more`, { sealId: seal.sealId });
      }
      if (Date.parse(s.signTime) < Date.parse(seal.validFrom) || Date.parse(s.signTime) > Date.parse(seal.validTo)) {
        throw new ChaincodeError('INVALID_STATE', `seal ${seal.sealId} was not valid at ${s.signTime} (valid ${seal.validFrom} to ${seal.validTo})`, { sealId: seal.sealId });
      }
    }
    const action = auth.action('recordOfdSealing');
    const sealing: OfdSealing = {
      kind: 'ofd-sealing',
      documentSm3,
      ownerId: agency.agencyId,
      signatures,
      createdAt: action.at,
      updatedAt: action.at,
      txId: ctx.stub.getTxID(),
      lastAction: action,
    };
    await writeJson(ctx, recordKey(ctx, 'ofd-sealing', documentSm3), sealing);
    emitRecordEvent(ctx, { kind: 'ofd-sealing', id: documentSm3, action: 'recorded', agencyId: agency.agencyId });
    return JSON.stringify(sealing);
  }

  /**
   * Whether and when the sealing of an OFD was recorded, and the status on this ledger of its seals
   * (those recorded, and `sealIdsJson`, the ones the document at hand names) at that time: a
   * revocation effective later leaves the sealing standing. Not recorded, the signing times are
   * only claimed, so any revocation counts.
   */
  @Transaction(false)
  @Returns('string')
  async verifyOfdSealing(ctx: Context, documentSm3: string, sealIdsJson: string): Promise<string> {
    const digest = checkArgument(sm3Hex, documentSm3, 'documentSm3');
    const named = parseArgument(z.array(sealId).max(100), sealIdsJson || '[]', 'sealIds');
    const sealing = await findOfdSealing(ctx, digest);
    const ids = [...new Set([...(sealing?.signatures.map((s) => s.sealId) ?? []), ...named])];
    const seals = await Promise.all(ids.map(async (id) => sealStatusAt(id, await findSeal(ctx, id), sealing?.createdAt)));
    const result: OfdSealingVerification = sealing ? { recorded: true, documentSm3: digest, sealing, seals } : { recorded: false, documentSm3: digest, seals };
    return JSON.stringify(result);
  }

  private async saveSeal(ctx: Context, seal: Seal, event: string, actor: string): Promise<string> {
    await writeJson(ctx, recordKey(ctx, 'seal', seal.sealId), seal);
    const other = actor === seal.makerId ? seal.ownerId : seal.makerId;
    emitRecordEvent(ctx, { kind: 'seal', id: seal.sealId, action: event, agencyId: actor, counterparties: other === actor ? [] : [other] });
    return JSON.stringify(seal);
  }
}
