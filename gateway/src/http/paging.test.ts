import test from 'ava';
import { GOVERNANCE, withTestGateway } from '../testing/harness';
import { issueLicence, newIssuer } from '../testing/licence-fixtures';

const HOLDER = '9'.repeat(64);

test('a query limit is plain decimal digits within 1-200, and a JSON limit a JSON integer; other forms are refused', async (t) => {
  await withTestGateway(async (gw) => {
    const issuer = await newIssuer(gw);
    await issueLicence(gw, issuer);
    const lists = [[`/v1/licences?holder=${HOLDER}&`, issuer.token], ['/v1/audit/events?', GOVERNANCE], ['/v1/audit/holder-reads?', GOVERNANCE]] as const;
    for (const [list, token] of lists) {
      t.is((await gw.request('GET', `${list}limit=200`, { token })).status, 200, list);
      for (const limit of ['0x10', '1e2', '%2010', '10%20', '+10', '010', '10.0', '0', '201', '', 'true']) {
        const reply = await gw.request('GET', `${list}limit=${limit}`, { token });
        t.is(reply.status, 400, `${list}limit=${limit}: ${reply.text}`);
        t.regex(reply.body.error.message, /^query\.limit: /, `${list}limit=${limit}`);
      }
    }

    const trail = async () => (await gw.request('GET', '/v1/audit/holder-reads', { token: GOVERNANCE })).body.reads.length;
    const lookup = (limit: unknown) =>
      gw.request('POST', '/v1/licences/holder-lookup', { token: issuer.token, json: { holderCodeType: '001', holderCode: issuer.agencyId, limit } });
    const reads = await trail();
    for (const limit of [true, [5], '0x2', '2', 2.5, 0, 201, null]) {
      const reply = await lookup(limit);
      t.is(reply.status, 400, `${JSON.stringify(limit)}: ${reply.text}`);
      t.regex(reply.body.error.message, /^body\.limit: /, JSON.stringify(limit));
    }
    t.is(await trail(), reads, 'no refused lookup was recorded as a holder read');
    t.is((await lookup(2)).status, 200);
    t.is(await trail(), reads + 1);
  });
});
