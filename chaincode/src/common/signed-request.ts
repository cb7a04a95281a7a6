import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { canonicalBytes, verify } from '@henan-chain/crypto';
import { type ActionRecord, type Agency, type AgencyKey, keyInvalidity, loadAgency, requireActive } from '../agency/model';
import { ChaincodeError } from './errors';
import { requestKey } from './keys';
import { txTimeIso } from './time';
import { parseArgument } from './validation';

export interface SignedFields {
  operation: string;
  requestId: string;
  agencyId: string;
  keyId: string;
  signature: string;
}

export interface Authenticated<T extends SignedFields> {
  request: T;
  agency: Agency;
  key: AgencyKey;
  /** The provenance to store on the record this request writes. */
  action(name: string): ActionRecord;
}

/** The `operation` a request for chaincode transaction `fn` (`family:fn`, as invoked) names: `family.fn`. */
export function operationOf(fn: string): string {
  return fn.replace(':', '.');
}

/** Refuses a request signed for another transaction than the one invoked (a suspension sent to revoke). */
function requireOperation(ctx: Context, request: SignedFields): void {
  const invoked = ctx.stub.getFunctionAndParameters().fcn;
  if (request.operation !== operationOf(invoked)) {
    throw new ChaincodeError('OPERATION_MISMATCH', `the request was signed for ${request.operation}; it was invoked as ${invoked}`, {
      signed: request.operation,
      invoked,
    });
  }
}

/** The bytes an agency signs: the RFC 8785 form of the request without its `signature` field. */
export function signedBytes(request: Record<string, unknown>): Uint8Array {
  const { signature: _omit, ...unsigned } = request;
  return canonicalBytes(unsigned);
}

/**
 * Checks a signature by `agency`'s key `keyId` over `payload`, as valid at instant `at`.
 * Throws KEY_NOT_FOUND, KEY_NOT_VALID or SIGNATURE_INVALID with the reason.
 */
export function requireAgencySignature(
  agency: Agency,
  keyId: string,
  payload: Uint8Array,
  signature: string,
  at: string,
  what = 'request',
): AgencyKey {
  const key = agency.keys.find((k) => k.keyId === keyId);
  if (!key) {
    throw new ChaincodeError('KEY_NOT_FOUND', `agency ${agency.agencyId} has no key ${keyId}`, { agencyId: agency.agencyId, keyId });
  }
  const invalid = keyInvalidity(key, at);
  if (invalid) throw new ChaincodeError('KEY_NOT_VALID', invalid, { agencyId: agency.agencyId, keyId, at });
  // Remembered: the signature checked when a record is written is checked again whenever it is read.
  const result = verify(payload, signature, key.publicKey, { remember: true });
  if (!result.valid) {
    throw new ChaincodeError('SIGNATURE_INVALID', `${what} signature by ${agency.agencyId} key ${keyId} is invalid: ${result.reason}`, {
      agencyId: agency.agencyId,
      keyId,
    });
  }
  return key;
}

/**
 * The gate of every agency-signed write: a valid request for the transaction invoked, from the
 * agency's own organisation, by an active agency, signed with a key valid now, never seen before.
 * Nothing is written if any fails (Fabric discards the whole simulation on error), except the replay
 * marker on success.
 */
export async function authenticate<T extends SignedFields>(
  ctx: Context,
  schema: z.ZodType<T>,
  raw: string,
): Promise<Authenticated<T>> {
  const request = parseArgument(schema, raw);
  requireOperation(ctx, request);
  const agency = await loadAgency(ctx, request.agencyId);
  const mspId = ctx.clientIdentity.getMSPID();
  if (mspId !== agency.mspId) {
    throw new ChaincodeError('FORBIDDEN', `agency ${agency.agencyId} belongs to ${agency.mspId}; the caller is from ${mspId}`, {
      agencyId: agency.agencyId,
      callerMspId: mspId,
    });
  }
  requireActive(agency);
  const replayKey = requestKey(ctx, agency.agencyId, request.requestId);
  const seen = await ctx.stub.getState(replayKey);
  if (seen && seen.length > 0) {
    throw new ChaincodeError('REPLAY', `request ${request.requestId} of agency ${agency.agencyId} was already processed`, {
      requestId: request.requestId,
      firstTxId: Buffer.from(seen).toString('utf8'),
    });
  }
  const now = txTimeIso(ctx);
  const key = requireAgencySignature(agency, request.keyId, signedBytes(request as unknown as Record<string, unknown>), request.signature, now);
  await ctx.stub.putState(replayKey, Buffer.from(ctx.stub.getTxID()));
  const { signature, ...unsigned } = request as unknown as Record<string, unknown>;
  return {
    request,
    agency,
    key,
    action: (name) => ({
      action: name,
      txId: ctx.stub.getTxID(),
      at: now,
      mspId,
      submitter: ctx.clientIdentity.getID(),
      agencyId: agency.agencyId,
      keyId: key.keyId,
      signature: signature as string,
      request: unsigned,
    }),
  };
}

/** Provenance for a governance act (authenticated by the Fabric admin identity, not an agency key). */
export function governanceAction(ctx: Context, name: string, request: Record<string, unknown>): ActionRecord {
  return {
    action: name,
    txId: ctx.stub.getTxID(),
    at: txTimeIso(ctx),
    mspId: ctx.clientIdentity.getMSPID(),
    submitter: ctx.clientIdentity.getID(),
    request,
  };
}
