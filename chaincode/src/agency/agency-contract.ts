import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalBytes, verify } from '@henan-chain/crypto';
import { readConfig, requireGovernanceAdmin, callerIsAdmin } from '../common/access';
import { ChaincodeError } from '../common/errors';
import { emitRecordEvent } from '../common/events';
import { CONFIG_KEY, recordKey } from '../common/keys';
import { authenticate, governanceAction } from '../common/signed-request';
import { readAllByPartialKey, readJson, writeJson } from '../common/state';
import { txTimeIso } from '../common/time';
import { checkArgument, parseArgument, uscc } from '../common/validation';
import { type ActionRecord, type Agency, type AgencyKey, findAgency, keyIdOf, loadAgency } from './model';
import {
  configSchema,
  governanceAddKeySchema,
  governanceRevokeKeySchema,
  registerSchema,
  revokeOwnKeySchema,
  rotateKeySchema,
  statusChangeSchema,
} from './schemas';

/** The statement a new key's holder signs to prove possession (so nobody registers a key they do not hold). */
export function possessionStatement(agencyId: string, publicKey: string): Uint8Array {
  return canonicalBytes({ purpose: 'henan-chain/key-possession/v1', agencyId, publicKey });
}

function requirePossession(agencyId: string, publicKey: string, proof: string): void {
  const result = verify(possessionStatement(agencyId, publicKey), proof, publicKey);
  if (!result.valid) {
    throw new ChaincodeError('SIGNATURE_INVALID', `proof of possession for the new key is invalid: ${result.reason}`, { agencyId });
  }
}

function newKey(agency: Pick<Agency, 'agencyId' | 'keys'>, publicKey: string, proof: string, now: string): AgencyKey {
  requirePossession(agency.agencyId, publicKey, proof);
  const keyId = keyIdOf(publicKey);
  if (agency.keys.some((k) => k.keyId === keyId)) {
    throw new ChaincodeError('ALREADY_EXISTS', `key ${keyId} is already registered for agency ${agency.agencyId}`, { keyId });
  }
  return { keyId, publicKey, validFrom: now };
}

/**
 * Revokes `keyId` from `effectiveFrom` (default: now). Only governance may date a revocation back to
 * when a compromise began: an agency revoking its own key backwards could disown signatures it made,
 * such as a provider's on a data delivery, so `backdating` is false for the agency's own request.
 */
function revoke(agency: Agency, keyId: string, effectiveFrom: string | undefined, reason: string, now: string, backdating: boolean): void {
  const key = agency.keys.find((k) => k.keyId === keyId);
  if (!key) throw new ChaincodeError('KEY_NOT_FOUND', `agency ${agency.agencyId} has no key ${keyId}`, { keyId });
  if (key.revokedAt !== undefined) throw new ChaincodeError('INVALID_STATE', `key ${keyId} is already revoked`, { keyId });
  const from = effectiveFrom ?? now;
  if (Date.parse(from) > Date.parse(now)) {
    throw new ChaincodeError('VALIDATION_FAILED', 'effectiveFrom may not lie after the transaction time', { effectiveFrom: from, now });
  }
  if (!backdating && Date.parse(from) < Date.parse(now)) {
    throw new ChaincodeError('FORBIDDEN', 'an agency revokes its own key from now on; a revocation dated back is made by governance', {
      effectiveFrom: from,
      now,
    });
  }
  // A revocation dated before the key existed would say nothing more than "from its start".
  key.revokedAt = Date.parse(from) < Date.parse(key.validFrom) ? key.validFrom : from;
  key.revocationReason = reason;
}

/** 机构注册: the registry of agencies, their roles, organisations and SM2 keys. */
@Info({ title: 'Agency registry', description: 'Agencies (机构), their roles and SM2 keys with validity windows' })
export class AgencyContract extends Contract {
  constructor() {
    super('agency');
  }

  /** Sets the governance organisation once; only that organisation's admin may do it. */
  @Transaction()
  async initialise(ctx: Context, configJson: string): Promise<void> {
    const config = parseArgument(configSchema, configJson, 'config');
    if (await readJson(ctx, CONFIG_KEY)) throw new ChaincodeError('ALREADY_EXISTS', 'the chain configuration is already initialised');
    if (ctx.clientIdentity.getMSPID() !== config.governanceMspId || !callerIsAdmin(ctx)) {
      throw new ChaincodeError('FORBIDDEN', `only an admin of ${config.governanceMspId} may initialise it as the governance organisation`);
    }
    await writeJson(ctx, CONFIG_KEY, config);
  }

  @Transaction(false)
  @Returns('string')
  async getConfig(ctx: Context): Promise<string> {
    return JSON.stringify(await readConfig(ctx));
  }

  /**
   * Reads and writes nothing, emits nothing, answers nothing: a transaction that costs only what the
   * ledger itself costs (endorsement, ordering, validation, commit), the baseline that benchmarks
   * compare the real transactions with. Anyone of the channel may submit it.
   */
  @Transaction()
  async ping(_ctx: Context): Promise<void> {}

  /** 机构注册 by the governance organisation's admin, with proof that the agency holds its key. */
  @Transaction()
  @Returns('string')
  async register(ctx: Context, requestJson: string): Promise<string> {
    await requireGovernanceAdmin(ctx);
    const request = parseArgument(registerSchema, requestJson);
    if (await findAgency(ctx, request.agencyId)) {
      throw new ChaincodeError('ALREADY_EXISTS', `agency ${request.agencyId} is already registered`, { agencyId: request.agencyId });
    }
    if (request.roles.includes('issuer') !== request.licenceTypes.length > 0) {
      throw new ChaincodeError('VALIDATION_FAILED', 'licenceTypes must be given exactly when the agency has the issuer role');
    }
    const now = txTimeIso(ctx);
    const { publicKey, proofOfPossession, ...profile } = request;
    const agency: Agency = {
      kind: 'agency',
      ...profile,
      roles: [...new Set(profile.roles)].sort(),
      licenceTypes: [...new Set(profile.licenceTypes)].sort(),
      status: 'active',
      keys: [newKey({ agencyId: request.agencyId, keys: [] }, publicKey, proofOfPossession, now)],
      createdAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
      lastAction: governanceAction(ctx, 'register', request),
    };
    return this.save(ctx, agency, 'registered');
  }

  @Transaction()
  @Returns('string')
  async suspend(ctx: Context, requestJson: string): Promise<string> {
    return this.changeStatus(ctx, requestJson, 'suspended');
  }

  @Transaction()
  @Returns('string')
  async reinstate(ctx: Context, requestJson: string): Promise<string> {
    return this.changeStatus(ctx, requestJson, 'active');
  }

  /** Adds a key by governance (e.g. after the agency lost every key). */
  @Transaction()
  @Returns('string')
  async addKey(ctx: Context, requestJson: string): Promise<string> {
    await requireGovernanceAdmin(ctx);
    const request = parseArgument(governanceAddKeySchema, requestJson);
    const agency = await loadAgency(ctx, request.agencyId);
    agency.keys.push(newKey(agency, request.publicKey, request.proofOfPossession, txTimeIso(ctx)));
    return this.save(ctx, this.touched(ctx, agency, governanceAction(ctx, 'addKey', request)), 'key_added');
  }

  /** 密钥轮换: the agency adds a key with a request signed by a current key, optionally retiring that key. */
  @Transaction()
  @Returns('string')
  async rotateKey(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, rotateKeySchema, requestJson);
    const agency = auth.agency;
    const now = txTimeIso(ctx);
    agency.keys.push(newKey(agency, auth.request.publicKey, auth.request.proofOfPossession, now));
    if (auth.request.retireSigningKey) agency.keys.find((k) => k.keyId === auth.key.keyId)!.validTo = now;
    return this.save(ctx, this.touched(ctx, agency, auth.action('rotateKey')), 'key_rotated');
  }

  /** Revokes a compromised key by governance; signatures made from `effectiveFrom` on become invalid. */
  @Transaction()
  @Returns('string')
  async revokeKey(ctx: Context, requestJson: string): Promise<string> {
    await requireGovernanceAdmin(ctx);
    const request = parseArgument(governanceRevokeKeySchema, requestJson);
    const agency = await loadAgency(ctx, request.agencyId);
    revoke(agency, request.revokedKeyId, request.effectiveFrom, request.reason, txTimeIso(ctx), true);
    return this.save(ctx, this.touched(ctx, agency, governanceAction(ctx, 'revokeKey', request)), 'key_revoked');
  }

  /** The agency revokes one of its own keys (the signing key may be the one revoked). */
  @Transaction()
  @Returns('string')
  async revokeOwnKey(ctx: Context, requestJson: string): Promise<string> {
    const auth = await authenticate(ctx, revokeOwnKeySchema, requestJson);
    const { agency, request } = auth;
    revoke(agency, request.revokedKeyId, request.effectiveFrom, request.reason, txTimeIso(ctx), false);
    return this.save(ctx, this.touched(ctx, agency, auth.action('revokeOwnKey')), 'key_revoked');
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, agencyId: string): Promise<string> {
    // Checked first: fabric-shim refuses an empty composite-key attribute with an unstructured error.
    return JSON.stringify(await loadAgency(ctx, checkArgument(uscc, agencyId, 'agencyId')));
  }

  @Transaction(false)
  @Returns('string')
  async list(ctx: Context): Promise<string> {
    return JSON.stringify(await readAllByPartialKey<Agency>(ctx, 'agency', []));
  }

  private async changeStatus(ctx: Context, requestJson: string, status: Agency['status']): Promise<string> {
    await requireGovernanceAdmin(ctx);
    const request = parseArgument(statusChangeSchema, requestJson);
    const agency = await loadAgency(ctx, request.agencyId);
    if (agency.status === status) throw new ChaincodeError('INVALID_STATE', `agency ${agency.agencyId} is already ${status}`);
    agency.status = status;
    agency.statusReason = request.reason;
    const name = status === 'active' ? 'reinstate' : 'suspend';
    return this.save(ctx, this.touched(ctx, agency, governanceAction(ctx, name, request)), status === 'active' ? 'reinstated' : 'suspended');
  }

  private touched(ctx: Context, agency: Agency, action: ActionRecord): Agency {
    return { ...agency, updatedAt: txTimeIso(ctx), txId: ctx.stub.getTxID(), lastAction: action };
  }

  private async save(ctx: Context, agency: Agency, event: string): Promise<string> {
    await writeJson(ctx, recordKey(ctx, 'agency', agency.agencyId), agency);
    emitRecordEvent(ctx, { kind: 'agency', id: agency.agencyId, action: event, agencyId: agency.agencyId });
    return JSON.stringify(agency);
  }
}
