import type { Context } from 'fabric-contract-api';

/**
 * Where each record family lives in world state. One place, so the audit contract can map
 * (kind, id) to the key whose history it reads, and nobody invents a second layout.
 */
export const RECORD_KINDS = ['agency', 'licence', 'seal', 'sealing', 'ofd-sealing', 'receipt', 'case', 'anchor'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function recordKey(ctx: Context, kind: RecordKind, id: string): string {
  return ctx.stub.createCompositeKey(kind, [id]);
}

/** Secondary indexes: composite keys with an empty value whose last attribute is the record id. */
export const INDEX = {
  licenceByHolder: 'licence~holder', // [holderCommitment, licenceId]
  licenceByIssuerType: 'licence~issuer~type', // [issuerId, licenceTypeCode, licenceId]
  licenceVersions: 'licence~series', // [seriesId, version, licenceId]
  sealingBySeal: 'sealing~seal', // [sealId, sealingId]
  receiptByAgency: 'receipt~agency', // [agencyId, receiptId]
  receiptByCatalogItem: 'receipt~item', // [catalogItemId, receiptId]
  caseByRegion: 'case~region', // [regionCode, caseId]
  anchorByAgency: 'anchor~agency', // [agencyId, sequence (zero-padded), anchorId]
} as const;

export async function putIndex(ctx: Context, index: string, attributes: string[]): Promise<void> {
  // Fabric treats an empty value as a delete, so an index entry holds one byte.
  await ctx.stub.putState(ctx.stub.createCompositeKey(index, attributes), Buffer.from([0]));
}

export async function deleteIndex(ctx: Context, index: string, attributes: string[]): Promise<void> {
  await ctx.stub.deleteState(ctx.stub.createCompositeKey(index, attributes));
}

/** Marks a signed request id as used by its agency (replay protection). */
export function requestKey(ctx: Context, agencyId: string, requestId: string): string {
  return ctx.stub.createCompositeKey('request', [agencyId, requestId]);
}

export const CONFIG_KEY = 'config';
