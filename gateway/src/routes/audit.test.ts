import test from 'ava';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateKeyPair, sm3Hex, toHex } from '@henan-chain/crypto';
import { chinaDate } from '@henan-chain/chaincode';
import { verifyReport } from '../audit/report-verify';
import { rebuildIndex } from '../rebuild-index';
import { GOVERNANCE, randomUscc, startTestGateway, type Reply, type TestGateway } from '../testing/harness';
import { issueBody, newIssuer, type TestIssuer } from '../testing/licence-fixtures';

let gw: TestGateway;

test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

/** A write over HTTP that must succeed; resolves once the audit index holds its event. */
type Written = { txId: string; blockNumber: string; blockHash: string; timestamp: string };

async function write(on: TestGateway, path: string, token: string, json: unknown = {}): Promise<Written> {
  const reply = await on.request('POST', path, { token, json });
  if (reply.status !== 200 && reply.status !== 201) throw new Error(`${path}: ${reply.status} ${reply.text}`);
  await on.indexed(reply.body.transaction.txId);
  return reply.body.transaction;
}

async function issue(on: TestGateway, issuer: TestIssuer): Promise<{ licenceId: string; txId: string; transaction: Written }> {
  const body = issueBody(issuer);
  const transaction = await write(on, '/v1/licences', issuer.token, body);
  return { licenceId: body.licenceId, txId: transaction.txId, transaction };
}

/** Every event of a query, following the cursor; fails on a page error. */
async function allEvents(on: TestGateway, query: string, token = GOVERNANCE): Promise<{ events: any[]; pages: number }> {
  const events: any[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const reply = await on.request('GET', `/v1/audit/events?${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    if (reply.status !== 200) throw new Error(`events: ${reply.status} ${reply.text}`);
    events.push(...reply.body.events);
    cursor = reply.body.cursor;
    pages++;
  } while (cursor);
  return { events, pages };
}

/** The calendar day of an instant in China Standard Time, as the API reads a plain date. */

function rejected(t: any, reply: Reply, status: number, code: string, field?: string): void {
  t.is(reply.status, status, reply.text);
  t.is(reply.body?.error?.code, code, reply.text);
  if (field) t.true(reply.body.error.message.startsWith(`${field}:`), `${field} named in: ${reply.body.error.message}`);
}

test('a licence history through issue → suspend → reinstate → revoke is complete, ordered, with evidence and signature checks, and agrees with the index', async (t) => {
  const issuer = await newIssuer(gw);
  const { licenceId, transaction } = await issue(gw, issuer);
  const steps: { transaction: Written; status: string; action: string }[] = [{ transaction, status: 'valid', action: 'issue' }];
  for (const [act, status] of [
    ['suspend', 'suspended'],
    ['reinstate', 'valid'],
    ['revoke', 'revoked'],
  ] as const) {
    steps.push({ transaction: await write(gw, `/v1/licences/${licenceId}/${act}`, issuer.token, { reason: `依法${act}` }), status, action: act });
  }

  const reply = await gw.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: issuer.token });
  t.is(reply.status, 200, reply.text);
  const history = reply.body;
  t.is(history.id, licenceId);
  t.deepEqual(history.versions.map((v: any) => v.txId), steps.map((s) => s.transaction.txId));
  t.deepEqual(history.versions.map((v: any) => v.value.status), steps.map((s) => s.status));
  t.deepEqual(history.versions.map((v: any) => v.action), steps.map((s) => s.action));
  for (const [i, v] of history.versions.entries()) {
    const { txId, blockNumber, blockHash, timestamp } = steps[i]!.transaction;
    t.like(v, { txId, blockNumber, blockHash, timestamp });
    t.like(v, { agencyId: issuer.agencyId, mspId: 'HenanProvinceMSP', isDelete: false });
    t.like(v.signature, { status: 'valid', agencyId: issuer.agencyId });
    t.deepEqual(v.indexedAs, { kind: 'licence', id: licenceId, action: history.index.events[i].action });
  }
  const blocks = history.versions.map((v: any) => BigInt(v.blockNumber));
  t.deepEqual([...blocks].sort((a, b) => (a < b ? -1 : 1)), blocks, 'oldest first');
  t.true(history.index.agrees);
  t.deepEqual(history.index.events.map((e: any) => e.action), ['issued', 'suspended', 'reinstated', 'revoked']);

  // Who may read it: the issuer, governance, an auditor; not another agency, not anonymously.
  const auditor = await gw.registerAgency({ name: '河南省审计厅', roles: ['auditor'] });
  const stranger = await gw.registerAgency({ name: '洛阳市大数据管理局', roles: ['provider'], regionCode: '410300' });
  t.is((await gw.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: GOVERNANCE })).status, 200);
  t.is((await gw.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: auditor.token })).status, 200);
  rejected(t, await gw.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: stranger.token }), 403, 'FORBIDDEN');
  rejected(t, await gw.request('GET', `/v1/audit/history/licence/${licenceId}`), 401, 'UNAUTHENTICATED');
  // Its own agency record is an agency's to read; governance acts on it show as not signed by any agency.
  const own = await gw.request('GET', `/v1/audit/history/agency/${stranger.agencyId}`, { token: stranger.token });
  t.is(own.status, 200, own.text);
  t.like(own.body.versions[0], { action: 'register', mspId: 'HenanProvinceMSP', signature: { status: 'not_signed' } });
  t.is(own.body.versions[0].agencyId, undefined, 'a governance act names no acting agency');
});

test('a renewal writes the previous licence under the new one\u2019s event: the history says where, and still agrees', async (t) => {
  const issuer = await newIssuer(gw);
  const { licenceId, txId } = await issue(gw, issuer);
  const renewed = await gw.request('POST', `/v1/licences/${licenceId}/renew`, {
    token: issuer.token,
    json: { reason: 'change', issueDate: '2026-03-01', changes: { name: '营业执照（变更）' } },
  });
  t.is(renewed.status, 201, renewed.text);
  await gw.indexed(renewed.body.transaction.txId);
  const reply = await gw.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: issuer.token });
  t.is(reply.status, 200, reply.text);
  t.deepEqual(reply.body.versions.map((v: any) => v.txId), [txId, renewed.body.transaction.txId]);
  t.is(reply.body.versions[1].value.status, 'superseded');
  t.deepEqual(reply.body.versions[1].indexedAs, { kind: 'licence', id: renewed.body.record.licenceId, action: 'renewed' });
  t.true(reply.body.index.agrees);
});

test('events: by agency, kind and period, a page at a time, each exactly once; agencies see only their own', async (t) => {
  const issuer = await newIssuer(gw);
  const other = await newIssuer(gw, { mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const written = [];
  for (let i = 0; i < 2; i++) written.push((await write(gw, `/v1/agencies/${issuer.agencyId}/keys`, issuer.token)).txId);
  const first = await issue(gw, issuer);
  written.push(first.txId, (await issue(gw, issuer)).txId);
  written.push((await write(gw, `/v1/licences/${first.licenceId}/suspend`, issuer.token, { reason: '暂扣' })).txId);
  await issue(gw, other);

  const { events, pages } = await allEvents(gw, `agency=${issuer.agencyId}&limit=2`);
  t.is(events.length, 6, 'registration, two rotations, two issues, one suspension');
  t.true(pages >= 3);
  t.deepEqual(events.slice(1).map((e) => e.txId), written, 'in time order');
  t.deepEqual(events[0].action, 'registered');
  t.is(new Set(events.map((e) => e.txId)).size, events.length, 'no event twice across pages');
  t.true(events.every((e) => e.agencyId === issuer.agencyId));
  const times = events.map((e) => e.timestamp);
  t.deepEqual([...times].sort(), times);

  const licences = await allEvents(gw, `agency=${issuer.agencyId}&kind=licence&limit=1`);
  t.deepEqual(licences.events.map((e) => e.action), ['issued', 'issued', 'suspended']);
  t.deepEqual((await allEvents(gw, `agency=${issuer.agencyId}&kind=agency`)).events.map((e) => e.action), ['registered', 'key_rotated', 'key_rotated']);

  // Instants bound inclusively, with any offset; dates are days in China Standard Time.
  const [from, to] = [times[2]!, times[4]!];
  const between = await allEvents(gw, `agency=${issuer.agencyId}&from=${from}&to=${to}`);
  t.deepEqual(between.events.map((e) => e.txId), events.filter((e) => e.timestamp >= from && e.timestamp <= to).map((e) => e.txId));
  t.true(between.events.length >= 3);
  const inChina = new Date(Date.parse(from) + 8 * 3600_000).toISOString().replace('Z', '+08:00');
  t.is((await allEvents(gw, `agency=${issuer.agencyId}&from=${encodeURIComponent(inChina)}`)).events[0].txId, between.events[0].txId);
  const days = await allEvents(gw, `agency=${issuer.agencyId}&from=${chinaDate(times[0]!)}&to=${chinaDate(times.at(-1)!)}`);
  t.is(days.events.length, 6);
  t.is((await allEvents(gw, `agency=${issuer.agencyId}&to=2000-01-01`)).events.length, 0);

  // Access: an agency reads its own (by default), not another's; auditors and governance read all.
  const mine = await allEvents(gw, 'limit=200', other.token);
  t.true(mine.events.length >= 2);
  t.true(mine.events.every((e) => e.agencyId === other.agencyId || e.counterparties?.includes(other.agencyId)));
  rejected(t, await gw.request('GET', `/v1/audit/events?agency=${issuer.agencyId}`, { token: other.token }), 403, 'FORBIDDEN');
  const auditor = await gw.registerAgency({ name: '河南省审计厅', roles: ['auditor'] });
  t.is((await allEvents(gw, `agency=${issuer.agencyId}`, auditor.token)).events.length, 6);
  // A suspended auditor reads nothing: its tokens are refused while its record on chain says suspended.
  const suspended = await gw.registerAgency({ name: '河南省审计厅驻郑州特派员办事处', roles: ['auditor'] });
  t.is((await write(gw, `/v1/agencies/${suspended.agencyId}/suspend`, GOVERNANCE, { reason: '机构撤并' })).txId.length, 64);
  rejected(t, await gw.request('GET', `/v1/audit/events?agency=${issuer.agencyId}`, { token: suspended.token }), 403, 'AGENCY_SUSPENDED');
  rejected(t, await gw.request('GET', '/v1/audit/events', { token: suspended.token }), 403, 'AGENCY_SUSPENDED');
  const everyone = await allEvents(gw, 'limit=200');
  t.true(written.every((txId) => everyone.events.some((e) => e.txId === txId)));

  // A cursor only pages the query that returned it.
  const page = await gw.request('GET', `/v1/audit/events?agency=${issuer.agencyId}&limit=2`, { token: GOVERNANCE });
  rejected(t, await gw.request('GET', `/v1/audit/events?agency=${other.agencyId}&cursor=${page.body.cursor}`, { token: GOVERNANCE }), 400, 'VALIDATION_FAILED', 'query.cursor');
  rejected(t, await gw.request('GET', `/v1/audit/events?agency=${other.agencyId}&cursor=AAAA`, { token: other.token }), 400, 'VALIDATION_FAILED', 'query.cursor');
});

test('bad input: unknown kind, bad ids, bad dates, bad cursors, bad formats are 400s naming the field', async (t) => {
  const token = GOVERNANCE;
  const cases: [string, number, string, string?][] = [
    ['/v1/audit/history/ledger/x', 400, 'VALIDATION_FAILED', 'path.kind'],
    ['/v1/audit/history/agency/not-a-code', 400, 'VALIDATION_FAILED', 'path.id'],
    ['/v1/audit/history/licence/1.2.156.3005.2.x', 400, 'INVALID_IDENTIFIER', 'path.id'],
    ['/v1/audit/history/case/short', 400, 'VALIDATION_FAILED', 'path.id'],
    ['/v1/audit/history/sealing/ABC', 400, 'VALIDATION_FAILED', 'path.id'],
    ['/v1/audit/history/receipt/receipt-does-not-exist', 404, 'NOT_FOUND'],
    ['/v1/audit/events?kind=ledger', 400, 'VALIDATION_FAILED', 'query.kind'],
    ['/v1/audit/events?from=2026-02-30', 400, 'VALIDATION_FAILED', 'query.from'],
    ['/v1/audit/events?from=2026-01-01T24:00:00Z', 400, 'VALIDATION_FAILED', 'query.from'],
    ['/v1/audit/events?from=2026-01-01T08:00:00', 400, 'VALIDATION_FAILED', 'query.from'],
    ['/v1/audit/events?to=yesterday', 400, 'VALIDATION_FAILED', 'query.to'],
    ['/v1/audit/events?from=2026-03-01&to=2026-02-01', 400, 'VALIDATION_FAILED', 'query.to'],
    ['/v1/audit/events?agency=91410000ABCDEFGHIJ', 400, 'VALIDATION_FAILED', 'query.agency'],
    ['/v1/audit/events?limit=0', 400, 'VALIDATION_FAILED', 'query.limit'],
    ['/v1/audit/events?cursor=not%20base64', 400, 'VALIDATION_FAILED', 'query.cursor'],
    ['/v1/audit/events?cursor=AAAA', 400, 'VALIDATION_FAILED', 'query.cursor'],
    ['/v1/audit/events?colour=blue', 400, 'VALIDATION_FAILED'],
    ['/v1/audit/report?from=2026-01-01&to=2026-03-31&format=xml', 400, 'VALIDATION_FAILED', 'query.format'],
    ['/v1/audit/report?to=2026-03-31', 400, 'VALIDATION_FAILED', 'query.from'],
    ['/v1/audit/report?from=2026-01-01&to=2026-03-31', 400, 'VALIDATION_FAILED', 'query.agency'],
  ];
  for (const [path, status, code, field] of cases) {
    const reply = await gw.request('GET', path, { token });
    t.is(reply.status, status, `${path}: ${reply.text}`);
    t.is(reply.body?.error?.code, code, path);
    if (field) t.true(reply.body.error.message.startsWith(`${field}:`), `${path}: ${reply.body.error.message}`);
  }
  // Well-formed ids of nothing on the ledger.
  const issuer = await newIssuer(gw);
  rejected(t, await gw.request('GET', `/v1/audit/history/licence/${issueBody(issuer).licenceId}`, { token }), 404, 'NOT_FOUND');
  rejected(t, await gw.request('GET', `/v1/audit/report?agency=${randomUscc()}&from=2026-01-01&to=2026-01-02`, { token }), 404, 'NOT_FOUND');
});

test('the report in JSON and CSV verifies with the exported verifier and fails after any change of one byte', async (t) => {
  const owner = await newIssuer(gw, { roles: ['issuer', 'seal_owner'] });
  const maker = await gw.registerAgency({ name: '河南省电子印章制作中心', roles: ['seal_maker'] });
  const { licenceId } = await issue(gw, owner);
  await write(gw, `/v1/licences/${licenceId}/suspend`, owner.token, { reason: '暂扣' });
  await write(gw, `/v1/agencies/${owner.agencyId}/keys`, owner.token);
  const sealId = `HN-SEAL-${Date.now()}`;
  const now = Date.now();
  await write(gw, '/v1/seals', maker.token, {
    sealId,
    ownerId: owner.agencyId,
    sealType: 'official',
    name: '河南省市场监督管理局公章',
    validFrom: new Date(now - 3600_000).toISOString(),
    validTo: new Date(now + 365 * 86400_000).toISOString(),
    picture: { sm3: sm3Hex('seal picture'), mediaType: 'image/png', width: 240, height: 240 },
  });
  const key = (await gw.request('GET', '/v1/gateway/key')).body.publicKey;
  const period = `from=${chinaDate(new Date(now - 86400_000).toISOString())}&to=${new Date(now + 60_000).toISOString()}`;

  const json = await gw.request('GET', `/v1/audit/report?agency=${owner.agencyId}&${period}`, { token: GOVERNANCE });
  t.is(json.status, 200, json.text);
  const { report } = json.body;
  t.like(report, { format: 'henan-chain/audit-report/v1', agency: { agencyId: owner.agencyId, name: '河南省市场监督管理局' } });
  t.deepEqual(report.counts, {
    events: 5,
    asActor: 4,
    asCounterparty: 1,
    byKind: { agency: 2, licence: 2, seal: 1 },
    byAction: { 'agency.registered': 1, 'agency.key_rotated': 1, 'licence.issued': 1, 'licence.suspended': 1, 'seal.registered': 1 },
  });
  t.like(report.events.at(-1), { kind: 'seal', id: sealId, agencyId: maker.agencyId, role: 'counterparty', counterparties: [owner.agencyId] });
  t.like(json.body.signature, { algorithm: 'SM2-SM3', publicKey: key });
  t.deepEqual(verifyReport(json.text, { publicKey: key }), { valid: true, format: 'json', keyId: json.body.signature.keyId, publicKey: key });

  const csv = await gw.request('GET', `/v1/audit/report?agency=${owner.agencyId}&${period}&format=csv`, { token: owner.token });
  t.is(csv.status, 200, csv.text);
  t.regex(csv.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
  const lines = csv.text.split('\r\n');
  t.is(lines[0], 'timestamp,blockNumber,txId,kind,id,action,agencyId,mspId,counterparties,role');
  t.is(lines.length, 1 + 5 + 2 + 1, 'header, five events, the report line, the signature line, the final line break');
  t.regex(lines.at(-3)!, new RegExp(`^# report henan-chain/audit-report/v1 agency=${owner.agencyId} from=\\S+ to=\\S+ generatedAt=\\S+ indexedTo=\\d+ events=5$`));
  t.true(lines.at(-2)!.startsWith(`# signature SM2-SM3 ${json.body.signature.keyId} ${key} `));
  t.is(verifyReport(csv.text, { publicKey: key }).valid, true);

  for (const [form, text] of [
    ['json', json.text],
    ['csv', csv.text],
  ] as const) {
    const bytes = Buffer.from(text, 'utf8');
    const passed: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i]! ^= 0x01;
      if (verifyReport(changed, { publicKey: key }).valid) passed.push(i);
    }
    t.deepEqual(passed, [], `${form}: every one-byte change is caught`);
  }
  const otherKey = toHex(generateKeyPair().publicKey);
  t.false(verifyReport(json.text, { publicKey: otherKey }).valid, 'a report signed by another key than the trusted one fails');

  // An agency reports on itself; not on another without the auditor role.
  const own = await gw.request('GET', `/v1/audit/report?${period}`, { token: owner.token });
  t.is(own.status, 200, own.text);
  t.is(own.body.report.agency.agencyId, owner.agencyId);
  rejected(t, await gw.request('GET', `/v1/audit/report?agency=${owner.agencyId}&${period}`, { token: maker.token }), 403, 'FORBIDDEN');
  // The seal's maker and owner may both read its history; the owner as the counterparty.
  t.is((await gw.request('GET', `/v1/audit/history/seal/${sealId}`, { token: owner.token })).status, 200);
});

test('a restarted gateway resumes indexing: events from before and after the restart appear exactly once', async (t) => {
  const first = await startTestGateway();
  let agency: { agencyId: string; token: string };
  const written: string[] = [];
  try {
    const registered = await first.registerAgency({ name: '开封市大数据管理局', roles: ['provider'], regionCode: '410200' });
    agency = registered;
    written.push(registered.record.txId);
    for (let i = 0; i < 3; i++) written.push((await write(first, `/v1/agencies/${agency.agencyId}/keys`, agency.token)).txId);
    // Acknowledged writes the index may not have taken in yet when the gateway stops.
    for (let i = 0; i < 3; i++) {
      const reply = await first.request('POST', `/v1/agencies/${agency.agencyId}/keys`, { token: agency.token, json: {} });
      t.is(reply.status, 201, reply.text);
      written.push(reply.body.transaction.txId);
    }
  } finally {
    await first.stop({ keepData: true });
  }

  const second = await startTestGateway({ dataDir: first.dataDir });
  try {
    for (let i = 0; i < 2; i++) written.push((await write(second, `/v1/agencies/${agency.agencyId}/keys`, agency.token)).txId);
    const { events } = await allEvents(second, `agency=${agency.agencyId}&limit=3`);
    t.deepEqual(events.map((e) => e.txId), written);
    const all = await allEvents(second, 'limit=200');
    t.is(new Set(all.events.map((e) => e.txId)).size, all.events.length, 'no duplicates anywhere in the index');
    const history = await second.request('GET', `/v1/audit/history/agency/${agency.agencyId}`, { token: GOVERNANCE });
    t.true(history.body.index.agrees);
  } finally {
    await second.stop();
  }
});

test('a gateway whose index lost every projection catches up on start, in batches: the same events, each once', async (t) => {
  const live = await startTestGateway();
  let before: any[];
  try {
    const issuer = await newIssuer(live);
    for (let i = 0; i < 12; i++) await issue(live, issuer);
    before = (await allEvents(live, 'limit=200')).events;
    await live.gateway.services.index.clear();
  } finally {
    await live.stop({ keepData: true });
  }

  const restarted = await startTestGateway({ dataDir: live.dataDir });
  try {
    await restarted.indexed(before.at(-1).txId);
    t.deepEqual((await allEvents(restarted, 'limit=200')).events, before);
    t.deepEqual(await restarted.gateway.services.index.checkpoint(), { blockNumber: before.at(-1).blockNumber, transactionId: before.at(-1).txId });
  } finally {
    await restarted.stop();
  }
});

test('drift shows in the history; index:rebuild refuses a running gateway, then rebuilds the same events as the live index', async (t) => {
  const live = await startTestGateway();
  let licenceId: string;
  let before: any[];
  try {
    const issuer = await newIssuer(live);
    licenceId = (await issue(live, issuer)).licenceId;
    await write(live, `/v1/licences/${licenceId}/revoke`, issuer.token, { reason: '吊销' });
    before = (await allEvents(live, 'limit=200')).events;
    t.true(before.length >= 3);

    await t.throwsAsync(rebuildIndex(live.dataDir), { message: /gateway is running on this data directory/ });

    // The index loses its projections: the ledger history still has every version, and says they disagree.
    await live.gateway.services.index.clear();
    const drifted = await live.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: GOVERNANCE });
    t.is(drifted.status, 200, drifted.text);
    t.is(drifted.body.versions.length, 2);
    t.false(drifted.body.index.agrees);
    t.true(drifted.body.versions.every((v: any) => v.indexedAs === null));
  } finally {
    await live.stop({ keepData: true });
  }

  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'rebuild-index.js')], { env: { ...process.env, DATA_DIR: live.dataDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, new RegExp(`: ${before.length} events indexed\\n  checkpoint: block \\d+, transaction ${before.at(-1).txId}`));

  const rebuilt = await startTestGateway({ dataDir: live.dataDir });
  try {
    t.deepEqual((await allEvents(rebuilt, 'limit=7')).events, before);
    const history = await rebuilt.request('GET', `/v1/audit/history/licence/${licenceId}`, { token: GOVERNANCE });
    t.true(history.body.index.agrees);
  } finally {
    await rebuilt.stop();
  }
});

test('index:rebuild refuses a directory that holds no gateway data', async (t) => {
  await t.throwsAsync(rebuildIndex(join(__dirname, 'no-such-data-dir')), { message: /no gateway data/ });
});
