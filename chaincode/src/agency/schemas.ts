import { z } from 'zod';
import { AGENCY_ROLES } from './model';
import { areaCode, isoTime, keyId, signatureHex, signedFields, sm2PublicKey, text, uscc } from '../common/validation';

const licenceTypeCode = z.string().regex(/^[0-9A-HJ-NP-RTUWXY]{18}[0-9]{3}$/, 'must be a 21-character licence type code (authority credit code + 3 digits)');

export const configSchema = z.strictObject({ governanceMspId: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/) });

/** Proof that whoever registers a key holds its private half: a signature over `possessionStatement`. */
const possession = { publicKey: sm2PublicKey, proofOfPossession: signatureHex };

export const registerSchema = z.strictObject({
  agencyId: uscc,
  name: text(200),
  regionCode: areaCode,
  mspId: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/),
  roles: z.array(z.enum(AGENCY_ROLES)).min(1).max(AGENCY_ROLES.length),
  licenceTypes: z.array(licenceTypeCode).max(100).default([]),
  ...possession,
});

export const statusChangeSchema = z.strictObject({ agencyId: uscc, reason: text(500) });

export const governanceAddKeySchema = z.strictObject({ agencyId: uscc, ...possession });

export const rotateKeySchema = z.strictObject({
  ...signedFields,
  ...possession,
  /** Retire the signing key now; signatures it made before stay valid. */
  retireSigningKey: z.boolean(),
});

export const governanceRevokeKeySchema = z.strictObject({
  agencyId: uscc,
  revokedKeyId: keyId,
  /** When the compromise began; defaults to the transaction time and may not lie after it. */
  effectiveFrom: isoTime.optional(),
  reason: text(500),
});

export const revokeOwnKeySchema = z.strictObject({
  ...signedFields,
  revokedKeyId: keyId,
  effectiveFrom: isoTime.optional(),
  reason: text(500),
});
