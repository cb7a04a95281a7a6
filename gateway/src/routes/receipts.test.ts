import test from 'ava';
import { canonicalBytes, sm3Hex, verify } from '@henan-chain/crypto';
import { GOVERNANCE, randomUscc, type TestGateway, withTestGateway } from '../testing/harness';
import { assertRefusals } from '../testing/refusals';

const ITEM = '11410000005184361T/00001';
const OTHER_ITEM = '11410000005184361T/00002';
let serial = 0;
const newReceiptId = () => `RCPT-${Date.now().toString(36)}-${++serial}`;

/** What the provider delivered (batch n): the object both sides sign. */
const delivery = (n = 1) => ({
  fingerprint: sm3Hex(`企业登记信息 batch ${n}`),
  recordCount: 100 + n,
  scope: '仅用于企业开办环节核验法定代表人身份',
  expiresAt: '2099-12-31T00:00:00Z',
});

const requestBody = (providerId: string, receiptId: string, catalogItemId = ITEM) => ({
  receiptId,
  providerId,
  catalogItemId,
  shareClass: 'conditional',
  purpose: '企业开办核验法定代表人身份',
  legalBasis: '《政务数据共享条例》',
});

/** A consumer in the city's organisation and a provider in the province's. */
async function parties(gw: TestGateway) {
  const consumer = await gw.registerAgency({ name: '郑州市市场监督管理局', roles: ['consumer'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const provider = await gw.registerAgency({ name: '河南省公安厅', roles: ['provider'], mspId: 'HenanProvinceMSP' });
  return { consumer, provider };
}

/** POSTs a step and expects it to commit with `status`. */
async function step(t: any, gw: TestGateway, token: string, path: string, json: unknown, status = 200) {
  const reply = await gw.request('POST', path, { token, json });
  t.is(reply.status, status, `${path}: ${reply.text}`);
  return reply.body;
}

/** A receipt from request to acknowledgement; returns the write results of each step. */
async function acknowledgedReceipt(t: any, gw: TestGateway, consumer: string, provider: { agencyId: string; token: string }, catalogItemId = ITEM) {
  const receiptId = newReceiptId();
  const requested = await step(t, gw, consumer, '/v1/receipts', requestBody(provider.agencyId, receiptId, catalogItemId), 201);
  await step(t, gw, provider.token, `/v1/receipts/${receiptId}/reply`, { decision: 'approved', conditions: '不得向第三方提供' });
  const delivered = await step(t, gw, provider.token, `/v1/receipts/${receiptId}/delivery`, { delivery: delivery() });
  const acked = await step(t, gw, consumer, `/v1/receipts/${receiptId}/ack`, { delivery: delivery() });
  return { receiptId, requested, delivered, acked };
}

test('a whole receipt flow between two organisations: objection, correction, withdrawal; wrong parties get 403', (t) =>
  withTestGateway(async (gw) => {
    const { consumer, provider } = await parties(gw);
    const receiptId = newReceiptId();
    const base = `/v1/receipts/${receiptId}`;
    const read = async () => (await gw.request('GET', base)).body;
    /** A step by the wrong party: 403 FORBIDDEN and the receipt as it was. */
    const refused = async (token: string, path: string, json: unknown) => {
      const before = await read();
      const reply = await gw.request('POST', `${base}/${path}`, { token, json });
      t.is(reply.status, 403, `${path}: ${reply.text}`);
      t.is(reply.body.error.code, 'FORBIDDEN');
      t.deepEqual(await read(), before);
    };

    const requested = await step(t, gw, consumer.token, '/v1/receipts', requestBody(provider.agencyId, receiptId), 201);
    t.like(requested.record, { receiptId, state: 'requested', consumerId: consumer.agencyId, providerId: provider.agencyId, catalogItemId: ITEM });
    t.regex(requested.transaction.txId, /^[0-9a-f]{64}$/);

    await refused(consumer.token, 'reply', { decision: 'approved' });
    const approved = await step(t, gw, provider.token, `${base}/reply`, { decision: 'approved', conditions: '不得向第三方提供' });
    t.is(approved.record.state, 'approved');

    await refused(consumer.token, 'delivery', { delivery: delivery(1) });
    const delivered = await step(t, gw, provider.token, `${base}/delivery`, { delivery: delivery(1) });
    t.like(delivered.record.delivery, { ...delivery(1), version: 1 });

    await refused(provider.token, 'ack', { delivery: delivery(1) });
    const mismatch = await gw.request('POST', `${base}/ack`, { token: consumer.token, json: { delivery: delivery(9) } });
    t.is(mismatch.status, 400, mismatch.text);
    t.is(mismatch.body.error.code, 'VALIDATION_FAILED');
    const acked = await step(t, gw, consumer.token, `${base}/ack`, { delivery: delivery(1) });
    t.is(acked.record.state, 'acknowledged');
    t.is(acked.record.acknowledgement.signedBy.agencyId, consumer.agencyId);

    // The consumer objects; only the provider may answer, and only the provider may correct.
    const objection = { requestId: 'objection-0001', category: 'incomplete', reason: '缺少2024年以后的登记记录' };
    const objected = await step(t, gw, consumer.token, `${base}/objections`, objection);
    t.like(objected.record, { state: 'disputed', objections: [{ objectionId: 1, raisedBy: 'consumer', status: 'open' }] });
    // A retry with the same request id answers with the first result and raises nothing new.
    t.deepEqual(await step(t, gw, consumer.token, `${base}/objections`, objection), objected);
    t.is((await read()).objections.length, 1);
    await refused(consumer.token, 'resolution', { objectionId: 1, outcome: 'accepted' });
    const corrected = await step(t, gw, provider.token, `${base}/resolution`, { objectionId: 1, outcome: 'corrected', correctedDelivery: delivery(2) });
    t.like(corrected.record, { state: 'delivered', delivery: { ...delivery(2), version: 2 } });
    t.is(corrected.record.acknowledgement, undefined, 'a correction needs a fresh acknowledgement');
    t.is(corrected.record.objections[0].resolution.supersededDigest, delivered.record.delivery.digest);
    const reacked = await step(t, gw, consumer.token, `${base}/ack`, { delivery: delivery(2) });
    t.is(reacked.record.acknowledgement.deliveryDigest, corrected.record.delivery.digest);

    // The provider objects to use beyond scope; only the provider, who raised it, may withdraw it.
    await step(t, gw, provider.token, `${base}/objections`, { category: 'scope', reason: '发现用于招投标审查' });
    await refused(consumer.token, 'withdrawal', { objectionId: 2 });
    const withdrawn = await step(t, gw, provider.token, `${base}/withdrawal`, { objectionId: 2, reason: '核实后无超范围使用' });
    t.is(withdrawn.record.state, 'acknowledged');
    t.deepEqual(withdrawn.record.objections.map((o: any) => [o.objectionId, o.raisedBy, o.status]), [
      [1, 'consumer', 'corrected'],
      [2, 'provider', 'withdrawn'],
    ]);

    // An agency on neither side may not object.
    const outsider = await gw.registerAgency({ name: '洛阳市大数据管理局', roles: ['consumer'], regionCode: '410300' });
    await refused(outsider.token, 'objections', { category: 'other', reason: '无关方' });

    t.deepEqual(await read(), withdrawn.record);
  }));

test('provenance by catalogue item and by agency, with time filters, bookmarks, both signatures and chain evidence', (t) =>
  withTestGateway(async (gw) => {
    const { consumer, provider } = await parties(gw);
    const other = await gw.registerAgency({ name: '开封市市场监督管理局', roles: ['consumer'], regionCode: '410200' });
    const start = new Date().toISOString();
    const first = await acknowledgedReceipt(t, gw, consumer.token, provider);
    const second = await acknowledgedReceipt(t, gw, other.token, provider, OTHER_ITEM);
    const end = new Date().toISOString();
    const ids = (reply: any) => reply.body.records.map((r: any) => r.receipt.receiptId).sort();
    const provenance = async (query: string, status = 200) => {
      const reply = await gw.request('GET', `/v1/provenance?${query}`);
      t.is(reply.status, status, `${query}: ${reply.text}`);
      return reply;
    };

    const byItem = await provenance(`catalogItem=${encodeURIComponent(ITEM)}`);
    t.deepEqual(ids(byItem), [first.receiptId]);
    t.is(byItem.body.bookmark, '');
    // The evidence is where the delivery and the acknowledgement were committed.
    const item = byItem.body.records[0];
    t.deepEqual(item.evidence, { delivery: first.delivered.transaction, acknowledgement: first.acked.transaction });
    // A third party checks both signatures with the agencies' public keys alone.
    for (const [signedBy, agencyId] of [
      [item.receipt.delivery.signedBy, provider.agencyId],
      [item.receipt.acknowledgement.signedBy, consumer.agencyId],
    ]) {
      t.is(signedBy.agencyId, agencyId);
      const agency = (await gw.request('GET', `/v1/agencies/${agencyId}`)).body;
      const key = agency.keys.find((k: any) => k.keyId === signedBy.keyId);
      t.true(verify(canonicalBytes(signedBy.request), signedBy.signature, key.publicKey).valid);
    }
    t.deepEqual(item.receipt.acknowledgement.signedBy.request.delivery, item.receipt.delivery.signedBy.request.delivery);

    t.deepEqual(ids(await provenance(`agency=${provider.agencyId}`)), [first.receiptId, second.receiptId].sort());
    t.deepEqual(ids(await provenance(`agency=${other.agencyId}`)), [second.receiptId]);
    t.deepEqual(ids(await provenance(`catalogItem=${encodeURIComponent(ITEM)}&agency=${other.agencyId}`)), []);
    t.deepEqual(ids(await provenance(`agency=${provider.agencyId}&from=${start}&to=${end}`)), [first.receiptId, second.receiptId].sort());
    t.deepEqual(ids(await provenance(`agency=${provider.agencyId}&from=${end}`)), []);
    t.deepEqual(ids(await provenance(`agency=${provider.agencyId}&to=2020-01-01T00:00:00Z`)), []);
    t.deepEqual(ids(await provenance(`agency=${provider.agencyId}&from=${first.acked.record.updatedAt}&to=${first.acked.record.updatedAt}`)), [first.receiptId]);

    // One receipt a page: the bookmark leads to the other, then to the end.
    const page1 = await provenance(`agency=${provider.agencyId}&limit=1`);
    t.is(page1.body.records.length, 1);
    t.not(page1.body.bookmark, '');
    const page2 = await provenance(`agency=${provider.agencyId}&limit=1&bookmark=${page1.body.bookmark}`);
    t.deepEqual([...ids(page1), ...ids(page2)].sort(), [first.receiptId, second.receiptId].sort());
    t.is(page2.body.bookmark, '');

    for (const [query, message] of [
      ['', /catalogItem/],
      [`from=${start}`, /catalogItem, agency or both/],
      [`agency=${provider.agencyId}&from=${end}&to=${start}`, /ends .* before it starts/],
      [`agency=91410000MA0000000X`, /query\.agency/],
      [`catalogItem=${encodeURIComponent('/bad')}`, /query\.catalogItem/],
      [`agency=${provider.agencyId}&from=yesterday`, /query\.from/],
      [`agency=${provider.agencyId}&to=2026-02-30`, /query\.to/],
      [`agency=${provider.agencyId}&limit=0`, /query\.limit/],
      [`agency=${provider.agencyId}&bookmark=not%20ours`, /query\.bookmark/],
      [`agency=${provider.agencyId}&consumer=x`, /unrecognized/i],
      [`agency=${provider.agencyId}&agency=${other.agencyId}`, /query\.agency/],
    ] as const) {
      const reply = await provenance(query, 400);
      t.is(reply.body.error.code, 'VALIDATION_FAILED', query);
      t.regex(reply.body.error.message, message, query);
    }
  }));

test('bad input is refused with a specific 4xx and writes nothing', (t) =>
  withTestGateway(async (gw) => {
    const { consumer, provider } = await parties(gw);
    const receiptId = newReceiptId();
    const fresh = newReceiptId();
    await step(t, gw, consumer.token, '/v1/receipts', requestBody(provider.agencyId, receiptId), 201);
    const before = (await gw.request('GET', `/v1/receipts/${receiptId}`)).body;

    await assertRefusals(t, gw, [
      ['malformed JSON', 'POST', '/v1/receipts', { token: consumer.token, raw: '{"receiptId": ', contentType: 'application/json' }, 400, 'MALFORMED_JSON'],
      ['not JSON', 'POST', '/v1/receipts', { token: consumer.token, raw: 'receiptId=x', contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['oversize body', 'POST', '/v1/receipts', { token: consumer.token, json: { ...requestBody(provider.agencyId, fresh), purpose: '用途'.repeat(100_000) } }, 413, 'BODY_TOO_LARGE'],
      ['unknown field', 'POST', '/v1/receipts', { token: consumer.token, json: { ...requestBody(provider.agencyId, fresh), price: 1 } }, 400, 'VALIDATION_FAILED'],
      ['wrong type', 'POST', '/v1/receipts', { token: consumer.token, json: { ...requestBody(provider.agencyId, fresh), purpose: 42 } }, 400, 'VALIDATION_FAILED'],
      ['not-shared class', 'POST', '/v1/receipts', { token: consumer.token, json: { ...requestBody(provider.agencyId, fresh), shareClass: 'none' } }, 400, 'VALIDATION_FAILED'],
      ['bad receipt id', 'POST', '/v1/receipts', { token: consumer.token, json: requestBody(provider.agencyId, 'x') }, 400, 'VALIDATION_FAILED'],
      ['bad provider code', 'POST', '/v1/receipts', { token: consumer.token, json: requestBody('91410000MA0000000X', fresh) }, 400, 'VALIDATION_FAILED'],
      ['unknown provider', 'POST', '/v1/receipts', { token: consumer.token, json: requestBody(randomUscc(), fresh) }, 404, 'NOT_FOUND'],
      ['missing token', 'POST', '/v1/receipts', { json: requestBody(provider.agencyId, fresh) }, 401, 'UNAUTHENTICATED'],
      ['unknown token', 'POST', '/v1/receipts', { token: 'hnc_nobody', json: requestBody(provider.agencyId, fresh) }, 401, 'UNAUTHENTICATED'],
      ['governance token', 'POST', '/v1/receipts', { token: GOVERNANCE, json: requestBody(provider.agencyId, fresh) }, 403, 'FORBIDDEN'],
      ['provider requests', 'POST', '/v1/receipts', { token: provider.token, json: requestBody(consumer.agencyId, fresh) }, 403, 'FORBIDDEN'],
      ['refusal without reason', 'POST', `/v1/receipts/${receiptId}/reply`, { token: provider.token, json: { decision: 'refused' } }, 400, 'VALIDATION_FAILED'],
      ['bad path id', 'POST', '/v1/receipts/no!/reply', { token: provider.token, json: { decision: 'approved' } }, 400, 'VALIDATION_FAILED'],
      ['unknown receipt', 'POST', `/v1/receipts/${fresh}/reply`, { token: provider.token, json: { decision: 'approved' } }, 404, 'NOT_FOUND'],
      ['delivery before approval', 'POST', `/v1/receipts/${receiptId}/delivery`, { token: provider.token, json: { delivery: delivery() } }, 409, 'INVALID_STATE'],
      ['count as a string', 'POST', `/v1/receipts/${receiptId}/delivery`, { token: provider.token, json: { delivery: { ...delivery(), recordCount: '101' } } }, 400, 'VALIDATION_FAILED'],
      ['path and body disagree', 'POST', `/v1/receipts/${receiptId}/reply`, { token: provider.token, json: { receiptId: fresh, decision: 'approved', keyId: '0'.repeat(32), signature: '0'.repeat(128) } }, 400, 'VALIDATION_FAILED'],
      ['forged signature', 'POST', `/v1/receipts/${receiptId}/reply`, { token: provider.token, json: { receiptId, operation: 'receipt.reply', requestId: 'forged-0001', agencyId: provider.agencyId, decision: 'approved', keyId: provider.record.keys[0].keyId, signature: '0'.repeat(128) } }, 422, 'SIGNATURE_INVALID'],
      ['another agency\u2019s id in the body', 'POST', `/v1/receipts/${receiptId}/reply`, { token: provider.token, json: { agencyId: consumer.agencyId, decision: 'approved' } }, 403, 'FORBIDDEN'],
      ['corrected without a delivery', 'POST', `/v1/receipts/${receiptId}/resolution`, { token: provider.token, json: { objectionId: 1, outcome: 'corrected' } }, 400, 'VALIDATION_FAILED'],
      ['bad id to read', 'GET', '/v1/receipts/no!', {}, 400, 'VALIDATION_FAILED'],
      ['unknown receipt to read', 'GET', `/v1/receipts/${fresh}`, {}, 404, 'NOT_FOUND'],
    ]);
    t.deepEqual((await gw.request('GET', `/v1/receipts/${receiptId}`)).body, before, 'the receipt is as it was');
    t.is((await gw.request('GET', `/v1/receipts/${fresh}`)).status, 404, 'no receipt was opened');
  }));
