import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { GOVERNANCE, type Reply, startTestGateway, type TestGateway, withTestGateway } from '../testing/harness';
import { issueBody, issueLicence, licenceFile, licenceIdFor, newIssuer, type TestIssuer } from '../testing/licence-fixtures';

/** Serial: each test counts the cache's hits, which a concurrent test would add to. */
const test = anyTest.serial as TestFn<{ gw: TestGateway; issuer: TestIssuer }>;

test.before(async (t) => {
  t.context.gw = await startTestGateway();
  t.context.issuer = await newIssuer(t.context.gw);
});
test.after.always(async (t) => {
  await t.context.gw?.stop();
});

async function verify(gw: TestGateway, id: string, options: { documentSm3?: string; method?: 'POST' | 'GET' } = {}): Promise<any> {
  const { documentSm3, method = 'POST' } = options;
  const reply =
    method === 'POST'
      ? await gw.request('POST', '/v1/verify/licence', { json: { id, ...(documentSm3 ? { documentSm3 } : {}) } })
      : await gw.request('GET', `/v1/verify/licence?id=${encodeURIComponent(id)}${documentSm3 ? `&documentSm3=${documentSm3}` : ''}`);
  if (reply.status !== 200) throw new Error(`verify failed: ${reply.status} ${reply.text}`);
  return reply.body;
}

async function outcomes(gw: TestGateway): Promise<Record<'hit' | 'miss' | 'bypass', number>> {
  const { values } = await gw.gateway.services.metrics.licenceVerdictCache.get();
  const count = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') };
}

/**
 * The verdict on `id` (with `documentSm3`, if given) once the index has applied the write `txId`,
 * asked twice: the second answer must come from the cache, so that what follows tests its invalidation.
 */
async function cachedVerdict(t: ExecutionContext, gw: TestGateway, id: string, txId: string, documentSm3?: string): Promise<string> {
  await gw.indexed(txId);
  const first = await verify(gw, id, { documentSm3 });
  const before = await outcomes(gw);
  const second = await verify(gw, id, { documentSm3 });
  t.is((await outcomes(gw)).hit, before.hit + 1, `the repeated verification of ${id} was not a cache hit`);
  t.deepEqual(second, first);
  return second.verdict;
}

/** Caches the verdict on a licence twice over: asked by id alone, and with its document's digest. */
async function cacheBoth(t: ExecutionContext, gw: TestGateway, licence: any, txId: string): Promise<[string, string]> {
  return [await cachedVerdict(t, gw, licence.licenceId, txId), await cachedVerdict(t, gw, licence.licenceId, txId, licence.document.sm3)];
}

/**
 * The verdicts right after a write is acknowledged: by id alone at once, when the index may still lag
 * the ledger; then, with the digest, once the index has applied the write, when only its eviction of
 * the cached entry stands between the client and a stale answer.
 */
async function verdictsAfter(gw: TestGateway, licence: any, write: Reply): Promise<[string, string]> {
  if (write.status >= 300) throw new Error(`write failed: ${write.status} ${write.text}`);
  const atOnce = await verify(gw, licence.licenceId);
  await gw.indexed(write.body.transaction.txId);
  const indexed = await verify(gw, licence.licenceId, { documentSm3: licence.document.sm3 });
  return [atOnce.verdict, indexed.verdict];
}

test('a hit answers the same body as the miss before it, by POST and by GET, and is counted', async (t) => {
  const { gw, issuer } = t.context;
  const licence = await issueLicence(gw, issuer);
  await gw.indexed(licence.txId);
  const before = await outcomes(gw);
  const miss = await verify(gw, licence.licenceId);
  const hit = await verify(gw, licence.licenceId);
  const byLink = await verify(gw, licence.licenceId, { method: 'GET' });
  t.is(miss.verdict, 'valid');
  t.deepEqual(hit, miss);
  t.deepEqual(byLink, miss);
  const after = await outcomes(gw);
  t.deepEqual({ hit: after.hit - before.hit, miss: after.miss - before.miss, bypass: after.bypass - before.bypass }, { hit: 2, miss: 1, bypass: 0 });
  const metrics = await gw.request('GET', '/metrics');
  t.regex(metrics.text, /hnc_licence_verdict_cache_total\{outcome="hit"\} \d+/);
});

test('a cached valid verdict is revoked as soon as the revoke is acknowledged', async (t) => {
  const { gw, issuer } = t.context;
  const licence = await issueLicence(gw, issuer);
  t.deepEqual(await cacheBoth(t, gw, licence, licence.txId), ['valid', 'valid']);
  const revoked = await gw.request('POST', `/v1/licences/${licence.licenceId}/revoke`, { token: issuer.token, json: { reason: '以欺骗手段取得' } });
  t.deepEqual(await verdictsAfter(gw, licence, revoked), ['revoked', 'revoked']);
  t.is(await cachedVerdict(t, gw, licence.licenceId, revoked.body.transaction.txId), 'revoked');
});

test('suspended and reinstated: each cached verdict gives way as soon as the change is acknowledged', async (t) => {
  const { gw, issuer } = t.context;
  const licence = await issueLicence(gw, issuer);
  const { licenceId: id } = licence;
  t.deepEqual(await cacheBoth(t, gw, licence, licence.txId), ['valid', 'valid']);
  const suspended = await gw.request('POST', `/v1/licences/${id}/suspend`, { token: issuer.token, json: { reason: '暂扣: 整改期间' } });
  t.deepEqual(await verdictsAfter(gw, licence, suspended), ['suspended', 'suspended']);
  t.deepEqual(await cacheBoth(t, gw, licence, suspended.body.transaction.txId), ['suspended', 'suspended']);
  const reinstated = await gw.request('POST', `/v1/licences/${id}/reinstate`, { token: issuer.token, json: { reason: '整改完成' } });
  t.deepEqual(await verdictsAfter(gw, licence, reinstated), ['valid', 'valid']);
});

test('renewal: the cached previous version is superseded and the cached not_found of the next one is valid, at once', async (t) => {
  const { gw, issuer } = t.context;
  const first = await issueLicence(gw, issuer);
  const next = licenceIdFor(issuer, '002', first.licenceId.split('.').at(-3));
  t.deepEqual(await cacheBoth(t, gw, first, first.txId), ['valid', 'valid']);
  t.is(await cachedVerdict(t, gw, next, first.txId), 'not_found');
  const renewed = await gw.request('POST', `/v1/licences/${first.licenceId}/renew`, {
    token: issuer.token,
    json: { reason: 'change', issueDate: '2026-03-01', changes: { holderName: '郑州某某软件有限公司' } },
  });
  t.deepEqual(await verdictsAfter(gw, first, renewed), ['superseded', 'superseded']);
  t.is(renewed.body.record.licenceId, next);
  t.is((await verify(gw, next)).verdict, 'valid');
});

test('signature_invalid as soon as the issuer\u2019s key is revoked from before the issuance', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const licence = await issueLicence(gw, issuer);
  t.deepEqual(await cacheBoth(t, gw, licence, licence.txId), ['valid', 'valid']);
  const revoked = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/keys/${licence.issuance.keyId}/revoke`, {
    token: GOVERNANCE,
    json: { reason: '私钥泄露', effectiveFrom: '2020-01-01T00:00:00Z' },
  });
  t.deepEqual(await verdictsAfter(gw, licence, revoked), ['signature_invalid', 'signature_invalid']);
  t.regex((await verify(gw, licence.licenceId)).reasons[0], /revoked/);
});

test('with the chaincode events the cache follows stopped, nothing is served from the cache once the ledger moves on', async (t) => {
  await withTestGateway(async (gw) => {
    const issuer = await newIssuer(gw);
    const licence = await issueLicence(gw, issuer);
    t.is(await cachedVerdict(t, gw, licence.licenceId, licence.txId), 'valid');
    await gw.gateway.services.recordChanges.stop();
    const revoked = await gw.request('POST', `/v1/licences/${licence.licenceId}/revoke`, { token: issuer.token, json: { reason: '以欺骗手段取得' } });
    t.is(revoked.status, 200, revoked.text);
    const before = await outcomes(gw);
    t.is((await verify(gw, licence.licenceId)).verdict, 'revoked');
    t.is((await verify(gw, licence.licenceId)).verdict, 'revoked');
    t.is((await outcomes(gw)).bypass, before.bypass + 2);
  });
});

test('expired once validUntil passes, though the valid verdict was cached', async (t) => {
  const { gw, issuer } = t.context;
  const now = Date.now();
  const validUntil = new Date(now + 3_000).toISOString();
  const licence = await issueLicence(
    gw,
    issuer,
    issueBody(issuer, licenceFile(), { issueDate: new Date(now + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10), validFrom: new Date(now - 86_400_000).toISOString(), validUntil }),
  );
  t.is(await cachedVerdict(t, gw, licence.licenceId, licence.txId), 'valid');
  await new Promise((resolve) => setTimeout(resolve, Date.parse(validUntil) - Date.now() + 50));
  const after = await verify(gw, licence.licenceId);
  t.is(after.verdict, 'expired');
  t.regex(after.reasons[0], new RegExp(validUntil));
});
