import { randomBytes } from 'node:crypto';
import { residentIdCheckCharacter, sm3Hex, toHex } from '@henan-chain/crypto';
import { MAX_REQUEST_BYTES } from '../common/validation';
import { networkTest } from '../testing/network';
import { MAX_OBJECTIONS } from './model';
import { type TestAgency, type TestNetwork, randomUscc } from '../testing/network';

const test = networkTest();

const ITEM = '11410000005184361T/00001';

interface Parties {
  net: TestNetwork;
  consumer: TestAgency;
  provider: TestAgency;
  receiptId: string;
}

const newReceiptId = () => `RCPT-${toHex(randomBytes(6))}`;

/** What the provider delivered (batch n): the object both sides sign. */
const delivery = (n = 1) => ({
  fingerprint: sm3Hex(`企业登记信息 batch ${n}`),
  recordCount: 100 + n,
  scope: '仅用于企业开办环节核验法定代表人身份',
  expiresAt: '2099-12-31T00:00:00Z',
});

const requestBody = (provider: TestAgency, receiptId: string, overrides: Record<string, unknown> = {}) => ({
  receiptId,
  providerId: provider.agencyId,
  catalogItemId: ITEM,
  shareClass: 'conditional',
  purpose: '企业开办核验法定代表人身份',
  scenario: '企业开办一件事',
  legalBasis: '《政务数据共享条例》',
  ...overrides,
});

/** A consumer in the city's organisation and a provider in the province's, with nothing between them yet. */
async function parties(net: TestNetwork): Promise<Parties> {
  const consumer = await net.registerAgency({ name: '郑州市市场监督管理局', org: 'city', roles: ['consumer'] });
  const provider = await net.registerAgency({ name: '河南省公安厅', org: 'province', roles: ['provider'] });
  return { net, consumer, provider, receiptId: newReceiptId() };
}

const STEPS = ['requested', 'approved', 'delivered', 'acknowledged'] as const;

/** A receipt brought to `state` along the ordinary path. */
async function receiptAt(net: TestNetwork, state: (typeof STEPS)[number]): Promise<Parties> {
  const p = await parties(net);
  const { consumer, provider, receiptId } = p;
  const steps = [
    () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId)),
    () => net.submitSigned(provider, 'receipt:reply', { receiptId, decision: 'approved', conditions: '不得向第三方提供' }),
    () => net.submitSigned(provider, 'receipt:delivery', { receiptId, delivery: delivery() }),
    () => net.submitSigned(consumer, 'receipt:acknowledge', { receiptId, delivery: delivery() }),
  ];
  for (const step of steps.slice(0, STEPS.indexOf(state) + 1)) await step();
  return p;
}

const get = (net: TestNetwork, receiptId: string) => net.evaluate(net.admins.city, 'receipt:get', receiptId);

/** Asserts a rejection with `code` and that the receipt is exactly as before. */
async function rejectedUnchanged(t: any, p: Parties, code: string, call: () => Promise<unknown>): Promise<void> {
  const before = await get(p.net, p.receiptId);
  t.is(await p.net.errorCode(call()), code);
  t.deepEqual(await get(p.net, p.receiptId), before);
}

// ------------------------------------------------------------------------------------------- flow

test('the whole flow: request, reply, delivery, acknowledgement, objection, correction, re-acknowledgement', async (t) => {
  const { net } = t.context;
  const { consumer, provider, receiptId } = await parties(net);

  const requested = await net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId));
  t.like(requested, { kind: 'receipt', receiptId, consumerId: consumer.agencyId, providerId: provider.agencyId, state: 'requested', catalogItemId: ITEM });
  t.is(requested.lastAction.action, 'request');
  t.is(requested.lastAction.agencyId, consumer.agencyId);
  t.deepEqual(requested.objections, []);

  const approved = await net.submitSigned(provider, 'receipt:reply', { receiptId, decision: 'approved', conditions: '不得向第三方提供' });
  t.is(approved.state, 'approved');
  t.like(approved.reply, { decision: 'approved', conditions: '不得向第三方提供', txId: approved.txId });

  const delivered = await net.submitSigned(provider, 'receipt:delivery', { receiptId, delivery: delivery(1) });
  t.is(delivered.state, 'delivered');
  t.like(delivered.delivery, { ...delivery(1), version: 1, txId: delivered.txId });
  t.is(delivered.delivery.signedBy.agencyId, provider.agencyId);
  t.deepEqual(delivered.delivery.signedBy.request.delivery, delivery(1));

  const acked = await net.submitSigned(consumer, 'receipt:acknowledge', { receiptId, delivery: delivery(1) });
  t.is(acked.state, 'acknowledged');
  t.is(acked.acknowledgement.deliveryDigest, delivered.delivery.digest);
  t.is(acked.acknowledgement.signedBy.agencyId, consumer.agencyId);
  // Both signatures are kept on the receipt: the provider's over the delivery, the consumer's over the same object.
  t.deepEqual(acked.delivery.signedBy, delivered.delivery.signedBy);

  const objected = await net.submitSigned(consumer, 'receipt:object', { receiptId, category: 'incomplete', reason: '缺少2024年以后的登记记录' });
  t.is(objected.state, 'disputed');
  t.like(objected.objections[0], { objectionId: 1, raisedBy: 'consumer', agencyId: consumer.agencyId, priorState: 'acknowledged', status: 'open' });

  const corrected = await net.submitSigned(provider, 'receipt:resolve', { receiptId, objectionId: 1, outcome: 'corrected', correctedDelivery: delivery(2) });
  t.is(corrected.state, 'delivered');
  t.like(corrected.delivery, { ...delivery(2), version: 2 });
  t.is(corrected.acknowledgement, undefined, 'a correction needs a fresh acknowledgement');
  t.like(corrected.objections[0], { status: 'corrected', resolution: { agencyId: provider.agencyId, supersededDigest: delivered.delivery.digest } });

  // The old delivery no longer matches; the corrected one does.
  t.is(await net.errorCode(net.submitSigned(consumer, 'receipt:acknowledge', { receiptId, delivery: delivery(1) })), 'VALIDATION_FAILED');
  const reacked = await net.submitSigned(consumer, 'receipt:acknowledge', { receiptId, delivery: delivery(2) });
  t.is(reacked.state, 'acknowledged');
  t.is(reacked.acknowledgement.deliveryDigest, corrected.delivery.digest);

  // The provider objects to use beyond scope; the consumer rejects it: back to acknowledged.
  await net.submitSigned(provider, 'receipt:object', { receiptId, category: 'scope', reason: '发现用于招投标审查' });
  const rejected = await net.submitSigned(consumer, 'receipt:resolve', { receiptId, objectionId: 2, outcome: 'rejected', reason: '仅用于企业开办' });
  t.is(rejected.state, 'acknowledged');
  t.is(rejected.objections[1].status, 'rejected');

  // A third objection withdrawn by the consumer who raised it.
  await net.submitSigned(consumer, 'receipt:object', { receiptId, category: 'quality', reason: '字段值疑似有误' });
  const withdrawn = await net.submitSigned(consumer, 'receipt:withdraw', { receiptId, objectionId: 3 });
  t.is(withdrawn.state, 'acknowledged');
  t.deepEqual(withdrawn.objections.map((o: any) => [o.objectionId, o.raisedBy, o.status]), [
    [1, 'consumer', 'corrected'],
    [2, 'provider', 'rejected'],
    [3, 'consumer', 'withdrawn'],
  ]);
  t.deepEqual(await get(net, receiptId), withdrawn);
});

test('a provider may refuse with a reason, and nothing can follow a refusal', async (t) => {
  const p = await receiptAt(t.context.net, 'requested');
  const { net, provider, receiptId } = p;
  t.is(await net.errorCode(net.submitSigned(provider, 'receipt:reply', { receiptId, decision: 'refused' })), 'VALIDATION_FAILED');
  const refused = await net.submitSigned(provider, 'receipt:reply', { receiptId, decision: 'refused', reason: '申请事项超出共享范围' });
  t.like(refused, { state: 'refused', reply: { decision: 'refused', reason: '申请事项超出共享范围' } });
  await rejectedUnchanged(t, p, 'INVALID_STATE', () => net.submitSigned(provider, 'receipt:delivery', { receiptId, delivery: delivery() }));
  await rejectedUnchanged(t, p, 'INVALID_STATE', () => net.submitSigned(provider, 'receipt:reply', { receiptId, decision: 'approved' }));
});

test('each write emits its event naming both agencies', async (t) => {
  const { net } = t.context;
  const { consumer, provider, receiptId } = await parties(net);
  const request = net.signRequest(consumer, 'receipt:request', requestBody(provider, receiptId));
  const result = await net.ledger.submit(consumer.identity, 'receipt:request', [JSON.stringify(request)]);
  t.is(result.event?.eventName, 'receipt.requested');
  t.like(JSON.parse(Buffer.from(result.event!.payload).toString('utf8')), {
    kind: 'receipt',
    id: receiptId,
    action: 'requested',
    agencyId: consumer.agencyId,
    counterparties: [provider.agencyId],
    txId: result.txId,
  });

  const reply = net.signRequest(provider, 'receipt:reply', { receiptId, decision: 'approved' });
  const replied = await net.ledger.submit(provider.identity, 'receipt:reply', [JSON.stringify(reply)]);
  t.is(replied.event?.eventName, 'receipt.approved');
  t.like(JSON.parse(Buffer.from(replied.event!.payload).toString('utf8')), { agencyId: provider.agencyId, counterparties: [consumer.agencyId] });
});

// ------------------------------------------------------------------------------------- rejections

test('request is refused for bad input, a wrong role, an unknown provider, and a receipt id in use', async (t) => {
  const { net } = t.context;
  const p = await parties(net);
  const { consumer, provider, receiptId } = p;
  const idNumber = '41010219900307123' + residentIdCheckCharacter('41010219900307123');
  const outsider = await net.registerAgency({ name: '郑州市统计局', org: 'city', roles: ['auditor'] });
  const cases: [string, () => Promise<unknown>][] = [
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { shareClass: 'not_shared' }))],
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, 'short'))],
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { providerId: '91410100MA0000000O' }))],
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { catalogItemId: '/bad item' }))],
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { purpose: `核验 ${idNumber}` }))],
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { extra: 1 }))],
    ['VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:request', requestBody(consumer, receiptId))],
    ['NOT_FOUND', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { providerId: randomUscc() }))],
    ['FORBIDDEN', () => net.submitSigned(consumer, 'receipt:request', requestBody(outsider, receiptId))],
    ['FORBIDDEN', () => net.submitSigned(provider, 'receipt:request', requestBody(provider, receiptId))],
  ];
  for (const [code, call] of cases) t.is(await net.errorCode(call()), code);
  t.is(await net.errorCode(get(net, receiptId)), 'NOT_FOUND', 'nothing was written');

  await net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId));
  await rejectedUnchanged(t, p, 'ALREADY_EXISTS', () => net.submitSigned(consumer, 'receipt:request', requestBody(provider, receiptId, { purpose: '另一用途' })));
});

test('the signature gate: wrong organisation, bad signature, retired and revoked keys, replay', async (t) => {
  const { net } = t.context;
  const { consumer, provider, receiptId } = await parties(net);
  t.deepEqual(await net.gateRejections(consumer, 'receipt:request', requestBody(provider, receiptId)), {
    wrongOrganisation: 'FORBIDDEN',
    badSignature: 'SIGNATURE_INVALID',
    retiredKey: 'KEY_NOT_VALID',
    revokedKey: 'KEY_NOT_VALID',
  });
  t.is(await net.errorCode(get(net, receiptId)), 'NOT_FOUND', 'nothing was written');

  // On a later step (the provider's reply), with a receipt of fresh parties.
  const p = await receiptAt(net, 'requested');
  const before = await get(net, p.receiptId);
  t.deepEqual(await net.gateRejections(p.provider, 'receipt:reply', { receiptId: p.receiptId, decision: 'approved' }), {
    wrongOrganisation: 'FORBIDDEN',
    badSignature: 'SIGNATURE_INVALID',
    retiredKey: 'KEY_NOT_VALID',
    revokedKey: 'KEY_NOT_VALID',
  });
  t.deepEqual(await get(net, p.receiptId), before);

  // A request id is used once: the same signed request again is a replay.
  const q = await parties(net);
  const signed = JSON.stringify(net.signRequest(q.consumer, 'receipt:request', requestBody(q.provider, q.receiptId)));
  await net.submit(q.consumer.identity, 'receipt:request', signed);
  await rejectedUnchanged(t, q, 'REPLAY', () => net.submit(q.consumer.identity, 'receipt:request', signed));
});

test('each step only by the party whose step it is', async (t) => {
  const { net } = t.context;
  const outsider = await net.registerAgency({ name: '河南省大数据管理局', org: 'province', roles: ['provider', 'consumer'] });
  const requested = await receiptAt(net, 'requested');
  const { receiptId } = requested;
  await rejectedUnchanged(t, requested, 'FORBIDDEN', () => net.submitSigned(requested.consumer, 'receipt:reply', { receiptId, decision: 'approved' }));
  await rejectedUnchanged(t, requested, 'FORBIDDEN', () => net.submitSigned(outsider, 'receipt:reply', { receiptId, decision: 'approved' }));

  const approved = await receiptAt(net, 'approved');
  await rejectedUnchanged(t, approved, 'FORBIDDEN', () => net.submitSigned(approved.consumer, 'receipt:delivery', { receiptId: approved.receiptId, delivery: delivery() }));

  const delivered = await receiptAt(net, 'delivered');
  const at = { receiptId: delivered.receiptId };
  await rejectedUnchanged(t, delivered, 'FORBIDDEN', () => net.submitSigned(delivered.provider, 'receipt:acknowledge', { ...at, delivery: delivery() }));
  await rejectedUnchanged(t, delivered, 'FORBIDDEN', () => net.submitSigned(outsider, 'receipt:acknowledge', { ...at, delivery: delivery() }));
  await rejectedUnchanged(t, delivered, 'FORBIDDEN', () => net.submitSigned(outsider, 'receipt:object', { ...at, category: 'other', reason: '旁观者' }));
  await rejectedUnchanged(t, delivered, 'NOT_FOUND', () => net.submitSigned(delivered.consumer, 'receipt:reply', { receiptId: newReceiptId(), decision: 'approved' }));
});

test('an acknowledgement whose delivery differs is rejected and changes nothing', async (t) => {
  const p = await receiptAt(t.context.net, 'delivered');
  const { net, consumer, receiptId } = p;
  for (const changed of [delivery(2), { ...delivery(), recordCount: 99 }, { ...delivery(), scope: '扩大范围' }]) {
    await rejectedUnchanged(t, p, 'VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:acknowledge', { receiptId, delivery: changed }));
  }
  t.is((await get(net, receiptId)).acknowledgement, undefined);
});

test('steps out of order are INVALID_STATE', async (t) => {
  const { net } = t.context;
  const requested = await receiptAt(net, 'requested');
  const r = requested.receiptId;
  await rejectedUnchanged(t, requested, 'INVALID_STATE', () => net.submitSigned(requested.provider, 'receipt:delivery', { receiptId: r, delivery: delivery() }));
  await rejectedUnchanged(t, requested, 'INVALID_STATE', () => net.submitSigned(requested.consumer, 'receipt:acknowledge', { receiptId: r, delivery: delivery() }));
  await rejectedUnchanged(t, requested, 'INVALID_STATE', () => net.submitSigned(requested.consumer, 'receipt:object', { receiptId: r, category: 'other', reason: '尚未交付' }));

  const approved = await receiptAt(net, 'approved');
  await rejectedUnchanged(t, approved, 'INVALID_STATE', () => net.submitSigned(approved.provider, 'receipt:reply', { receiptId: approved.receiptId, decision: 'refused', reason: '改变主意' }));
  const expired = { ...delivery(), expiresAt: '2020-01-01T00:00:00Z' };
  await rejectedUnchanged(t, approved, 'VALIDATION_FAILED', () => net.submitSigned(approved.provider, 'receipt:delivery', { receiptId: approved.receiptId, delivery: expired }));

  const acked = await receiptAt(net, 'acknowledged');
  await rejectedUnchanged(t, acked, 'INVALID_STATE', () => net.submitSigned(acked.consumer, 'receipt:acknowledge', { receiptId: acked.receiptId, delivery: delivery() }));
  await rejectedUnchanged(t, acked, 'INVALID_STATE', () => net.submitSigned(acked.provider, 'receipt:delivery', { receiptId: acked.receiptId, delivery: delivery(2) }));
});

test('objections: one open at a time, answered by the other party, withdrawn only by the raiser', async (t) => {
  const p = await receiptAt(t.context.net, 'delivered');
  const { net, consumer, provider, receiptId } = p;
  await net.submitSigned(provider, 'receipt:object', { receiptId, category: 'scope', reason: '疑似超范围使用' });
  await rejectedUnchanged(t, p, 'INVALID_STATE', () => net.submitSigned(consumer, 'receipt:object', { receiptId, category: 'quality', reason: '第二个异议' }));
  await rejectedUnchanged(t, p, 'FORBIDDEN', () => net.submitSigned(provider, 'receipt:resolve', { receiptId, objectionId: 1, outcome: 'rejected', reason: '自己答复' }));
  await rejectedUnchanged(t, p, 'FORBIDDEN', () => net.submitSigned(consumer, 'receipt:withdraw', { receiptId, objectionId: 1 }));
  // Corrected data comes only from the provider, so the consumer cannot answer `corrected`.
  await rejectedUnchanged(t, p, 'FORBIDDEN', () => net.submitSigned(consumer, 'receipt:resolve', { receiptId, objectionId: 1, outcome: 'corrected', correctedDelivery: delivery(2) }));
  await rejectedUnchanged(t, p, 'VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:resolve', { receiptId, objectionId: 1, outcome: 'rejected' }));
  await rejectedUnchanged(t, p, 'VALIDATION_FAILED', () => net.submitSigned(consumer, 'receipt:resolve', { receiptId, objectionId: 1, outcome: 'accepted', correctedDelivery: delivery(2) }));
  await rejectedUnchanged(t, p, 'NOT_FOUND', () => net.submitSigned(consumer, 'receipt:resolve', { receiptId, objectionId: 7, outcome: 'accepted' }));

  const accepted = await net.submitSigned(consumer, 'receipt:resolve', { receiptId, objectionId: 1, outcome: 'accepted', reason: '已停止该用途' });
  t.is(accepted.state, 'delivered', 'back to the state before the objection');
  t.is(accepted.objections[0].status, 'accepted');
  await rejectedUnchanged(t, p, 'INVALID_STATE', () => net.submitSigned(provider, 'receipt:withdraw', { receiptId, objectionId: 1 }));
});

test('after MAX_OBJECTIONS rounds a receipt takes no further objection: the dispute escalates off chain', async (t) => {
  const p = await receiptAt(t.context.net, 'acknowledged');
  const { net, consumer, receiptId } = p;
  for (let n = 1; n <= MAX_OBJECTIONS; n++) {
    await net.submitSigned(consumer, 'receipt:object', { receiptId, category: 'quality', reason: `第${n}次异议` });
    await net.submitSigned(consumer, 'receipt:withdraw', { receiptId, objectionId: n });
  }
  const before = await get(net, receiptId);
  t.is(before.objections.length, MAX_OBJECTIONS);
  t.is(before.state, 'acknowledged');
  await rejectedUnchanged(t, p, 'INVALID_STATE', () => net.submitSigned(consumer, 'receipt:object', { receiptId, category: 'quality', reason: '再次异议' }));
});

test('a request longer than MAX_REQUEST_BYTES is refused before it is parsed', async (t) => {
  const p = await receiptAt(t.context.net, 'requested');
  const { net, provider, receiptId } = p;
  const body = JSON.stringify(net.signRequest(provider, 'receipt:reply', { receiptId, decision: 'approved', conditions: 'x'.repeat(MAX_REQUEST_BYTES) }));
  await rejectedUnchanged(t, p, 'VALIDATION_FAILED', () => net.submit(provider.identity, 'receipt:reply', body));
});

// ---------------------------------------------------------------------------------------- queries

test('byAgency lists receipts of either side page by page; byCatalogItem lists an item’s receipts', async (t) => {
  const { net } = t.context;
  const { consumer, provider } = await parties(net);
  const item = `ITEM-${toHex(randomBytes(4))}`;
  const ids = [newReceiptId(), newReceiptId(), newReceiptId()].sort();
  for (const id of ids) await net.submitSigned(consumer, 'receipt:request', requestBody(provider, id, { catalogItemId: item }));

  for (const agency of [consumer, provider]) {
    const seen: string[] = [];
    let bookmark = '';
    do {
      const page = await net.evaluate(net.admins.city, 'receipt:byAgency', agency.agencyId, '2', bookmark);
      t.true(page.records.length <= 2);
      seen.push(...page.records.map((r: any) => r.receiptId));
      bookmark = page.bookmark;
    } while (bookmark);
    t.deepEqual(seen, ids);
  }
  const byItem = await net.evaluate(net.admins.province, 'receipt:byCatalogItem', item, '10', '');
  t.deepEqual(byItem.records.map((r: any) => r.receiptId), ids);
  t.is(byItem.bookmark, '');

  t.is(await net.errorCode(net.evaluate(net.admins.city, 'receipt:byAgency', consumer.agencyId, '0', '')), 'VALIDATION_FAILED');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'receipt:byAgency', 'not-a-code', '10', '')), 'VALIDATION_FAILED');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'receipt:get', newReceiptId())), 'NOT_FOUND');
});

test('a suspended consumer gets no approval and no delivery; a refusal still answers it; reinstated, it is served', async (t) => {
  const { net } = t.context;
  const suspend = (agency: TestAgency, fn: 'suspend' | 'reinstate') =>
    net.submit(net.admins.province, `agency:${fn}`, JSON.stringify({ agencyId: agency.agencyId, reason: '数据安全检查' }));
  const requested = await receiptAt(net, 'requested');
  const refused = await receiptAt(net, 'requested');
  const approved = await receiptAt(net, 'approved');
  for (const consumer of [requested.consumer, refused.consumer, approved.consumer]) await suspend(consumer, 'suspend');

  const approve = { receiptId: requested.receiptId, decision: 'approved' };
  await rejectedUnchanged(t, requested, 'AGENCY_SUSPENDED', () => net.submitSigned(requested.provider, 'receipt:reply', approve));
  await rejectedUnchanged(t, approved, 'AGENCY_SUSPENDED', () =>
    net.submitSigned(approved.provider, 'receipt:delivery', { receiptId: approved.receiptId, delivery: delivery() }),
  );
  const refusal = await net.submitSigned(refused.provider, 'receipt:reply', { receiptId: refused.receiptId, decision: 'refused', reason: '使用方暂停' });
  t.is(refusal.state, 'refused');

  await suspend(requested.consumer, 'reinstate');
  t.is((await net.submitSigned(requested.provider, 'receipt:reply', approve)).state, 'approved');
});
