import { z } from 'zod';
import { areaCode, isoTime, pageSize, publicText, signedFields, sm3Hex, uscc } from '../common/validation';
import { CASE_ACTIONS, CASE_MODES } from './transitions';

/** Opinions are public on the chain; publicText refuses a resident ID number copied in by mistake. */
const opinion = publicText(1000);

/** 办件编号 */
export const caseId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'must be 8-64 characters of A-Z a-z 0-9 -');

export const createSchema = z.strictObject({
  ...signedFields,
  caseId,
  /** 实施编码: long alphanumeric codes (typically the agency's credit code followed by item digits). */
  serviceItemCode: z.string().regex(/^[A-Za-z0-9]{6,64}$/, 'must be 6-64 letters or digits'),
  serviceItemVersion: z.string().regex(/^[A-Za-z0-9.]{1,16}$/, 'must be 1-16 letters, digits or dots'),
  mode: z.enum(CASE_MODES),
  collectingRegion: areaCode,
  handlingRegion: areaCode,
  handlingAgencyId: uscc,
  applicantCommitment: sm3Hex,
  appliedAt: isoTime,
  promisedBy: isoTime,
  opinion: opinion.optional(),
});

export const transitionSchema = z
  .strictObject({
    ...signedFields,
    caseId,
    action: z.enum(CASE_ACTIONS),
    opinion: opinion.optional(),
    /** With `conclude` only. */
    outcome: z.enum(['approved', 'denied']).optional(),
    /**
     * With an approving `conclude` only: the licence issued as the result, on the ledger, in force and
     * issued in the handling region. Bounded here, parsed by the contract, so a malformed one is
     * INVALID_IDENTIFIER as in the licence contract.
     */
    licenceId: z.string().min(1).max(128).optional(),
  })
  .refine((r) => (r.action === 'conclude') === (r.outcome !== undefined), {
    message: 'an outcome is given exactly when the action is conclude',
    path: ['outcome'],
  })
  .refine((r) => r.licenceId === undefined || r.outcome === 'approved', {
    message: 'a licence identifier goes only with an approving conclusion',
    path: ['licenceId'],
  });

const bookmark = z.string().max(4096);
export const byRegionQuery = z.strictObject({ regionCode: areaCode, pageSize, bookmark });
