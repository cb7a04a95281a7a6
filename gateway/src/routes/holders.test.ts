import test from 'ava';
import { Writable } from 'node:stream';
import { randomInt } from 'node:crypto';
import pino from 'pino';
import { holderCommitment, residentIdCheckCharacter, sm3Hex } from '@henan-chain/crypto';
import { GOVERNANCE, allStoredBytes, startTestGateway, type TestGateway } from '../testing/harness';
import { createBody, regions } from '../testing/case-fixtures';
import { issueBody, licenceFile, newIssuer } from '../testing/licence-fixtures';

/** A valid resident ID number (身份证号) no other test uses. */
function residentId(): string {
  const first17 = `41030219850612${String(randomInt(1000)).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** A gateway whose every log line, at the most verbose level, is kept for the test to search. */
async function loggedGateway(): Promise<{ gw: TestGateway; lines: string[] }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { gw: await startTestGateway({ log: pino({ level: 'trace' }, sink) }), lines };
}

test('the public reads licences and cases without holder commitments; a token holder sees them', async (t) => {
  const { gw } = await loggedGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const body = issueBody(issuer, licenceFile());
  const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  t.is(issued.status, 201, issued.text);
  const { commitment } = issued.body.record.holder;

  const reads = [
    `/v1/licences/${body.licenceId}`,
    `/v1/licences/${body.licenceId}?versions=all`,
    `/v1/licences?issuer=${issuer.agencyId}&type=${issuer.typeCode}`,
  ];
  for (const path of reads) {
    const open = await gw.request('GET', path);
    t.is(open.status, 200, open.text);
    t.false(open.text.includes(commitment), `${path} without a token`);
    t.true(open.text.includes('"holder":{"codeType":"001"}'), path);
    const withToken = await gw.request('GET', path, { token: issuer.token });
    t.true(withToken.text.includes(commitment), `${path} with a token`);
  }
  for (const verify of [await gw.request('GET', `/v1/verify/licence?id=${body.licenceId}`), await gw.request('POST', '/v1/verify/licence', { json: { id: body.licenceId }, token: issuer.token })]) {
    t.is(verify.body.verdict, 'valid');
    t.deepEqual(verify.body.record.holder, { codeType: '001' });
  }

  const { collecting, handling } = await regions(gw);
  const caseId = `HN-PRIV-${Date.now().toString(36)}`;
  const { applicantCommitment, ...rest } = createBody(handling.agencyId, caseId);
  const created = await gw.request('POST', '/v1/cases', { token: collecting.token, json: { applicantCommitment, ...rest } });
  t.is(created.status, 201, created.text);
  for (const path of [`/v1/cases/${caseId}`, '/v1/cases?region=410100']) {
    const open = await gw.request('GET', path);
    t.is(open.status, 200, open.text);
    t.false(open.text.includes(applicantCommitment), `${path} without a token`);
    t.true((await gw.request('GET', path, { token: handling.token })).text.includes(applicantCommitment), `${path} with a token`);
  }
});

test('reads by holder need an agency token and are in the holder-read trail; the clear code is in no log line and nowhere in DATA_DIR', async (t) => {
  const { gw, lines } = await loggedGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const other = await newIssuer(gw, { name: '河南省卫生健康委员会' });
  const auditor = await gw.registerAgency({ name: '河南省审计厅', roles: ['auditor'] });
  const code = residentId();
  const expected = holderCommitment(gw.gateway.services.holderSecret, '111', code);

  // An agency that signs its own requests asks for the commitment it must sign.
  const made = await gw.request('POST', '/v1/holders/commitment', { token: issuer.token, json: { codeType: '111', code } });
  t.is(made.status, 200, made.text);
  t.deepEqual(made.body, { codeType: '111', commitment: expected });
  t.is((await gw.request('POST', '/v1/holders/commitment', { json: { codeType: '111', code } })).status, 401);
  t.is((await gw.request('POST', '/v1/holders/commitment', { token: GOVERNANCE, json: { codeType: '111', code } })).status, 403);
  const wrong = await gw.request('POST', '/v1/holders/commitment', { token: issuer.token, json: { codeType: '111', code: code.slice(0, 17) + (code.endsWith('0') ? '1' : '0') } });
  t.is(wrong.status, 400);
  t.is(wrong.body.error.details.part, 'checkCharacter');

  const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: issueBody(issuer, licenceFile(), { holder: { codeType: '111', commitment: expected }, holderName: undefined, name: '医师执业证书' }) });
  t.is(issued.status, 201, issued.text);

  const byHolder = `/v1/licences?holder=${expected}`;
  const anonymous = await gw.request('GET', byHolder);
  t.is(anonymous.status, 401);
  t.is(anonymous.body.error.code, 'UNAUTHENTICATED');
  const governance = await gw.request('GET', byHolder, { token: GOVERNANCE });
  t.is(governance.status, 403);
  t.is(governance.body.error.code, 'FORBIDDEN');
  const listed = await gw.request('GET', byHolder, { token: other.token });
  t.is(listed.status, 200, listed.text);
  t.deepEqual(listed.body.records.map((l: { licenceId: string }) => l.licenceId), [issued.body.record.licenceId]);
  const looked = await gw.request('POST', '/v1/licences/holder-lookup', { token: other.token, json: { holderCodeType: '111', holderCode: code } });
  t.is(looked.status, 200, looked.text);

  // The trail: governance and auditors read it, in order, filtered; other agencies may not.
  const trail = await gw.request('GET', '/v1/audit/holder-reads', { token: GOVERNANCE });
  t.is(trail.status, 200, trail.text);
  t.deepEqual(
    trail.body.reads.map((r: { agencyId: string; action: string; commitment: string; codeType?: string }) => [r.agencyId, r.action, r.commitment, r.codeType]),
    [
      [issuer.agencyId, 'holders.commitment', expected, '111'],
      [other.agencyId, 'licences.byHolder', expected, undefined],
      [other.agencyId, 'licences.holderLookup', expected, '111'],
    ],
  );
  t.is(trail.body.reads[1].requestId, listed.headers.get('x-request-id'));
  const page = await gw.request('GET', `/v1/audit/holder-reads?agency=${other.agencyId}&limit=1`, { token: auditor.token });
  t.is(page.status, 200, page.text);
  t.deepEqual(page.body.reads.map((r: { action: string }) => r.action), ['licences.byHolder']);
  const next = await gw.request('GET', `/v1/audit/holder-reads?agency=${other.agencyId}&limit=1&cursor=${page.body.cursor}`, { token: auditor.token });
  t.deepEqual(next.body.reads.map((r: { action: string }) => r.action), ['licences.holderLookup']);
  t.is((await gw.request('GET', `/v1/audit/holder-reads?holder=${sm3Hex('nobody')}`, { token: GOVERNANCE })).body.reads.length, 0);
  t.is((await gw.request('GET', '/v1/audit/holder-reads', { token: other.token })).status, 403);
  t.is((await gw.request('GET', '/v1/audit/holder-reads?cursor=bm90LWEta2V5', { token: GOVERNANCE })).status, 400);

  await gw.indexed(issued.body.transaction.txId);
  t.true(lines.some((line) => line.includes('"path":"/v1/holders/commitment"')), 'the log is captured');
  t.deepEqual(lines.filter((line) => line.includes(code) || line.includes(code.slice(0, 17))), [], 'no log line holds the code');
  const stored = await allStoredBytes(gw.dataDir);
  t.true(stored.includes(expected), 'the scan sees what was written (the trail keeps the commitment)');
  t.false(stored.includes(code), 'the clear ID number is stored nowhere');
});
