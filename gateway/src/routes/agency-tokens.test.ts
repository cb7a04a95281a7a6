import test from 'ava';
import { sm3Hex } from '@henan-chain/crypto';
import { openGatewayDb, section } from '../store';
import { GOVERNANCE, randomUscc, startTestGateway, type TestGateway } from '../testing/harness';
import { setTimeout as delay } from 'node:timers/promises';
import { assertRefusals } from '../testing/refusals';

const DAY = 86_400_000;
/** A request only an agency token may make, and that reads nothing of the ledger's writes. */
const asAgency = (gw: TestGateway, token: string) => gw.request('GET', '/v1/audit/events?limit=1', { token });
const tokensOf = (gw: TestGateway, agencyId: string) => gw.request('GET', `/v1/agencies/${agencyId}/tokens`, { token: GOVERNANCE });

test('governance issues a further token and lists them; the agency revokes its own; revoked tokens stay refused across a restart', async (t) => {
  let gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const agency = await gw.registerAgency({ name: '开封市行政审批服务局', roles: ['consumer'], regionCode: '410200' });
  const other = await gw.registerAgency({ name: '洛阳市行政审批服务局', roles: ['consumer'], regionCode: '410300' });
  t.regex(agency.tokenId, /^tok_[0-9a-f]{16}$/);

  const issued = await gw.request('POST', `/v1/agencies/${agency.agencyId}/tokens`, { token: GOVERNANCE, json: { label: '备用令牌' } });
  t.is(issued.status, 201, issued.text);
  t.like(issued.body, { agencyId: agency.agencyId, label: '备用令牌', status: 'active' });
  t.is(issued.body.expiresAt, undefined, 'no TOKEN_TTL_DAYS: no expiry');
  const spare: string = issued.body.token;
  t.not(spare, agency.token);
  t.is((await asAgency(gw, spare)).status, 200, 'the new token works');
  t.is((await asAgency(gw, agency.token)).status, 200, 'and so does the first');

  const listed = await tokensOf(gw, agency.agencyId);
  t.is(listed.status, 200, listed.text);
  t.deepEqual(
    listed.body.tokens.map((x: any) => [x.id, x.label, x.status]),
    [
      [agency.tokenId, '开封市行政审批服务局', 'active'],
      [issued.body.id, '备用令牌', 'active'],
    ],
  );
  t.truthy(listed.body.tokens[1].lastUsedAt, 'last use is shown');
  t.truthy(listed.body.tokens.every((x: any) => x.createdAt));
  for (const secret of [agency.token, spare, sm3Hex(agency.token), sm3Hex(spare)]) t.false(listed.text.includes(secret), 'never a token or its digest');

  const revoked = await gw.request('POST', `/v1/agencies/${agency.agencyId}/tokens/${issued.body.id}/revoke`, { token: agency.token, json: { reason: '不再使用' } });
  t.is(revoked.status, 200, revoked.text);
  t.like(revoked.body, { id: issued.body.id, status: 'revoked', revokedBy: agency.agencyId, revocationReason: '不再使用' });
  const refused = await asAgency(gw, spare);
  t.is(refused.status, 401);
  t.is(refused.body.error.code, 'TOKEN_REVOKED');

  const tokenPath = `/v1/agencies/${agency.agencyId}/tokens`;
  await assertRefusals(t, gw, [
    ['an agency lists its tokens', 'GET', tokenPath, { token: agency.token }, 403, 'FORBIDDEN'],
    ['an agency issues itself a token', 'POST', tokenPath, { token: agency.token, json: {} }, 403, 'FORBIDDEN'],
    ['no token', 'POST', tokenPath, { json: {} }, 401, 'UNAUTHENTICATED'],
    ['an unknown field', 'POST', tokenPath, { token: GOVERNANCE, json: { label: 'x', expiresAt: '2099-01-01T00:00:00Z' } }, 400, 'VALIDATION_FAILED'],
    ['a malformed agency id', 'GET', '/v1/agencies/not-a-code/tokens', { token: GOVERNANCE }, 400, 'VALIDATION_FAILED'],
    ['tokens of an unknown agency', 'GET', `/v1/agencies/${randomUscc()}/tokens`, { token: GOVERNANCE }, 404, 'NOT_FOUND'],
    ['a token for an unknown agency', 'POST', `/v1/agencies/${randomUscc()}/tokens`, { token: GOVERNANCE, json: {} }, 404, 'NOT_FOUND'],
    ['revoke another agency\u2019s token', 'POST', `/v1/agencies/${agency.agencyId}/tokens/${agency.tokenId}/revoke`, { token: other.token, json: {} }, 403, 'FORBIDDEN'],
    ['revoke it under another agency', 'POST', `/v1/agencies/${other.agencyId}/tokens/${agency.tokenId}/revoke`, { token: GOVERNANCE, json: {} }, 404, 'NOT_FOUND'],
    ['revoke a malformed token id', 'POST', `${tokenPath}/hnc_x/revoke`, { token: GOVERNANCE, json: {} }, 400, 'VALIDATION_FAILED'],
    ['revoke twice', 'POST', `${tokenPath}/${issued.body.id}/revoke`, { token: GOVERNANCE, json: {} }, 409, 'INVALID_STATE'],
  ]);
  t.is((await asAgency(gw, other.token)).status, 200, 'the other agency\u2019s token is untouched');

  const { dataDir } = gw;
  await gw.stop({ keepData: true });
  gw = await startTestGateway({ dataDir });
  t.is((await asAgency(gw, spare)).body.error.code, 'TOKEN_REVOKED', 'revoked for good');
  t.is((await asAgency(gw, agency.token)).status, 200);
  const byGovernance = await gw.request('POST', `${tokenPath}/${agency.tokenId}/revoke`, { token: GOVERNANCE, json: {} });
  t.is(byGovernance.status, 200, byGovernance.text);
  t.is(byGovernance.body.revokedBy, 'governance');
  t.is((await asAgency(gw, agency.token)).body.error.code, 'TOKEN_REVOKED');
  t.deepEqual((await tokensOf(gw, agency.agencyId)).body.tokens.map((x: any) => x.status), ['revoked', 'revoked']);
});

test('with TOKEN_TTL_DAYS, agency tokens expire (the governance token does not) and governance issues fresh ones', async (t) => {
  const gw = await startTestGateway({ settings: { TOKEN_TTL_DAYS: '30' } });
  t.teardown(() => gw.stop());
  const tokens = gw.gateway.services.tokens;
  const agency = await gw.registerAgency({ name: '开封市行政审批服务局', roles: ['consumer'], regionCode: '410200' });
  const [listed] = (await tokensOf(gw, agency.agencyId)).body.tokens;
  t.is(Date.parse(listed.expiresAt) - Date.parse(listed.createdAt), 30 * DAY);
  t.is((await asAgency(gw, agency.token)).status, 200);

  const realNow = tokens.now;
  tokens.now = () => realNow() + 31 * DAY;
  t.teardown(() => void (tokens.now = realNow));
  const expired = await asAgency(gw, agency.token);
  t.is(expired.status, 401, expired.text);
  t.is(expired.body.error.code, 'TOKEN_EXPIRED');
  const after = await tokensOf(gw, agency.agencyId);
  t.is(after.status, 200, 'the governance token has no expiry');
  t.is(after.body.tokens[0].status, 'expired');
  const fresh = await gw.request('POST', `/v1/agencies/${agency.agencyId}/tokens`, { token: GOVERNANCE, json: {} });
  t.is(fresh.status, 201, fresh.text);
  t.is(fresh.body.label, '开封市行政审批服务局', 'labelled with the agency\u2019s name by default');
  t.is(Date.parse(fresh.body.expiresAt) - Date.parse(fresh.body.createdAt), 30 * DAY);
  t.true(Date.parse(fresh.body.expiresAt) > Date.parse(listed.expiresAt), 'thirty days from its own issue');
  t.is((await asAgency(gw, fresh.body.token)).status, 200);
});

test('a suspended agency\u2019s tokens are refused everywhere until it is reinstated, also when the suspension reaches the gateway only as a ledger event', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const agency = await gw.registerAgency({ name: '平顶山市行政审批服务局', roles: ['consumer'], regionCode: '410400' });
  t.is((await asAgency(gw, agency.token)).status, 200, 'its status is now cached as active');

  const suspended = await gw.request('POST', `/v1/agencies/${agency.agencyId}/suspend`, { token: GOVERNANCE, json: { reason: '机构调整' } });
  t.is(suspended.status, 200, suspended.text);
  for (const reply of [await asAgency(gw, agency.token), await gw.request('GET', `/v1/agencies/${agency.agencyId}`, { token: agency.token })]) {
    t.is(reply.status, 403, reply.text);
    t.is(reply.body.error.code, 'AGENCY_SUSPENDED');
  }
  t.is((await gw.request('GET', `/v1/agencies/${agency.agencyId}`)).status, 200, 'public reads without the token still work');
  t.is((await tokensOf(gw, agency.agencyId)).status, 200, 'governance still manages its tokens');
  t.is((await gw.request('POST', `/v1/agencies/${agency.agencyId}/reinstate`, { token: GOVERNANCE, json: { reason: '调整完成' } })).status, 200);
  t.is((await asAgency(gw, agency.token)).status, 200, 'reinstated, its token works again');

  // A suspension committed without this gateway's route (as by another gateway): its event, as the ledger delivers it, evicts the cached status.
  await gw.gateway.services.submitter.asGovernance('agency:suspend', { agencyId: agency.agencyId, reason: '另一网关办理' });
  while (!(await gw.gateway.services.recordChanges.caughtUp())) await delay(5);
  t.is((await asAgency(gw, agency.token)).body?.error?.code, 'AGENCY_SUSPENDED');
});

test('tokens kept before tokens had ids keep working, and are listed with an id', async (t) => {
  let gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const agency = await gw.registerAgency({ name: '安阳市行政审批服务局', roles: ['consumer'], regionCode: '410500' });
  const { dataDir } = gw;
  await gw.stop({ keepData: true });
  // As the gateway kept a token before: the bare principal under the token's SM3.
  const legacy = `hnc_legacy_${agency.agencyId}`;
  const db = await openGatewayDb(`${dataDir}/gateway`);
  await section(db, 'tokens').put(sm3Hex(legacy), { kind: 'agency', agencyId: agency.agencyId, mspId: 'HenanProvinceMSP', label: '旧令牌' });
  await db.close();

  gw = await startTestGateway({ dataDir });
  t.is((await asAgency(gw, legacy)).status, 200);
  const listed = (await tokensOf(gw, agency.agencyId)).body.tokens;
  const old = listed.find((x: any) => x.label === '旧令牌');
  t.regex(old?.id ?? '', /^tok_[0-9a-f]{16}$/);
  t.is(old.expiresAt, undefined);
  const revoked = await gw.request('POST', `/v1/agencies/${agency.agencyId}/tokens/${old.id}/revoke`, { token: GOVERNANCE, json: {} });
  t.is(revoked.status, 200, revoked.text);
  t.is((await asAgency(gw, legacy)).body.error.code, 'TOKEN_REVOKED');
});

test('one governance token works at a time: replacing GOVERNANCE_TOKEN revokes the old one', async (t) => {
  const first = await startTestGateway();
  await first.stop({ keepData: true });
  const replaced = 'replacement-governance-token-0123456789';
  const second = await startTestGateway({ dataDir: first.dataDir, settings: { GOVERNANCE_TOKEN: replaced } });
  try {
    const old = await second.request('GET', `/v1/agencies/${randomUscc()}/tokens`, { token: GOVERNANCE });
    t.is(old.status, 401);
    t.is(old.body.error.code, 'TOKEN_REVOKED');
    t.not((await second.request('GET', `/v1/agencies/${randomUscc()}/tokens`, { token: replaced })).status, 401);
  } finally {
    await second.stop({ keepData: true });
  }
  // Unset again: a fresh generated token takes over, and the configured one stops.
  const third = await startTestGateway({ dataDir: first.dataDir, settings: { GOVERNANCE_TOKEN: '' } });
  try {
    const generated = third.gateway.services.governanceToken;
    t.not(generated, replaced);
    t.is((await third.request('GET', `/v1/agencies/${randomUscc()}/tokens`, { token: replaced })).status, 401);
    t.not((await third.request('GET', `/v1/agencies/${randomUscc()}/tokens`, { token: generated })).status, 401);
  } finally {
    await third.stop();
  }
});
