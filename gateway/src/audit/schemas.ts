import { z } from 'zod';
import { RECORD_KINDS } from '@henan-chain/chaincode';
import { signatureCheck, transactionReceipt } from '../http/schemas';

/** What the API answers about the audit trail; the builders' types are inferred from these. */

const recordKind = z.enum(RECORD_KINDS);

/** An event as the gateway's audit index holds it (a chaincode event and its block). */
export const indexedEvent = z.object({
  kind: recordKind,
  id: z.string(),
  action: z.string(),
  agencyId: z.string().describe('the agency on whose behalf the change was made (for governance acts, the agency acted upon)'),
  mspId: z.string().describe('the organisation whose identity submitted the transaction'),
  txId: z.string(),
  timestamp: z.string(),
  counterparties: z.array(z.string()).optional().describe('other agencies the change concerns'),
  eventName: z.string(),
  blockNumber: z.string(),
});

export const indexCheckpoint = z
  .object({ blockNumber: z.string(), transactionId: z.string() })
  .nullable()
  .describe('the last event the index holds; null while it holds none');

/** One version of a record: where its transaction sits, who made it, and whether its signature still checks. */
export const historyVersion = transactionReceipt.extend({
  isDelete: z.boolean(),
  action: z.string().optional().describe('the act that wrote this version (lastAction.action)'),
  agencyId: z.string().optional().describe('the acting agency; absent for governance acts, which no agency signs'),
  mspId: z.string().optional().describe('the organisation (Fabric MSP) of the submitting identity'),
  submitter: z.string().optional().describe('the submitting Fabric identity'),
  signature: signatureCheck,
  value: z.unknown().describe('the record as this transaction wrote it; null for a deletion'),
  indexedAs: z
    .object({ kind: recordKind, id: z.string(), action: z.string() })
    .nullable()
    .describe('the event the audit index holds for this transaction: usually this record; another when one transaction wrote two records (a renewal supersedes the previous licence); null when the index lacks it'),
});

export const recordHistory = z.object({
  kind: recordKind,
  id: z.string().describe('the record id as the ledger keeps it (licence ids canonical)'),
  versions: z.array(historyVersion).describe('oldest first'),
  index: z.object({
    agrees: z
      .boolean()
      .describe('true when the index holds exactly the events of this record that the ledger history implies, in the same order, and misses none of its transactions'),
    checkpoint: indexCheckpoint,
    events: z.array(indexedEvent).describe('what the audit index holds for this record, in ledger order'),
  }),
});
export type RecordHistory = z.infer<typeof recordHistory>;

export const eventsPage = z.object({
  events: z.array(indexedEvent).describe('in time order'),
  cursor: z.string().describe('pass as ?cursor= for the next page (same agency, from and to); empty after the last page'),
  indexedTo: indexCheckpoint,
});

const reportEvent = z.object({
  timestamp: z.string(),
  blockNumber: z.string(),
  txId: z.string(),
  kind: recordKind,
  id: z.string(),
  action: z.string(),
  agencyId: z.string(),
  mspId: z.string(),
  counterparties: z.array(z.string()),
  role: z.enum(['actor', 'counterparty']).describe('whether the reported agency made the change or is a party it concerns'),
});
export type ReportEvent = z.infer<typeof reportEvent>;

const counts = z.record(z.string(), z.number().int());

/** 审计报告: what one agency did, and what concerned it, in a period, as the gateway's index holds it. */
export const auditReport = z.object({
  format: z.literal('henan-chain/audit-report/v1'),
  agency: z.object({ agencyId: z.string(), name: z.string(), mspId: z.string(), regionCode: z.string() }),
  period: z.object({ from: z.string(), to: z.string() }).describe('UTC instants, both inclusive'),
  generatedAt: z.string(),
  ledger: z.object({ kind: z.string(), height: z.string(), indexedTo: indexCheckpoint }),
  counts: z.object({
    events: z.number().int(),
    asActor: z.number().int(),
    asCounterparty: z.number().int(),
    byKind: counts.describe('events per record kind'),
    byAction: counts.describe('events per kind.action, e.g. licence.revoke'),
  }),
  events: z.array(reportEvent).describe('in time order'),
});
export type AuditReport = z.infer<typeof auditReport>;

export const reportSignature = z.object({
  algorithm: z.literal('SM2-SM3'),
  keyId: z.string(),
  publicKey: z.string().describe('the gateway\u2019s SM2 public key, 04||x||y hex (compare with GET /v1/gateway/key)'),
  value: z.string().describe('DER hex of the SM2 signature (id 1234567812345678) over the RFC 8785 canonical bytes of `report`'),
});

export const signedReport = z.object({ report: auditReport, signature: reportSignature });
export type SignedReport = z.infer<typeof signedReport>;
