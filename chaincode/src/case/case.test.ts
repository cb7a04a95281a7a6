import { randomBytes } from 'node:crypto';
import { hmacSm3, residentIdCheckCharacter, toHex } from '@henan-chain/crypto';
import { issueLicence, licenceIdFor, newIssuer, newTypeCode } from '../licence/test-fixtures';
import { networkTest } from '../testing/network';
import { chinaDate } from '../licence/rules';
import { MAX_STEPS } from './model';
import { type TestAgency, type TestNetwork, randomUscc } from '../testing/network';

const test = networkTest();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
const today = () => chinaDate(new Date().toISOString());

interface Regions {
  net: TestNetwork;
  /** 郑州 collects (city organisation); 苏州 handles (registered under the province's organisation). */
  collecting: TestAgency;
  handling: TestAgency;
  /** The licence type the handling agency issues. */
  licenceType: string;
  caseId: string;
}

const newCaseId = () => `HN-${toHex(randomBytes(8))}`;

async function regions(net: TestNetwork, collectingRegion = '410100', handlingRegion = '320500'): Promise<Regions> {
  const collecting = await net.registerAgency({ name: '郑州市政务服务中心', org: 'city', roles: ['region'], regionCode: collectingRegion });
  // The handling agency decides the case and issues its licence (相对集中行政许可).
  const typeCode = newTypeCode();
  const handling = await net.registerAgency({
    name: '苏州市行政审批局',
    org: 'province',
    roles: ['region', 'issuer'],
    regionCode: handlingRegion,
    licenceTypes: [typeCode],
  });
  return { net, collecting, handling, licenceType: typeCode, caseId: newCaseId() };
}

function createBody(r: Regions, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseId: r.caseId,
    serviceItemCode: '11320500014160125J300011100001',
    serviceItemVersion: '2.1',
    mode: 'collect_and_forward',
    collectingRegion: r.collecting.regionCode,
    handlingRegion: r.handling.regionCode,
    handlingAgencyId: r.handling.agencyId,
    applicantCommitment: toHex(hmacSm3(new Uint8Array(32).fill(9), `applicant-${r.caseId}`)),
    appliedAt: iso(-HOUR),
    promisedBy: iso(10 * DAY),
    ...overrides,
  };
}

const create = (r: Regions, overrides: Record<string, unknown> = {}) => r.net.submitSigned(r.collecting, 'case:create', createBody(r, overrides));
const move = (r: Regions, agency: TestAgency, action: string, extra: Record<string, unknown> = {}) =>
  r.net.submitSigned(agency, 'case:transition', { caseId: r.caseId, action, ...extra });
const get = (net: TestNetwork, caseId: string) => net.evaluate(net.admins.city, 'case:get', caseId);

/** A relayed case brought through the ordinary path as far as `until` (an action name). */
async function caseAfter(r: Regions, until: 'create' | 'collect' | 'forward' | 'accept' | 'process', overrides: Record<string, unknown> = {}): Promise<any> {
  let last = await create(r, overrides);
  const path: [TestAgency, string][] = [
    [r.collecting, 'collect'],
    [r.collecting, 'forward'],
    [r.handling, 'accept'],
    [r.handling, 'process'],
  ];
  for (const [agency, action] of path.slice(0, path.findIndex(([, a]) => a === until) + 1)) last = await move(r, agency, action);
  return last;
}

async function rejectedUnchanged(t: any, r: Regions, code: string, call: () => Promise<unknown>): Promise<void> {
  const before = await get(r.net, r.caseId);
  t.is(await r.net.errorCode(call()), code);
  t.deepEqual(await get(r.net, r.caseId), before);
}

/** A licence the handling agency issues, as the result of an approved case. */
async function resultLicence(r: Regions, overrides: Record<string, unknown> = {}): Promise<string> {
  const issued = await issueLicence(r.net, { ...r.handling, typeCode: r.licenceType }, { areaCode: r.handling.regionCode, issueDate: today(), ...overrides });
  return issued.licenceId;
}

// ------------------------------------------------------------------------------------------ paths

test('a relayed case: collect, forward, accept, process, suspend, resume, conclude with a licence, deliver', async (t) => {
  const r = await regions(t.context.net);
  const created = await create(r);
  t.like(created, {
    kind: 'case',
    caseId: r.caseId,
    state: 'submitted',
    mode: 'collect_and_forward',
    collectingRegion: '410100',
    collectingAgencyId: r.collecting.agencyId,
    handlingRegion: '320500',
    handlingAgencyId: r.handling.agencyId,
    suspendedMs: 0,
  });
  t.is(created.lastAction.agencyId, r.collecting.agencyId);

  const licenceId = await resultLicence(r);
  const path: [TestAgency, string, Record<string, unknown>?][] = [
    [r.collecting, 'collect', { opinion: '材料齐全，身份核验通过' }],
    [r.collecting, 'forward'],
    [r.handling, 'accept'],
    [r.handling, 'process'],
    [r.handling, 'suspend', { opinion: '需现场核查（特别程序）' }],
    [r.handling, 'resume'],
    [r.handling, 'conclude', { outcome: 'approved', licenceId, opinion: '准予许可' }],
    [r.handling, 'deliver'],
  ];
  let last = created;
  for (const [agency, action, extra] of path) last = await move(r, agency, action, extra);

  t.is(last.state, 'delivered');
  t.like(last.result, { outcome: 'approved', licenceId });
  t.true(last.suspendedMs >= 0);
  t.is(last.suspendedSince, undefined);
  t.deepEqual(
    last.steps.map((s: any) => [s.seq, s.action, s.from, s.to, s.regionCode, s.agencyId]),
    [
      [1, 'submit', undefined, 'submitted', '410100', r.collecting.agencyId],
      [2, 'collect', 'submitted', 'collected', '410100', r.collecting.agencyId],
      [3, 'forward', 'collected', 'forwarded', '410100', r.collecting.agencyId],
      [4, 'accept', 'forwarded', 'accepted', '320500', r.handling.agencyId],
      [5, 'process', 'accepted', 'in_process', '320500', r.handling.agencyId],
      [6, 'suspend', 'in_process', 'suspended', '320500', r.handling.agencyId],
      [7, 'resume', 'suspended', 'in_process', '320500', r.handling.agencyId],
      [8, 'conclude', 'in_process', 'concluded', '320500', r.handling.agencyId],
      [9, 'deliver', 'concluded', 'delivered', '320500', r.handling.agencyId],
    ],
  );
  t.is(last.steps[1].opinion, '材料齐全，身份核验通过');
  t.is(last.lastAction.action, 'deliver');
  t.is(last.steps[8].txId, last.txId);
  t.deepEqual(await get(r.net, r.caseId), last);
});

test('an online case skips collect and forward, and goes through a correction round', async (t) => {
  const r = await regions(t.context.net);
  await create(r, { mode: 'online' });
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.collecting, 'collect'));
  await move(r, r.handling, 'request_correction', { opinion: '缺少营业执照副本' });
  await rejectedUnchanged(t, r, 'FORBIDDEN', () => move(r, r.handling, 'resubmit'));
  await move(r, r.collecting, 'resubmit', { opinion: '申请人已补正' });
  await move(r, r.handling, 'accept');
  await move(r, r.handling, 'process');
  const concluded = await move(r, r.handling, 'conclude', { outcome: 'denied', opinion: '不符合条件' });
  t.like(concluded, { state: 'concluded', result: { outcome: 'denied' } });
  t.is(concluded.result.licenceId, undefined);
  t.deepEqual(concluded.steps.map((s: any) => s.to), ['submitted', 'correction_requested', 'resubmitted', 'accepted', 'in_process', 'concluded']);
});

test('side exits: returned by the handling region from forwarded, withdrawn by the collecting region before conclusion', async (t) => {
  const { net } = t.context;
  const returned = await regions(net);
  await caseAfter(returned, 'forward');
  const back = await move(returned, returned.handling, 'return', { opinion: '不属于本地管辖' });
  t.is(back.state, 'returned');
  await rejectedUnchanged(t, returned, 'INVALID_STATE', () => move(returned, returned.handling, 'accept'));

  const withdrawn = await regions(net);
  await caseAfter(withdrawn, 'process');
  await move(withdrawn, withdrawn.handling, 'suspend', { opinion: '专家评审' });
  await rejectedUnchanged(t, withdrawn, 'FORBIDDEN', () => move(withdrawn, withdrawn.handling, 'withdraw', { opinion: '申请人撤回' }));
  const out = await move(withdrawn, withdrawn.collecting, 'withdraw', { opinion: '申请人撤回' });
  t.like(out, { state: 'withdrawn' });
  t.is(out.suspendedSince, undefined, 'leaving a suspension closes it');
  t.is(out.steps.at(-1).regionCode, withdrawn.collecting.regionCode);
});

test('each write emits its event naming both regions’ agencies', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  const result = await net.ledger.submit(r.collecting.identity, 'case:create', [JSON.stringify(net.signRequest(r.collecting, 'case:create', createBody(r)))]);
  t.is(result.event?.eventName, 'case.created');
  t.like(JSON.parse(Buffer.from(result.event!.payload).toString('utf8')), {
    kind: 'case',
    id: r.caseId,
    agencyId: r.collecting.agencyId,
    counterparties: [r.handling.agencyId],
    txId: result.txId,
  });
  await move(r, r.collecting, 'collect');
  await move(r, r.collecting, 'forward');
  const accept = net.signRequest(r.handling, 'case:transition', { caseId: r.caseId, action: 'accept' });
  const accepted = await net.ledger.submit(r.handling.identity, 'case:transition', [JSON.stringify(accept)]);
  t.is(accepted.event?.eventName, 'case.accept');
  t.like(JSON.parse(Buffer.from(accepted.event!.payload).toString('utf8')), { agencyId: r.handling.agencyId, counterparties: [r.collecting.agencyId] });
});

// ------------------------------------------------------------------------------------- rejections

test('a transition by the wrong region or an agency not on the case is FORBIDDEN and changes nothing', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  await create(r);
  const sameRegion = await net.registerAgency({ name: '郑州市金水区政务服务中心', org: 'city', roles: ['region'], regionCode: '410100' });
  await rejectedUnchanged(t, r, 'FORBIDDEN', () => move(r, r.handling, 'collect'));
  await rejectedUnchanged(t, r, 'FORBIDDEN', () => move(r, sameRegion, 'collect'));
  await move(r, r.collecting, 'collect');
  await move(r, r.collecting, 'forward');
  await rejectedUnchanged(t, r, 'FORBIDDEN', () => move(r, r.collecting, 'accept'));
  await rejectedUnchanged(t, r, 'FORBIDDEN', () => move(r, r.collecting, 'return', { opinion: '越权退回' }));
  t.is((await get(net, r.caseId)).state, 'forwarded');
});

test('a transition the state does not allow is INVALID_STATE and changes nothing', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  await create(r);
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, 'accept'));
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.collecting, 'forward'));
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, 'deliver'));
  await collectForwardAccept(r);
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, 'conclude', { outcome: 'approved' }));
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, 'resume'));
  await move(r, r.handling, 'process');
  await move(r, r.handling, 'conclude', { outcome: 'denied' });
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.collecting, 'withdraw', { opinion: '办结后撤回' }));
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, 'suspend', { opinion: '办结后中止' }));
  await move(r, r.handling, 'deliver');
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, 'deliver'));
  await rejectedUnchanged(t, r, 'NOT_FOUND', () => r.net.submitSigned(r.handling, 'case:transition', { caseId: newCaseId(), action: 'accept' }));
});

/** From submitted to accepted along the relayed path. */
async function collectForwardAccept(r: Regions): Promise<void> {
  await move(r, r.collecting, 'collect');
  await move(r, r.collecting, 'forward');
  await move(r, r.handling, 'accept');
}

test('transition input: opinions where a reason is owed, outcome only with conclude, a result licence on the ledger, in force, of the handling region, issued since the application', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  await caseAfter(r, 'process');
  const idNumber = '41010219900307123' + residentIdCheckCharacter('41010219900307123');
  const good = await resultLicence(r);
  const badCheck = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
  // Results that are not this case's: never issued, issued in another region, no longer in force.
  const neverIssued = licenceIdFor({ ...r.handling, typeCode: r.licenceType });
  const elsewhere = (await issueLicence(net, await newIssuer(net), { issueDate: today() })).licenceId;
  const beforeApplication = await resultLicence(r, { issueDate: '2026-01-05', validFrom: '2026-01-05T00:00:00Z' });
  const expired = await resultLicence(r, { validFrom: iso(-2 * DAY), validUntil: iso(-DAY) });
  const suspended = await resultLicence(r);
  await net.submitSigned(r.handling, 'licence:suspend', { licenceId: suspended, reason: '责令整改' });
  const cases: [string, () => Promise<unknown>][] = [
    ['VALIDATION_FAILED', () => move(r, r.handling, 'suspend')],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'suspend', { opinion: `申请人 ${idNumber} 补充材料` })],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'suspend', { opinion: '专家评审', outcome: 'approved' })],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'conclude')],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'conclude', { outcome: 'denied', licenceId: good })],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'fly')],
    ['INVALID_IDENTIFIER', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: badCheck })],
    ['INVALID_IDENTIFIER', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: '1.2.156.3005.2.xyz' })],
    ['NOT_FOUND', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: neverIssued })],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: elsewhere })],
    ['VALIDATION_FAILED', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: beforeApplication })],
    ['INVALID_STATE', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: expired })],
    ['INVALID_STATE', () => move(r, r.handling, 'conclude', { outcome: 'approved', licenceId: suspended })],
  ];
  for (const [code, call] of cases) await rejectedUnchanged(t, r, code, call);
  t.is((await get(net, r.caseId)).state, 'in_process');
});

test('create: only the collecting region’s agency, naming a handling agency of the handling region', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  const other = await net.registerAgency({ name: '郑州市大数据管理局', org: 'city', roles: ['provider'] });
  const wrongRegion = await net.registerAgency({ name: '洛阳市政务服务中心', org: 'city', roles: ['region'], regionCode: '410300' });
  const cases: [string, () => Promise<unknown>][] = [
    // the signer is not a region agency, or not of the collecting region
    ['FORBIDDEN', () => net.submitSigned(other, 'case:create', createBody(r, { collectingRegion: other.regionCode }))],
    ['FORBIDDEN', () => net.submitSigned(wrongRegion, 'case:create', createBody(r))],
    // the handling agency
    ['NOT_FOUND', () => create(r, { handlingAgencyId: randomUscc('320500') })],
    ['FORBIDDEN', () => create(r, { handlingAgencyId: other.agencyId, handlingRegion: other.regionCode })],
    ['VALIDATION_FAILED', () => create(r, { handlingRegion: '320100' })],
    // shapes and times
    ['VALIDATION_FAILED', () => create(r, { caseId: 'short' })],
    ['VALIDATION_FAILED', () => create(r, { mode: 'by_post' })],
    ['VALIDATION_FAILED', () => create(r, { collectingRegion: '990100' })],
    ['VALIDATION_FAILED', () => create(r, { applicantCommitment: 'ABC' })],
    ['VALIDATION_FAILED', () => create(r, { appliedAt: iso(DAY) })],
    ['VALIDATION_FAILED', () => create(r, { promisedBy: iso(-2 * HOUR) })],
    ['VALIDATION_FAILED', () => create(r, { handlingAgencyId: '91410100MA0000000O' })],
  ];
  for (const [code, call] of cases) t.is(await net.errorCode(call()), code);
  t.is(await net.errorCode(get(net, r.caseId)), 'NOT_FOUND', 'nothing was written');
});

test('create: an existing case id, a relayed case within one region, an online case within it', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  await create(r);
  await rejectedUnchanged(t, r, 'ALREADY_EXISTS', () => create(r, { serviceItemVersion: '9' }));

  const local = await net.registerAgency({ name: '郑州市行政审批局', org: 'city', roles: ['region'], regionCode: '410100' });
  const within: Regions = { ...r, handling: local, caseId: newCaseId() };
  t.is(await net.errorCode(create(within)), 'VALIDATION_FAILED');
  t.is(await net.errorCode(get(net, within.caseId)), 'NOT_FOUND');
  const online = await create(within, { mode: 'online' });
  t.is(online.handlingAgencyId, local.agencyId);
});

test('the signature gate on create and transition, and replay', async (t) => {
  const { net } = t.context;
  const r = await regions(net);
  const gate = { wrongOrganisation: 'FORBIDDEN', badSignature: 'SIGNATURE_INVALID', retiredKey: 'KEY_NOT_VALID', revokedKey: 'KEY_NOT_VALID' };
  t.deepEqual(await net.gateRejections(r.collecting, 'case:create', createBody(r)), gate);
  t.is(await net.errorCode(get(net, r.caseId)), 'NOT_FOUND', 'nothing was written');

  const s = await regions(net);
  await caseAfter(s, 'forward');
  const before = await get(net, s.caseId);
  t.deepEqual(await net.gateRejections(s.handling, 'case:transition', { caseId: s.caseId, action: 'accept' }), gate);
  t.deepEqual(await get(net, s.caseId), before);

  const q = await regions(net);
  await create(q);
  const signed = JSON.stringify(net.signRequest(q.collecting, 'case:transition', { caseId: q.caseId, action: 'collect' }));
  await net.submit(q.collecting.identity, 'case:transition', signed);
  await rejectedUnchanged(t, q, 'REPLAY', () => net.submit(q.collecting.identity, 'case:transition', signed));
});

// ---------------------------------------------------------------------------------------- queries

test('byRegion lists a case under both its regions', async (t) => {
  const { net } = t.context;
  const r = await regions(net, '410200', '310000');
  const ids = [newCaseId(), newCaseId(), newCaseId()].sort();
  for (const caseId of ids) await create({ ...r, caseId });
  for (const region of ['410200', '310000']) {
    const first = await net.evaluate(net.admins.province, 'case:byRegion', region, '2', '');
    const second = await net.evaluate(net.admins.province, 'case:byRegion', region, '2', first.bookmark);
    t.deepEqual([...first.records, ...second.records].map((c: any) => c.caseId), ids);
    t.is(second.bookmark, '');
  }
  t.is(await net.errorCode(net.evaluate(net.admins.province, 'case:byRegion', '4102', '10', '')), 'VALIDATION_FAILED');
  t.is(await net.errorCode(net.evaluate(net.admins.province, 'case:byRegion', '410200', '1000', '')), 'VALIDATION_FAILED');
});

test('overdue lists running cases past their promised time (suspension extends it), not the others', async (t) => {
  const { net } = t.context;
  const r = await regions(net, '410300', '330100');
  const late = { appliedAt: iso(-10 * DAY), promisedBy: iso(-DAY) };
  const at = (caseId: string) => ({ ...r, caseId });

  const overdue = at(newCaseId());
  await caseAfter(overdue, 'accept', late);
  const onTime = at(newCaseId());
  await caseAfter(onTime, 'accept');
  const concluded = at(newCaseId());
  await caseAfter(concluded, 'process', late);
  await move(concluded, r.handling, 'conclude', { outcome: 'approved' });
  const withdrawn = at(newCaseId());
  await create(withdrawn, late);
  await move(withdrawn, r.collecting, 'withdraw', { opinion: '申请人撤回' });
  // Suspended after its promised time: the pause does not undo lateness that had already happened.
  const suspendedLate = at(newCaseId());
  await caseAfter(suspendedLate, 'process', late);
  await move(suspendedLate, r.handling, 'suspend', { opinion: '听证' });
  // Suspended before its (near) promised time: the clock is paused, so it is not overdue while suspended.
  const suspendedEarly = at(newCaseId());
  const promisedBy = iso(6_000);
  await caseAfter(suspendedEarly, 'process', { promisedBy });
  const suspended = await move(suspendedEarly, r.handling, 'suspend', { opinion: '检验检测' });
  t.true(Date.parse(suspended.suspendedSince) < Date.parse(promisedBy), 'suspended before its promised time');
  await new Promise((resolve) => setTimeout(resolve, Date.parse(promisedBy) + 500 - Date.now()));

  const expected = [overdue.caseId, suspendedLate.caseId].sort();
  for (const region of ['410300', '330100']) {
    const page = await net.evaluate(net.admins.city, 'case:overdue', region, '50', '');
    t.deepEqual(page.records.map((c: any) => c.caseId), expected);
    t.is(page.bookmark, '');
    t.true(Date.parse(page.asOf) > Date.parse(late.promisedBy));
    for (const c of page.records) t.true(Date.parse(c.effectiveDeadline) < Date.parse(page.asOf));
  }
  // Resuming closes the pause: the deadline moves by exactly the time spent suspended.
  const resumed = await move(suspendedEarly, r.handling, 'resume');
  t.is(resumed.suspendedMs, Date.parse(resumed.steps.at(-1).at) - Date.parse(suspended.suspendedSince));
});

test('a case stops at MAX_STEPS steps, whatever the next action would be', async (t) => {
  const r = await regions(t.context.net);
  let record = await caseAfter(r, 'process');
  while (record.steps.length < MAX_STEPS) {
    record = await move(r, r.handling, record.state === 'in_process' ? 'suspend' : 'resume', record.state === 'in_process' ? { opinion: '公示期' } : {});
  }
  t.is(record.steps.length, MAX_STEPS);
  t.is(record.steps.at(-1).seq, MAX_STEPS);
  const next = record.state === 'in_process' ? ['suspend', { opinion: '公示期' }] : ['resume', {}];
  await rejectedUnchanged(t, r, 'INVALID_STATE', () => move(r, r.handling, next[0] as string, next[1] as Record<string, unknown>));
});
