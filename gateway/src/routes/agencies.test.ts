import test from 'ava';
import { GOVERNANCE, startTestGateway, randomUscc } from '../testing/harness';

test('governance registers an agency; the agency reads back with its key; tokens are enforced', async (t) => {
  const gw = await startTestGateway();
  try {
    const agency = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['issuer'], licenceTypes: [randomUscc('110000') + '001'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
    t.truthy(agency.token);
    const read = await gw.request('GET', `/v1/agencies/${agency.agencyId}`);
    t.is(read.status, 200);
    t.is(read.body.name, '郑州市行政审批和政务信息管理局');
    t.is(read.body.keys.length, 1);

    const noToken = await gw.request('POST', '/v1/agencies', { json: {} });
    t.is(noToken.status, 401);
    t.is(noToken.body.error.code, 'UNAUTHENTICATED');
    const agencyToken = await gw.request('POST', '/v1/agencies', { token: agency.token, json: {} });
    t.is(agencyToken.status, 403);

    const rotated = await gw.request('POST', `/v1/agencies/${agency.agencyId}/keys`, { token: agency.token, json: { retireSigningKey: true } });
    t.is(rotated.status, 201, rotated.text);
    t.is(rotated.body.record.keys.length, 2);
    t.truthy(rotated.body.record.keys[0].validTo);
    t.regex(rotated.body.transaction.txId, /^[0-9a-f]{64}$/);

    const dup = await gw.request('POST', '/v1/agencies', { token: GOVERNANCE, json: { agencyId: agency.agencyId, name: 'x', regionCode: '410000', mspId: 'HenanProvinceMSP', roles: ['auditor'] } });
    t.is(dup.status, 409, dup.text);
    t.is(dup.body.error.code, 'ALREADY_EXISTS');
  } finally {
    await gw.stop();
  }
});
