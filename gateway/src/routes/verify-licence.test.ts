import anyTest, { type TestFn } from 'ava';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { issueBody, issueLicence, licenceFile, licenceIdFor, newIssuer, type TestIssuer } from '../testing/licence-fixtures';

const test = anyTest as TestFn<{ gw: TestGateway; issuer: TestIssuer }>;

test.before(async (t) => {
  t.context.gw = await startTestGateway();
  t.context.issuer = await newIssuer(t.context.gw);
});
test.after.always(async (t) => {
  await t.context.gw?.stop();
});

/** The verdict on `id` by POST (with an optional digest) and, for the same question, by QR link. */
async function verdicts(gw: TestGateway, id: string, documentSm3?: string): Promise<{ post: any; get: any }> {
  const post = await gw.request('POST', '/v1/verify/licence', { json: { id, ...(documentSm3 ? { documentSm3 } : {}) } });
  const get = await gw.request('GET', `/v1/verify/licence?id=${encodeURIComponent(id)}${documentSm3 ? `&documentSm3=${documentSm3}` : ''}`);
  if (post.status !== 200 || get.status !== 200) throw new Error(`verify failed: ${post.text} ${get.text}`);
  return { post: post.body, get: get.body };
}

async function verdictOf(gw: TestGateway, id: string, documentSm3?: string): Promise<string> {
  const { post, get } = await verdicts(gw, id, documentSm3);
  if (post.verdict !== get.verdict) throw new Error(`POST says ${post.verdict}, GET says ${get.verdict}`);
  return post.verdict;
}

function upload(id: string, bytes: Buffer, field = 'file'): FormData {
  const form = new FormData();
  form.set('id', id);
  form.set(field, new Blob([bytes], { type: 'application/pdf' }), 'licence.pdf');
  return form;
}

test('issue → valid → revoke → revoked, with the evidence of the block that holds the record', async (t) => {
  const { gw, issuer } = t.context;
  const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: issueBody(issuer) });
  const id: string = issued.body.record.licenceId;
  const valid = await verdicts(gw, id);
  t.is(valid.post.verdict, 'valid');
  t.is(valid.post.record.licenceId, id);
  t.deepEqual(valid.post.evidence, { ...issued.body.transaction, issuerKeyId: issued.body.record.issuance.keyId, issuanceTxId: issued.body.transaction.txId });
  t.deepEqual(valid.get, { ...valid.post, checkedAt: valid.get.checkedAt });

  const revoked = await gw.request('POST', `/v1/licences/${id}/revoke`, { token: issuer.token, json: { reason: '以欺骗手段取得' } });
  t.is(revoked.status, 200, revoked.text);
  const after = await verdicts(gw, id);
  t.is(after.post.verdict, 'revoked');
  t.regex(after.post.reasons[0], /revoked \(吊销\).*以欺骗手段取得/);
  t.like(after.post.findings[0], { verdict: 'revoked', code: 'status_revoked', params: { reason: '以欺骗手段取得' } });
  t.like(after.post.evidence, { ...revoked.body.transaction, issuanceTxId: issued.body.transaction.txId });
  t.is(after.get.verdict, 'revoked');
});

test('a tampered file, by digest and by upload; the right bytes uploaded are valid', async (t) => {
  const { gw, issuer } = t.context;
  const file = licenceFile();
  const { licenceId: id } = await issueLicence(gw, issuer, issueBody(issuer, file));
  const other = licenceFile('%PDF-1.7 营业执照 altered');

  t.is(await verdictOf(gw, id, file.sm3), 'valid');
  const byDigest = await verdicts(gw, id, other.sm3);
  t.is(byDigest.post.verdict, 'tampered');
  t.regex(byDigest.post.reasons[0], new RegExp(other.sm3));

  const right = await gw.request('POST', '/v1/verify/licence', { raw: upload(id, file.bytes) });
  t.is(right.status, 200, right.text);
  t.is(right.body.verdict, 'valid');
  t.deepEqual(right.body.document, { sm3: file.sm3, size: file.bytes.length });
  const wrong = await gw.request('POST', '/v1/verify/licence', { raw: upload(id, other.bytes) });
  t.is(wrong.body.verdict, 'tampered');
  t.is(wrong.body.document.sm3, other.sm3);

  const both = upload(id, file.bytes);
  both.set('documentSm3', file.sm3);
  const twice = await gw.request('POST', '/v1/verify/licence', { raw: both });
  t.is(twice.status, 400);
  t.regex(twice.body.error.message, /^body\.documentSm3/);
  const misnamed = await gw.request('POST', '/v1/verify/licence', { raw: upload(id, file.bytes, 'pdf') });
  t.is(misnamed.status, 400);
  t.is(misnamed.body.error.code, 'VALIDATION_FAILED');
});

test('expired and not yet valid, by the validity window', async (t) => {
  const { gw, issuer } = t.context;
  const expired = await issueLicence(gw, issuer, issueBody(issuer, licenceFile(), { issueDate: '2020-01-02', validFrom: '2020-01-02T00:00:00Z', validUntil: '2025-01-02T00:00:00Z' }));
  const { post } = await verdicts(gw, expired.licenceId);
  t.is(post.verdict, 'expired');
  t.regex(post.reasons[0], /2025-01-02/);
  const ahead = await issueLicence(gw, issuer, issueBody(issuer, licenceFile(), { validFrom: '2099-01-01T00:00:00Z' }));
  t.is(await verdictOf(gw, ahead.licenceId), 'not_yet_valid');
});

test('superseded after renewal; the new version is valid', async (t) => {
  const { gw, issuer } = t.context;
  const first = await issueLicence(gw, issuer);
  const renewed = await gw.request('POST', `/v1/licences/${first.licenceId}/renew`, {
    token: issuer.token,
    json: { reason: 'change', issueDate: '2026-03-01', changes: { holderName: '郑州某某软件有限公司' } },
  });
  t.is(renewed.status, 201, renewed.text);
  const { post } = await verdicts(gw, first.licenceId);
  t.is(post.verdict, 'superseded');
  t.regex(post.reasons[0], new RegExp(renewed.body.record.licenceId.replace(/\./g, '\\.')));
  t.is(await verdictOf(gw, renewed.body.record.licenceId), 'valid');
});

test('suspended, then reinstated and valid again', async (t) => {
  const { gw, issuer } = t.context;
  const { licenceId: id } = await issueLicence(gw, issuer);
  await gw.request('POST', `/v1/licences/${id}/suspend`, { token: issuer.token, json: { reason: '暂扣: 整改期间' } });
  t.is(await verdictOf(gw, id), 'suspended');
  await gw.request('POST', `/v1/licences/${id}/reinstate`, { token: issuer.token, json: { reason: '整改完成' } });
  t.is(await verdictOf(gw, id), 'valid');
});

test('not_found is a verdict; a malformed id or request is a 400 naming what is wrong', async (t) => {
  const { gw, issuer } = t.context;
  const absent = await verdicts(gw, licenceIdFor(issuer));
  t.like(absent.post, { verdict: 'not_found', record: null, evidence: null });
  t.is(absent.get.verdict, 'not_found');

  const id = licenceIdFor(issuer);
  const cases: [string, string, string, unknown, string, RegExp][] = [
    ['check character', 'POST', '/v1/verify/licence', { id: id.slice(0, -1) + (id.endsWith('0') ? '1' : '0') }, 'checkCharacter', /^body\.id: .*check character/],
    ['root', 'GET', '/v1/verify/licence?id=1.2.156.3005.9.x', undefined, 'root', /^query\.id: /],
    ['segments', 'POST', '/v1/verify/licence', { id: `${id}.1` }, 'segments', /segments/],
    ['version', 'POST', '/v1/verify/licence', { id: id.replace(/\.001\.(.)$/, '.000.$1') }, 'version', /version/],
  ];
  for (const [name, method, path, json, part, message] of cases) {
    const reply = await gw.request(method, path, json === undefined ? {} : { json });
    t.is(reply.status, 400, name);
    t.is(reply.body.error.code, 'INVALID_IDENTIFIER', name);
    t.is(reply.body.error.details.part, part, name);
    t.regex(reply.body.error.message, message, name);
  }
  const invalid: [string, string, unknown, RegExp][] = [
    ['no id', '/v1/verify/licence', {}, /^body\.id/],
    ['upper-case digest', '/v1/verify/licence', { id, documentSm3: 'A'.repeat(64) }, /^body\.documentSm3/],
    ['unknown field', '/v1/verify/licence', { id, colour: 'red' }, /colour/],
    ['query without id', '/v1/verify/licence?documentSm3=' + 'a'.repeat(64), undefined, /^query\.id/],
  ];
  for (const [name, path, json, message] of invalid) {
    const reply = await gw.request(json === undefined ? 'GET' : 'POST', path, json === undefined ? {} : { json });
    t.is(reply.status, 400, name);
    t.is(reply.body.error.code, 'VALIDATION_FAILED', name);
    t.regex(reply.body.error.message, message, name);
  }
});

test('a multipart body that does not parse is a 4xx, never a 500', async (t) => {
  const { gw, issuer } = t.context;
  const id = licenceIdFor(issuer);
  const form = (boundary: string, parts: string[]) => parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
  const idPart = `Content-Disposition: form-data; name="id"\r\n\r\n${id}`;
  const filePart = 'Content-Disposition: form-data; name="file"; filename="licence.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7';
  const cases: [string, string, string, number, string, Record<string, string>?][] = [
    ['no boundary', 'multipart/form-data', form('XX', [idPart]), 400, 'VALIDATION_FAILED'],
    ['cut short', 'multipart/form-data; boundary=XX', `--XX\r\n${idPart}\r\n--XX\r\n${filePart}`, 400, 'VALIDATION_FAILED'],
    ['a part without a name', 'multipart/form-data; boundary=XX', form('XX', ['Content-Disposition: form-data\r\n\r\nx', idPart]), 400, 'VALIDATION_FAILED'],
    ['a malformed part header', 'multipart/form-data; boundary=XX', form('XX', ['Content-Disposition form-data name="id"\r\n\r\nx']), 400, 'VALIDATION_FAILED'],
    ['two files', 'multipart/form-data; boundary=XX', form('XX', [idPart, filePart, filePart]), 400, 'VALIDATION_FAILED'],
    ['a file in another field', 'multipart/form-data; boundary=XX', form('XX', [idPart, filePart.replace('name="file"', 'name="scan"')]), 400, 'VALIDATION_FAILED'],
    ['a content coding', 'multipart/form-data; boundary=XX', form('XX', [idPart]), 415, 'UNSUPPORTED_MEDIA_TYPE', { 'content-encoding': 'gzip' }],
  ];
  for (const [name, contentType, body, status, code, headers] of cases) {
    const res = await fetch(`${gw.url}/v1/verify/licence`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    const text = await res.text();
    t.is(res.status, status, `${name}: ${text}`);
    t.is(JSON.parse(text).error.code, code, name);
  }
  // The well-formed upload still works.
  t.is((await gw.request('POST', '/v1/verify/licence', { raw: upload(id, licenceFile().bytes) })).body.verdict, 'not_found');
});
