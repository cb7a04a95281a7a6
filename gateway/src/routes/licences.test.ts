import anyTest, { type TestFn } from 'ava';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { canonicalBytes, holderCommitment, residentIdCheckCharacter, toHex } from '@henan-chain/crypto';
import { ConfigError, loadConfig } from '../config';
import { GOVERNANCE, allStoredBytes, randomUscc, startTestGateway, type TestGateway } from '../testing/harness';
import { issueBody, issueLicence, licenceFile, licenceIdFor, newIssuer } from '../testing/licence-fixtures';
import { OpensslSm2Key } from '../testing/openssl';

const test = anyTest as TestFn<{ gw: TestGateway }>;

test.before(async (t) => {
  t.context.gw = await startTestGateway();
});
test.after.always(async (t) => {
  await t.context.gw?.stop();
});

/** A valid resident ID number (身份证号), with its check character. */
function residentId(): string {
  const first17 = `41010519900307${String(randomInt(1000)).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

test('issue with the holder in the clear: the gateway commits to it and keeps nothing of the code', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const code = residentId();
  const body = issueBody(issuer, licenceFile(), { holder: { codeType: '111', code: code.toLowerCase() }, holderName: undefined, name: '医师执业证书' });
  const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  t.is(issued.status, 201, issued.text);
  const commitment = holderCommitment(gw.gateway.services.holderSecret, '111', code);
  t.deepEqual(issued.body.record.holder, { codeType: '111', commitment });
  t.is(issued.body.record.status, 'valid');
  t.regex(issued.body.transaction.blockHash, /^[0-9a-f]{64}$/);
  t.false(issued.text.includes(code));

  const read = await gw.request('GET', `/v1/licences/${body.licenceId}`, { token: issuer.token });
  t.is(read.status, 200);
  t.deepEqual(read.body, issued.body.record);

  // By commitment and by the clear code: agency tokens only.
  const byCommitment = await gw.request('GET', `/v1/licences?holder=${commitment}`, { token: issuer.token });
  t.deepEqual(byCommitment.body.records.map((l: any) => l.licenceId), [body.licenceId]);
  const lookup = (holderCode: string, token?: string) =>
    gw.request('POST', '/v1/licences/holder-lookup', { json: { holderCodeType: '111', holderCode }, ...(token ? { token } : {}) });
  t.is((await lookup(code)).status, 401);
  t.is((await lookup(code, GOVERNANCE)).status, 403);
  const found = await lookup(code, issuer.token);
  t.is(found.status, 200, found.text);
  t.deepEqual(found.body.records.map((l: any) => l.licenceId), [body.licenceId]);
  t.is((await gw.request('GET', `/v1/licences?holderCodeType=111&holderCode=${code}`)).status, 400, 'never in a URL');
  const wrongCheck = code.slice(0, 17) + (code.endsWith('0') ? '1' : '0');
  const badCode = await lookup(wrongCheck, issuer.token);
  t.is(badCode.status, 400);
  t.is(badCode.body.error.details.part, 'checkCharacter');

  await gw.gateway.services.index.indexed(issued.body.transaction.txId);
  const stored = await allStoredBytes(gw.dataDir);
  t.true(stored.includes(commitment), 'the scan sees what was written');
  t.false(stored.includes(code), 'the clear ID number is stored nowhere');
});

test('list by issuer and type, a page at a time', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await issueLicence(gw, issuer)).licenceId);
  const path = `/v1/licences?issuer=${issuer.agencyId}&type=${issuer.typeCode}&limit=2`;
  const first = await gw.request('GET', path);
  t.is(first.status, 200, first.text);
  t.is(first.body.records.length, 2);
  t.not(first.body.bookmark, '');
  const second = await gw.request('GET', `${path}&bookmark=${first.body.bookmark}`);
  t.is(second.body.records.length, 1);
  t.is(second.body.bookmark, '');
  t.deepEqual([...first.body.records, ...second.body.records].map((l: any) => l.licenceId).sort(), ids.sort());

  const other = await gw.request('GET', `/v1/licences?issuer=${randomUscc()}&type=${issuer.typeCode}`);
  t.deepEqual(other.body, { records: [], bookmark: '' });
});

test('renew makes the next version and supersedes the old one; versions=all lists both', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const first = await issueLicence(gw, issuer);
  const renewed = await gw.request('POST', `/v1/licences/${first.licenceId}/renew`, {
    token: issuer.token,
    json: { reason: 'renewal', issueDate: '2026-02-01', changes: { validUntil: '2031-02-01T00:00:00Z' } },
  });
  t.is(renewed.status, 201, renewed.text);
  t.is(renewed.body.record.version, '002');
  t.is(renewed.body.record.supersedes, first.licenceId);
  t.is(renewed.body.record.licenceId, licenceIdFor(issuer, '002', first.licenceId.split('.')[7]));

  const old = await gw.request('GET', `/v1/licences/${first.licenceId}`);
  t.is(old.body.status, 'superseded');
  t.is(old.body.supersededBy, renewed.body.record.licenceId);
  const versions = await gw.request('GET', `/v1/licences/${first.licenceId}?versions=all`);
  t.is(versions.status, 200);
  t.deepEqual(versions.body.versions.map((v: any) => [v.version, v.status]), [['001', 'superseded'], ['002', 'valid']]);

  const again = await gw.request('POST', `/v1/licences/${first.licenceId}/renew`, {
    token: issuer.token,
    json: { reason: 'change', issueDate: '2026-02-01', changes: { name: '营业执照（副本）' } },
  });
  t.is(again.status, 409, 'a superseded version cannot be renewed');
  t.is(again.body.error.code, 'INVALID_STATE');
});

test('status changes follow the lifecycle, and only the issuing agency may make them', async (t) => {
  const { gw } = t.context;
  const city = await newIssuer(gw, { name: '郑州市市场监督管理局', mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const province = await newIssuer(gw);
  const licence = await issueLicence(gw, city);
  const act = (action: string, token: string, id = licence.licenceId) =>
    gw.request('POST', `/v1/licences/${id}/${action}`, { token, json: { reason: `${action}: 经营异常` } });

  const foreign = await act('revoke', province.token);
  t.is(foreign.status, 403, foreign.text);
  t.is(foreign.body.error.code, 'FORBIDDEN');
  t.is((await gw.request('GET', `/v1/licences/${licence.licenceId}`)).body.status, 'valid');

  const steps: [string, number, string][] = [
    ['suspend', 200, 'suspended'],
    ['suspend', 409, 'suspended'],
    ['reinstate', 200, 'valid'],
    ['reinstate', 409, 'valid'],
    ['revoke', 200, 'revoked'],
    ['cancel', 409, 'revoked'],
  ];
  for (const [action, status, after] of steps) {
    const reply = await act(action, city.token);
    t.is(reply.status, status, `${action}: ${reply.text}`);
    if (status === 200) t.is(reply.body.record.statusReason, `${action}: 经营异常`);
    t.is((await gw.request('GET', `/v1/licences/${licence.licenceId}`)).body.status, after);
  }

  const other = await issueLicence(gw, city);
  const cancelled = await act('cancel', city.token, other.licenceId);
  t.is(cancelled.status, 200);
  t.is(cancelled.body.record.status, 'cancelled');
});

test('a body the agency signed itself with openssl is accepted; one changed field is SIGNATURE_INVALID', async (t) => {
  const { gw } = t.context;
  const key = OpensslSm2Key.generate();
  t.teardown(() => key.dispose());
  const typeCode = randomUscc('110000') + '007';
  const agency = await gw.registerAgency({ name: '洛阳市行政审批服务局', roles: ['issuer'], mspId: 'ZhengzhouMSP', regionCode: '410300', licenceTypes: [typeCode], key });
  const issuer = { ...agency, typeCode, regionCode: '410300' };
  const keyId: string = agency.record.keys[0].keyId;
  const signed = <T extends Record<string, unknown>>(body: T) => ({ ...body, signature: key.sign(canonicalBytes(body)) });

  const unsigned = { ...issueBody(issuer), operation: 'licence.issue', requestId: `ossl-${toHex(randomBytes(6))}`, agencyId: agency.agencyId, keyId };
  const body = signed(unsigned);
  const changed = await gw.request('POST', '/v1/licences', { token: agency.token, json: { ...body, number: 'NO-CHANGED' } });
  t.is(changed.status, 422, changed.text);
  t.is(changed.body.error.code, 'SIGNATURE_INVALID');
  t.is((await gw.request('GET', `/v1/licences/${body.licenceId}`)).status, 404);

  const accepted = await gw.request('POST', '/v1/licences', { token: agency.token, json: body });
  t.is(accepted.status, 201, accepted.text);
  t.is(accepted.body.record.issuance.keyId, keyId);
  t.is(accepted.body.record.issuance.signature, body.signature);

  // The clear holder code cannot be in a body the agency signs: the gateway could not commit to it.
  const clear = signed({ ...unsigned, requestId: `ossl-${toHex(randomBytes(6))}`, licenceId: licenceIdFor(issuer), holder: { codeType: '111', code: residentId() } });
  const refused = await gw.request('POST', '/v1/licences', { token: agency.token, json: clear });
  t.is(refused.status, 400);
  t.regex(refused.body.error.message, /^body\.holder\.code/);

  // A suspension the agency signed does not revoke: the signature authorises one operation.
  const statusChange = { agencyId: agency.agencyId, keyId, licenceId: body.licenceId, reason: '吊销: 以欺骗手段取得' };
  const suspension = signed({ ...statusChange, operation: 'licence.suspend', requestId: `ossl-${toHex(randomBytes(6))}` });
  const misused = await gw.request('POST', `/v1/licences/${body.licenceId}/revoke`, { token: agency.token, json: suspension });
  t.is(misused.status, 400, misused.text);
  t.regex(misused.body.error.message, /^body\.operation: must be licence\.revoke/);
  t.is((await gw.request('GET', `/v1/licences/${body.licenceId}`)).body.status, 'valid', 'the misused suspension changed nothing');

  // The path's licence id must be the signed one.
  const revoke = signed({ ...statusChange, operation: 'licence.revoke', requestId: `ossl-${toHex(randomBytes(6))}` });
  const elsewhere = await gw.request('POST', `/v1/licences/${licenceIdFor(issuer)}/revoke`, { token: agency.token, json: revoke });
  t.is(elsewhere.status, 400);
  t.regex(elsewhere.body.error.message, /^body\.licenceId/);
  const revoked = await gw.request('POST', `/v1/licences/${body.licenceId}/revoke`, { token: agency.token, json: revoke });
  t.is(revoked.status, 200, revoked.text);
  t.is(revoked.body.record.status, 'revoked');

  // The gateway keeps no key of this agency, so it cannot sign for it.
  const noKey = await gw.request('POST', '/v1/licences', { token: agency.token, json: issueBody(issuer) });
  t.is(noKey.status, 422);
  t.is(noKey.body.error.code, 'NO_SIGNING_KEY');
});

test('a retry with the same requestId returns the first result and writes nothing new', async (t) => {
  const gw = await startTestGateway(); // its own ledger, so its height counts only this test's writes
  t.teardown(() => gw.stop());
  const { ledger, index } = gw.gateway.services;
  const issuer = await newIssuer(gw);
  const body = { ...issueBody(issuer), requestId: `retry-${toHex(randomBytes(6))}` };
  const first = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  t.is(first.status, 201, first.text);
  const renewBody = { requestId: `retry-${toHex(randomBytes(6))}`, reason: 'change', issueDate: '2026-03-01', changes: { name: '营业执照（变更）' } };
  const renewPath = `/v1/licences/${body.licenceId}/renew`;
  const renewed = await gw.request('POST', renewPath, { token: issuer.token, json: renewBody });
  t.is(renewed.status, 201, renewed.text);
  await index.indexed(renewed.body.transaction.txId);

  const state = async () => ({
    height: await ledger.height(),
    versions: (await gw.request('GET', `/v1/licences/${body.licenceId}?versions=all`)).body.versions.length,
    events: (await index.recordEvents('licence', body.licenceId)).length + (await index.recordEvents('licence', renewed.body.record.licenceId)).length,
  });
  const before = await state();
  const retried = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  t.is(retried.status, 201);
  t.deepEqual(retried.body, first.body);
  const renewRetried = await gw.request('POST', renewPath, { token: issuer.token, json: renewBody });
  t.deepEqual(renewRetried.body, renewed.body);
  t.deepEqual(await state(), before);
  t.deepEqual(before.versions, 2);

  const reused = await gw.request('POST', '/v1/licences', { token: issuer.token, json: { ...body, number: 'NO-OTHER' } });
  t.is(reused.status, 409);
  t.is(reused.body.error.code, 'REPLAY');
  t.deepEqual(await state(), before);
});

test('the same requestId twice at once with different bodies: one is written, the other is a replay', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const body = { ...issueBody(issuer), requestId: `twice-${toHex(randomBytes(6))}` };
  const height = await gw.gateway.services.ledger.height();
  const replies = await Promise.all([
    gw.request('POST', '/v1/licences', { token: issuer.token, json: body }),
    gw.request('POST', '/v1/licences', { token: issuer.token, json: { ...body, number: 'NO-OTHER' } }),
  ]);
  t.deepEqual(replies.map((r) => r.status).sort(), [201, 409], replies.map((r) => r.text).join('\n'));
  const written = replies.find((r) => r.status === 201)!;
  t.is(replies.find((r) => r.status === 409)!.body.error.code, 'REPLAY');
  t.is((await gw.gateway.services.ledger.height()) - height, 1n, 'one block');
  t.is((await gw.request('GET', `/v1/licences/${body.licenceId}`)).body.number, written.body.record.number);
});

test('bad input is a specific 4xx and writes nothing', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const auditor = await gw.registerAgency({ name: '河南省审计厅', roles: ['auditor'] });
  const licence = await issueLicence(gw, issuer);
  const height = await gw.gateway.services.ledger.height();

  const body = issueBody(issuer);
  const id = body.licenceId;
  const badCheck = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
  const wrongIdNumber = residentId().slice(0, 17) + 'Z';
  type Case = [string, string, string, { token?: string; json?: unknown; raw?: string; contentType?: string }, number, string, RegExp?];
  const cases: Case[] = [
    ['malformed JSON', 'POST', '/v1/licences', { token: issuer.token, raw: '{"licenceId": ', contentType: 'application/json' }, 400, 'MALFORMED_JSON'],
    ['oversize body', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, number: 'x'.repeat(300_000) } }, 413, 'BODY_TOO_LARGE'],
    ['not JSON', 'POST', '/v1/licences', { token: issuer.token, raw: 'licenceId=1', contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['unknown field', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, colour: 'red' } }, 400, 'VALIDATION_FAILED', /colour/],
    ['wrong type', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, validUntil: 5 } }, 400, 'VALIDATION_FAILED', /^body\.validUntil/],
    ['missing field', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, document: undefined } }, 400, 'VALIDATION_FAILED', /^body\.document/],
    ['holder twice', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, holder: { ...(body.holder as object), code: residentId() } } }, 400, 'VALIDATION_FAILED', /^body\.holder\.commitment/],
    ['wrong ID number', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, holder: { codeType: '111', code: wrongIdNumber } } }, 400, 'VALIDATION_FAILED', /^body\.holder\.code: not a valid resident ID number.*checkCharacter/],
    ['bad check character', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, licenceId: badCheck } }, 400, 'INVALID_IDENTIFIER', /check character/],
    ['bad path id', 'POST', `/v1/licences/${badCheck}/revoke`, { token: issuer.token, json: { reason: 'x' } }, 400, 'INVALID_IDENTIFIER', /^path\.id: .*check character/],
    ['bad path root', 'GET', '/v1/licences/1.2.3.4', {}, 400, 'INVALID_IDENTIFIER', /^path\.id: .*1\.2\.156\.3005\.2/],
    ['unknown version query', 'GET', `/v1/licences/${licence.licenceId}?versions=some`, {}, 400, 'VALIDATION_FAILED', /^query\.versions/],
    ['absent licence', 'GET', `/v1/licences/${id}`, {}, 404, 'NOT_FOUND'],
    ['absent licence renewed', 'POST', `/v1/licences/${id}/renew`, { token: issuer.token, json: { reason: 'renewal', issueDate: '2026-02-01', changes: { name: 'x' } } }, 404, 'NOT_FOUND'],
    ['empty change', 'POST', `/v1/licences/${licence.licenceId}/renew`, { token: issuer.token, json: { reason: 'renewal', issueDate: '2026-02-01', changes: {} } }, 400, 'VALIDATION_FAILED', /^body\.changes/],
    ['another agency named', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, agencyId: randomUscc() } }, 403, 'FORBIDDEN'],
    ['unknown issuer code', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, licenceId: licenceIdFor({ ...issuer, agencyId: randomUscc() }) } }, 403, 'FORBIDDEN', /issuer code/],
    ['foreign licence type', 'POST', '/v1/licences', { token: issuer.token, json: { ...body, licenceId: licenceIdFor({ ...issuer, typeCode: randomUscc() + '001' }) } }, 403, 'FORBIDDEN', /may not issue/],
    ['no token', 'POST', '/v1/licences', { json: body }, 401, 'UNAUTHENTICATED'],
    ['unknown token', 'POST', '/v1/licences', { token: 'not-a-token', json: body }, 401, 'UNAUTHENTICATED'],
    ['governance token', 'POST', '/v1/licences', { token: GOVERNANCE, json: body }, 403, 'FORBIDDEN'],
    ['wrong role', 'POST', '/v1/licences', { token: auditor.token, json: body }, 403, 'FORBIDDEN'],
    ['wrong role revokes', 'POST', `/v1/licences/${licence.licenceId}/revoke`, { token: auditor.token, json: { reason: 'x' } }, 403, 'FORBIDDEN'],
    ['an unsigned body names another key', 'POST', `/v1/licences/${licence.licenceId}/suspend`, { token: issuer.token, json: { reason: 'x', keyId: '0'.repeat(32) } }, 400, 'VALIDATION_FAILED', /^body\.keyId: "0{32}" is not the key the gateway signs with/],
    ['the body names another licence', 'POST', `/v1/licences/${licence.licenceId}/revoke`, { token: issuer.token, json: { licenceId: id, reason: 'x' } }, 400, 'VALIDATION_FAILED', /^body\.licenceId/],
    ['a name that is not Unicode text', 'POST', '/v1/licences', { token: issuer.token, raw: JSON.stringify({ ...body, name: 'NAME' }).replace('NAME', '\\udc00'), contentType: 'application/json' }, 400, 'VALIDATION_FAILED', /^body\.name/],
    ['status without reason', 'POST', `/v1/licences/${licence.licenceId}/suspend`, { token: issuer.token, json: {} }, 400, 'VALIDATION_FAILED', /^body\.reason/],
    ['list without selector', 'GET', '/v1/licences', {}, 400, 'VALIDATION_FAILED', /^query\.holder/],
    ['list by two selectors', 'GET', `/v1/licences?holder=${'a'.repeat(64)}&issuer=${issuer.agencyId}&type=${issuer.typeCode}`, {}, 400, 'VALIDATION_FAILED'],
    ['issuer without type', 'GET', `/v1/licences?issuer=${issuer.agencyId}`, {}, 400, 'VALIDATION_FAILED', /^query\.type/],
    ['code without type', 'POST', '/v1/licences/holder-lookup', { token: issuer.token, json: { holderCode: '1' } }, 400, 'VALIDATION_FAILED', /^body\.holderCodeType/],
    ['bad credit code', 'GET', `/v1/licences?issuer=${issuer.agencyId.slice(0, 17)}I&type=${issuer.typeCode}`, {}, 400, 'VALIDATION_FAILED', /^query\.issuer/],
    ['unknown parameter', 'GET', `/v1/licences?issuer=${issuer.agencyId}&type=${issuer.typeCode}&colour=red`, {}, 400, 'VALIDATION_FAILED'],
    ['forged bookmark', 'GET', `/v1/licences?issuer=${issuer.agencyId}&type=${issuer.typeCode}&bookmark=a+b`, {}, 400, 'VALIDATION_FAILED', /^query\.bookmark/],
    ['bookmark of another query', 'GET', `/v1/licences?issuer=${issuer.agencyId}&type=${issuer.typeCode}&bookmark=AAAA`, {}, 400, 'VALIDATION_FAILED', /bookmark does not continue this query/],
  ];
  for (const [name, method, path, options, status, code, message] of cases) {
    const reply = await gw.request(method, path, options);
    t.is(reply.status, status, `${name}: ${reply.text}`);
    t.is(reply.body?.error?.code, code, name);
    if (message) t.regex(reply.body.error.message, message, name);
    if (name === 'wrong ID number') t.false(reply.text.includes(wrongIdNumber.slice(0, 17)), 'the clear code is not echoed');
    if (name === 'bookmark of another query') t.is(reply.body.error.details, undefined, 'the decoded index key is not echoed');
  }
  t.is((await gw.gateway.services.ledger.height()).toString(), height.toString(), 'nothing was written');
  t.is((await gw.request('GET', `/v1/licences/${id}`)).status, 404);
});

test('the holder secret: made once and kept 0600 in DATA_DIR, or HOLDER_SECRET, which must be long enough and agree with a kept one', async (t) => {
  const first = await startTestGateway();
  const secret = toHex(first.gateway.services.holderSecret);
  t.is(secret.length, 64);
  t.is((await stat(join(first.dataDir, 'holder-secret'))).mode & 0o777, 0o600);
  await first.stop({ keepData: true });
  const again = await startTestGateway({ dataDir: first.dataDir });
  t.is(toHex(again.gateway.services.holderSecret), secret, 'the same secret after a restart');
  await again.stop({ keepData: true });
  // Another secret on that directory would miss every commitment it made: refused; the kept one is taken.
  await t.throwsAsync(startTestGateway({ dataDir: first.dataDir, settings: { HOLDER_SECRET: toHex(randomBytes(32)) } }), {
    instanceOf: ConfigError,
    message: /HOLDER_SECRET differs from the secret kept in .+holder-secret/,
  });
  const same = await startTestGateway({ dataDir: first.dataDir, settings: { HOLDER_SECRET: secret.toUpperCase() } });
  t.is(toHex(same.gateway.services.holderSecret), secret);
  await same.stop();

  const shared = toHex(randomBytes(32));
  const configured = await startTestGateway({ settings: { HOLDER_SECRET: shared.toUpperCase() } });
  t.is(toHex(configured.gateway.services.holderSecret), shared);
  await configured.stop();
  t.throws(() => loadConfig({ HOLDER_SECRET: toHex(randomBytes(16)) }), { message: /HOLDER_SECRET must be hex of at least 32 bytes/ });
});
