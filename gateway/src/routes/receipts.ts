import { z } from 'zod';
import { RECEIPT_STATES, fields, receiptSchemas, type Receipt } from '@henan-chain/chaincode';
import { orderedPeriod, periodBound } from '../audit/time-range';
import { collectPage, pagingQuery } from '../http/paging';
import { pathId } from '../http/path-id';
import { defineRoute } from '../http/route';
import { page, transactionReceipt } from '../http/schemas';
import { transactionEvidence } from '../ledger/evidence';
import type { Services } from '../services';
import { signedWriteRoute } from './signed-write';

/** 数据共享回执 as the chaincode stores it (the main fields; the rest pass through as recorded). */
const receiptRecord = z.looseObject({
  kind: z.literal('receipt'),
  receiptId: z.string(),
  consumerId: z.string(),
  providerId: z.string(),
  catalogItemId: z.string(),
  state: z.enum(RECEIPT_STATES),
  requestedAt: z.string(),
  updatedAt: z.string(),
  txId: z.string(),
  objections: z.array(z.record(z.string(), z.unknown())),
});

/** A receipt with the chain evidence that lets its provider prove to a third party where the data went. */
const provenanceItem = z.object({
  receipt: receiptRecord.describe(
    'delivery.signedBy carries the provider\u2019s signature and acknowledgement.signedBy the consumer\u2019s, each an SM2 signature (keyId, signature) over the RFC 8785 form of its `request`',
  ),
  evidence: z.object({
    delivery: transactionReceipt.optional().describe('the transaction of the current delivery (or its correction)'),
    acknowledgement: transactionReceipt.optional().describe('the transaction of the consumer\u2019s acknowledgement of that delivery'),
  }),
});

const provenanceQuery = z
  .strictObject({
    catalogItem: receiptSchemas.catalogItemId.optional().describe('目录编码 of the catalogue item'),
    agency: fields.uscc.optional().describe('an agency on either side of the receipt'),
    from: periodBound('start').optional(),
    to: periodBound('end').optional(),
    ...pagingQuery,
  })
  .refine((q) => q.catalogItem !== undefined || q.agency !== undefined, { message: 'give catalogItem, agency or both', path: ['catalogItem'] })
  .superRefine(orderedPeriod);

const receiptIdOf = pathId(receiptSchemas.receiptId);

/**
 * The steps on an existing receipt, each the chaincode transaction of the same name with the body as
 * its request. The chaincode decides whose step it is (FORBIDDEN, 403, for anyone else).
 */
const STEPS = [
  { path: 'reply', fn: 'reply', schema: receiptSchemas.replySchema, summary: '答复: the provider approves (with conditions) or refuses (with a reason)' },
  { path: 'delivery', fn: 'delivery', schema: receiptSchemas.deliveryRequestSchema, summary: '数据交付: the provider records the SM3 fingerprint, record count, scope and expiry of what it delivered' },
  {
    path: 'ack',
    fn: 'acknowledge',
    schema: receiptSchemas.deliveryRequestSchema,
    summary: '确认回执: the consumer acknowledges, carrying the very delivery object the provider signed',
  },
  { path: 'objections', fn: 'object', schema: receiptSchemas.objectSchema, summary: '数据异议: either party objects to a delivered receipt' },
  {
    path: 'resolution',
    fn: 'resolve',
    schema: receiptSchemas.resolveSchema,
    summary: '校核纠错: the other party answers the open objection (corrected — provider only, with the corrected delivery —, rejected or accepted)',
  },
  { path: 'withdrawal', fn: 'withdraw', schema: receiptSchemas.withdrawSchema, summary: 'The party that raised the open objection withdraws it' },
] as const;

export function receiptRoutes(s: Services) {
  /** Receipts touching a catalogue item and/or an agency whose active period meets [from, to]. */
  function touches(q: z.infer<typeof provenanceQuery>) {
    const from = q.from === undefined ? -Infinity : Date.parse(q.from);
    const to = q.to === undefined ? Infinity : Date.parse(q.to);
    // The index walked already selects by its key; checking it again keeps a forged bookmark from
    // wandering into other keys' entries.
    return (r: Receipt) =>
      (q.catalogItem === undefined || r.catalogItemId === q.catalogItem) &&
      (q.agency === undefined || r.consumerId === q.agency || r.providerId === q.agency) &&
      Date.parse(r.requestedAt) <= to &&
      Date.parse(r.updatedAt) >= from;
  }

  async function withEvidence(receipt: Receipt) {
    const [delivery, acknowledgement] = await Promise.all(
      [receipt.delivery?.txId, receipt.acknowledgement?.txId].map((txId) => (txId === undefined ? undefined : transactionEvidence(s.ledger, txId))),
    );
    return { receipt, evidence: { ...(delivery && { delivery }), ...(acknowledgement && { acknowledgement }) } };
  }

  return [
    signedWriteRoute(s, {
      path: '/v1/receipts',
      tag: 'receipts',
      summary: '共享申请: the consumer requests a catalogue item from a provider, opening a receipt',
      description: 'By an agency with the consumer role; receiptId is the consumer\u2019s choice and unique on the chain.',
      fn: 'receipt:request',
      request: receiptSchemas.requestSchema,
      status: 201,
      record: receiptRecord,
    }),
    ...STEPS.map((step) =>
      signedWriteRoute<z.ZodRawShape, 'receiptId'>(s, {
        path: `/v1/receipts/:id/${step.path}`,
        tag: 'receipts',
        summary: step.summary,
        fn: `receipt:${step.fn}`,
        request: step.schema,
        id: { field: 'receiptId', read: receiptIdOf },
        status: 200,
        record: receiptRecord,
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/v1/receipts/:id',
      tag: 'receipts',
      summary: 'A data-sharing receipt with its reply, delivery, acknowledgement and objections',
      access: 'public',
      responses: { 200: { description: 'The receipt', schema: receiptRecord } },
      async handler({ params }) {
        return { body: await s.query<Receipt>('receipt:get', receiptIdOf(params)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/provenance',
      tag: 'receipts',
      summary: '数据溯源: every receipt touching a catalogue item and/or an agency, with both signatures and the chain evidence',
      description:
        'At least one of catalogItem and agency. A receipt is listed when its period (requestedAt to updatedAt) meets [from, to]. ' +
        'In receipt-id order; a page may hold fewer than `limit` receipts and still carry a bookmark to the next.',
      access: 'public',
      query: provenanceQuery,
      responses: { 200: { description: 'One page of receipts with their evidence', schema: page(provenanceItem) } },
      async handler({ query }) {
        const [fn, key] = query.catalogItem !== undefined ? ['receipt:byCatalogItem', query.catalogItem] : ['receipt:byAgency', query.agency!];
        const found = await collectPage(
          (pageSize, bookmark) => s.query<{ records: Receipt[]; bookmark: string }>(fn, key, String(pageSize), bookmark),
          touches(query),
          query.limit,
          query.bookmark,
        );
        return { body: { records: await Promise.all(found.records.map(withEvidence)), bookmark: found.bookmark } };
      },
    }),
  ];
}
