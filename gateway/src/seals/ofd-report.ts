import { z } from 'zod';
import type { OfdSealingVerification, OfdSealStatus } from '@henan-chain/chaincode';
import { OFD_VERDICTS, type OfdReport, type OfdVerdict, worstOf } from '@henan-chain/ofd';
import { transactionReceipt } from '../http/schemas';
import type { TransactionReceipt } from '../submission';

// 签章核验 of an OFD as the API returns it: the document's own verdict (package ofd) joined with what
// the ledger holds of its sealing and its seals.

const certificate = z.object({ subject: z.string(), issuer: z.string(), serialNumber: z.string(), notBefore: z.string(), notAfter: z.string() });

const sealStatus = z.object({
  sealId: z.string(),
  status: z.enum(['active', 'revoked', 'not_registered']).describe('on this ledger: at the recording time when the sealing is recorded; else revoked by any revocation'),
  revocation: z.object({ effectiveFrom: z.string(), reason: z.string(), revokedBy: z.string(), recordedAt: z.string(), txId: z.string() }).nullable(),
});

const signatureReport = z.object({
  id: z.string(),
  type: z.string().describe('Seal: 电子签章 with a seal; Sign: a plain digital signature'),
  verdict: z.enum(OFD_VERDICTS),
  reasons: z.array(z.string()),
  notes: z.array(z.string()).describe('facts that do not change the verdict: a certificate expired since signing, a time in the future, a lax encoding'),
  sm3: z.string().nullable().describe('SM3 of SignedValue.dat'),
  signTime: z.string().nullable(),
  form: z.string().nullable().describe('GM/T 0031 (V1) or GB/T 38540 (V4)'),
  provider: z.string().nullable(),
  signer: certificate.nullable(),
  seal: z
    .object({
      form: z.string(),
      esId: z.string().describe('印章编码'),
      name: z.string(),
      type: z.number(),
      vendor: z.string(),
      validStart: z.string(),
      validEnd: z.string(),
      picture: z.object({ type: z.string(), width: z.number(), height: z.number(), sm3: z.string(), bytes: z.number() }),
      maker: certificate.nullable(),
    })
    .nullable(),
  stamps: z.array(z.object({ page: z.number().nullable(), pageRef: z.string(), boundary: z.string() })),
  references: z.object({ total: z.number(), matched: z.number(), mismatched: z.array(z.string()), missing: z.array(z.string()) }),
  ledger: z.object({
    recorded: z.boolean().describe('this signature is among those of the recorded sealing'),
    seal: sealStatus.nullable(),
  }),
});

export const ofdVerification = z.object({
  verdict: z.enum(OFD_VERDICTS),
  reasons: z.array(z.string()),
  signatures: z.array(signatureReport),
  document: z.object({
    sm3: z.string(),
    bytes: z.number(),
    pages: z.number(),
    unprotected: z.array(z.string()).describe('files no signature protects'),
  }),
  ledger: z.object({
    recorded: z.boolean().describe('the sealing of this very file (its SM3) is recorded on the ledger'),
    sealing: transactionReceipt
      .extend({ ownerId: z.string().describe('the agency that recorded it'), recordedAt: z.string() })
      .nullable(),
  }),
});
export type OfdVerificationBody = z.infer<typeof ofdVerification>;

/**
 * The report with the ledger's view: whether and when the sealing was recorded, each seal's status
 * on this ledger, and a seal revoked here (at the recording time, or at all when not recorded)
 * making its signature seal_invalid.
 */
export function withLedger(report: OfdReport, ledger: OfdSealingVerification, sealingAt: TransactionReceipt | undefined): OfdVerificationBody {
  const recordedSignatures = new Set(ledger.recorded ? ledger.sealing.signatures.map((s) => s.signatureSm3) : []);
  const statusOf = (sealId: string | undefined): OfdSealStatus | null => ledger.seals.find((s) => s.sealId === sealId) ?? null;
  const signatures = report.signatures.map((s) => {
    const seal = statusOf(s.seal?.esId);
    const reasons = [...s.reasons];
    let verdict: OfdVerdict = s.verdict;
    if (seal?.status === 'revoked') {
      reasons.push(
        ledger.recorded
          ? `seal ${seal.sealId} was revoked on the ledger effective ${seal.revocation!.effectiveFrom}, before this sealing was recorded`
          : `seal ${seal.sealId} is revoked on the ledger (effective ${seal.revocation!.effectiveFrom}) and this sealing was never recorded, so its signing time is only claimed`,
      );
      verdict = worstOf([{ verdict }, { verdict: 'seal_invalid' }]);
    }
    return { ...s, verdict, reasons, ledger: { recorded: s.sm3 !== null && recordedSignatures.has(s.sm3), seal } };
  });
  const added = signatures.flatMap((s, i) => s.reasons.slice(report.signatures[i]!.reasons.length).map((r) => `${s.id}: ${r}`));
  return {
    ...report,
    verdict: signatures.length === 0 ? report.verdict : worstOf([{ verdict: report.verdict }, ...signatures]),
    reasons: [...report.reasons, ...added],
    signatures,
    ledger: {
      recorded: ledger.recorded,
      sealing: ledger.recorded && sealingAt ? { ...sealingAt, ownerId: ledger.sealing.ownerId, recordedAt: ledger.sealing.createdAt } : null,
    },
  };
}
