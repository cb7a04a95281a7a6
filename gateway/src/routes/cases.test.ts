import test from 'ava';
import { GOVERNANCE, randomUscc, withTestGateway } from '../testing/harness';
import { createBody, regions } from '../testing/case-fixtures';
import { chinaDate } from '@henan-chain/chaincode';
import { issueBody, issueLicence, licenceFile, newIssuer } from '../testing/licence-fixtures';
import { assertRefusals } from '../testing/refusals';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
let serial = 0;
const newCaseId = () => `HN-${Date.now().toString(36)}-${++serial}`;

test('a case through its states over HTTP, wrong regions refused, then read with its evidenced, signed trail', (t) =>
  withTestGateway(async (gw) => {
    const { collecting, handling } = await regions(gw);
    const caseId = newCaseId();
    const move = async (token: string, json: Record<string, unknown>, status = 200) => {
      const reply = await gw.request('POST', `/v1/cases/${caseId}/transitions`, { token, json });
      t.is(reply.status, status, `${String(json.action)}: ${reply.text}`);
      return reply.body;
    };
    const read = async () => (await gw.request('GET', `/v1/cases/${caseId}`)).body;

    const created = await gw.request('POST', '/v1/cases', { token: collecting.token, json: createBody(handling.agencyId, caseId, { opinion: '材料齐全' }) });
    t.is(created.status, 201, created.text);
    t.like(created.body.record, { caseId, state: 'submitted', collectingAgencyId: collecting.agencyId, handlingAgencyId: handling.agencyId });
    const writes = [created.body];

    // Each step by the region whose turn it is; the other region is refused and nothing changes.
    // The result: a licence issued in the handling region (洛阳).
    const issuer = await newIssuer(gw, { name: '洛阳市行政审批服务局', regionCode: '410300' });
    const licenceId = (await issueLicence(gw, issuer, issueBody(issuer, licenceFile(), { issueDate: chinaDate(new Date().toISOString()) }))).licenceId;
    const path: [typeof collecting, Record<string, unknown>, typeof collecting][] = [
      [collecting, { action: 'collect' }, handling],
      [collecting, { action: 'forward', opinion: '已核验身份' }, handling],
      [handling, { action: 'accept' }, collecting],
      [handling, { action: 'process' }, collecting],
      [handling, { action: 'suspend', opinion: '需现场勘验' }, collecting],
      [handling, { action: 'resume' }, collecting],
      [handling, { action: 'conclude', outcome: 'approved', licenceId }, collecting],
      [handling, { action: 'deliver' }, collecting],
    ];
    for (const [actor, json, other] of path) {
      const before = await read();
      const wrong = await move(other.token, json, 403);
      t.is(wrong.error.code, 'FORBIDDEN');
      t.deepEqual(await read(), before);
      writes.push(await move(actor.token, json));
    }
    const last = writes.at(-1).record;
    t.like(last, { state: 'delivered', result: { outcome: 'approved' } });

    // An agency on neither side, a step the state does not allow, a step without its opinion.
    const outsider = await gw.registerAgency({ name: '开封市政务服务中心', roles: ['region'], regionCode: '410200' });
    t.is((await move(outsider.token, { action: 'withdraw', opinion: '无关方' }, 403)).error.code, 'FORBIDDEN');
    t.is((await move(handling.token, { action: 'deliver' }, 409)).error.code, 'INVALID_STATE');

    const trail = await read();
    t.is(trail.state, 'delivered');
    t.deepEqual(trail.steps.map((st: any) => st.action), ['submit', ...path.map(([, json]) => json.action)]);
    trail.steps.forEach((st: any, i: number) => {
      // Each step's evidence is where its write was committed, and its signature still checks.
      t.deepEqual(st.evidence, writes[i].transaction);
      t.like(st.signature, { status: 'valid', agencyId: st.agencyId });
    });
    t.deepEqual(trail.steps.map((st: any) => st.regionCode), ['410100', '410100', '410100', ...Array(6).fill('410300')]);
  }));

test('a region\u2019s cases and its overdue ones, paginated', (t) =>
  withTestGateway(async (gw) => {
    const { collecting, handling } = await regions(gw);
    const create = async (caseId: string, overrides: Record<string, unknown> = {}) => {
      const reply = await gw.request('POST', '/v1/cases', { token: collecting.token, json: createBody(handling.agencyId, caseId, overrides) });
      t.is(reply.status, 201, reply.text);
    };
    const onTime = newCaseId();
    const late = newCaseId();
    const lateButWithdrawn = newCaseId();
    await create(onTime);
    await create(late, { appliedAt: iso(-10 * DAY), promisedBy: iso(-DAY) });
    await create(lateButWithdrawn, { appliedAt: iso(-10 * DAY), promisedBy: iso(-DAY) });
    const withdrawn = await gw.request('POST', `/v1/cases/${lateButWithdrawn}/transitions`, { token: collecting.token, json: { action: 'withdraw', opinion: '申请人撤回' } });
    t.is(withdrawn.status, 200, withdrawn.text);

    const list = async (query: string, status = 200) => {
      const reply = await gw.request('GET', `/v1/cases?${query}`);
      t.is(reply.status, status, `${query}: ${reply.text}`);
      return reply.body;
    };
    const ids = (body: any) => body.records.map((c: any) => c.caseId).sort();

    const overdue = await list('region=410100&overdue=true');
    t.deepEqual(ids(overdue), [late]);
    t.truthy(overdue.asOf);
    t.truthy(overdue.records[0].effectiveDeadline);
    t.deepEqual(ids(await list('region=410300&overdue=true')), [late], 'the handling region sees it too');
    t.deepEqual(ids(await list('region=410100')), [onTime, late, lateButWithdrawn].sort());
    t.deepEqual(ids(await list('region=410100&overdue=false')), [onTime, late, lateButWithdrawn].sort());
    t.deepEqual(ids(await list('region=410200')), []);

    // Two a page: the bookmark leads to the third, and that page is the last.
    const first = await list('region=410100&limit=2');
    t.is(first.records.length, 2);
    const second = await list(`region=410100&limit=2&bookmark=${first.bookmark}`);
    t.deepEqual([...ids(first), ...ids(second)].sort(), [onTime, late, lateButWithdrawn].sort());
    t.is(second.bookmark, '');

    for (const [query, field] of [
      ['overdue=true', 'region'],
      ['region=999999', 'region'],
      ['region=410100&overdue=yes', 'overdue'],
      ['region=410100&limit=500', 'limit'],
      ['region=410100&bookmark=%00', 'bookmark'],
      ['region=410100&state=submitted', '(root)'],
    ]) {
      const reply = await list(query, 400);
      t.is(reply.error.code, 'VALIDATION_FAILED', query);
      t.is(reply.error.details.issues[0].path, field, query);
    }
  }));

test('bad input to cases is refused with a specific 4xx and writes nothing', (t) =>
  withTestGateway(async (gw) => {
    const { collecting, handling } = await regions(gw);
    const caseId = newCaseId();
    const fresh = newCaseId();
    const created = await gw.request('POST', '/v1/cases', { token: collecting.token, json: createBody(handling.agencyId, caseId) });
    t.is(created.status, 201, created.text);
    const before = (await gw.request('GET', `/v1/cases/${caseId}`)).body;
    const body = createBody(handling.agencyId, fresh);
    const move = `/v1/cases/${caseId}/transitions`;

    await assertRefusals(t, gw, [
      ['malformed JSON', 'POST', '/v1/cases', { token: collecting.token, raw: '{"caseId": "x",', contentType: 'application/json' }, 400, 'MALFORMED_JSON'],
      ['a JSON array', 'POST', '/v1/cases', { token: collecting.token, raw: '[]', contentType: 'application/json' }, 400, 'VALIDATION_FAILED'],
      ['form encoded', 'POST', '/v1/cases', { token: collecting.token, raw: 'caseId=x', contentType: 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['oversize body', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, caseId: 'x'.repeat(300_000) } }, 413, 'BODY_TOO_LARGE'],
      ['unknown field', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, applicantName: '张三' } }, 400, 'VALIDATION_FAILED'],
      ['wrong type', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, promisedBy: 1767225600 } }, 400, 'VALIDATION_FAILED'],
      ['unknown mode', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, mode: 'mail' } }, 400, 'VALIDATION_FAILED'],
      ['bad case id', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, caseId: 'x' } }, 400, 'VALIDATION_FAILED'],
      ['bad region code', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, handlingRegion: '41030' } }, 400, 'VALIDATION_FAILED'],
      ['promised before applied', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, promisedBy: iso(-2 * DAY) } }, 400, 'VALIDATION_FAILED'],
      ['not the collecting region', 'POST', '/v1/cases', { token: handling.token, json: body }, 403, 'FORBIDDEN'],
      ['unknown handling agency', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, handlingAgencyId: randomUscc('410300') } }, 404, 'NOT_FOUND'],
      ['missing token', 'POST', '/v1/cases', { json: body }, 401, 'UNAUTHENTICATED'],
      ['governance token', 'POST', '/v1/cases', { token: GOVERNANCE, json: body }, 403, 'FORBIDDEN'],
      ['existing case id', 'POST', '/v1/cases', { token: collecting.token, json: { ...body, caseId } }, 409, 'ALREADY_EXISTS'],
      ['unknown action', 'POST', move, { token: collecting.token, json: { action: 'approve' } }, 400, 'VALIDATION_FAILED'],
      ['conclude without outcome', 'POST', move, { token: handling.token, json: { action: 'conclude' } }, 400, 'VALIDATION_FAILED'],
      ['outcome without conclude', 'POST', move, { token: collecting.token, json: { action: 'collect', outcome: 'approved' } }, 400, 'VALIDATION_FAILED'],
      ['withdraw without opinion', 'POST', move, { token: collecting.token, json: { action: 'withdraw' } }, 400, 'VALIDATION_FAILED'],
      ['action the state does not allow', 'POST', move, { token: handling.token, json: { action: 'process' } }, 409, 'INVALID_STATE'],
      ['bad path id', 'POST', '/v1/cases/x/transitions', { token: collecting.token, json: { action: 'collect' } }, 400, 'VALIDATION_FAILED'],
      ['unknown case', 'POST', `/v1/cases/${fresh}/transitions`, { token: collecting.token, json: { action: 'collect' } }, 404, 'NOT_FOUND'],
      ['missing token on a step', 'POST', move, { json: { action: 'collect' } }, 401, 'UNAUTHENTICATED'],
      ['forged signature', 'POST', move, { token: collecting.token, json: { caseId, operation: 'case.transition', requestId: 'forged-case-0001', agencyId: collecting.agencyId, keyId: collecting.record.keys[0].keyId, action: 'collect', signature: '0'.repeat(128) } }, 422, 'SIGNATURE_INVALID'],
      ['signed by an unknown key', 'POST', move, { token: collecting.token, json: { caseId, operation: 'case.transition', requestId: 'forged-case-0002', agencyId: collecting.agencyId, keyId: 'f'.repeat(32), action: 'collect', signature: '0'.repeat(128) } }, 422, 'KEY_NOT_FOUND'],
      ['no body', 'POST', move, { token: collecting.token }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['bad id to read', 'GET', '/v1/cases/x', {}, 400, 'VALIDATION_FAILED'],
      ['unknown case to read', 'GET', `/v1/cases/${fresh}`, {}, 404, 'NOT_FOUND'],
    ]);
    t.deepEqual((await gw.request('GET', `/v1/cases/${caseId}`)).body, before, 'the case is as it was');
    t.is((await gw.request('GET', `/v1/cases/${fresh}`)).status, 404, 'no case was created');
  }));
