import anyTest, { type TestFn } from 'ava';
import { request } from 'node:http';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { sm3Hex } from '@henan-chain/crypto';
import { loadConfig } from '../config';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { issueLicence, licenceIdFor, newIssuer } from '../testing/licence-fixtures';
import { sealRegistration } from '../testing/seal-fixtures';

const BASE = 'https://hnc.henan.gov.cn/portal';
const test = anyTest as TestFn<{ gw: TestGateway; plain: TestGateway }>;

test.before(async (t) => {
  t.context.gw = await startTestGateway({ settings: { PUBLIC_BASE_URL: `${BASE}/` } });
  t.context.plain = await startTestGateway();
});
test.after.always(async (t) => {
  await t.context.gw?.stop();
  await t.context.plain?.stop();
});

/** What a camera would read from the PNG: the code decoded from its pixels. */
async function scanPng(gw: TestGateway, path: string): Promise<string | undefined> {
  const res = await fetch(gw.url + path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

test('a licence\u2019s QR code carries the portal\u2019s verification URL under PUBLIC_BASE_URL, as PNG and as SVG', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const { licenceId } = await issueLicence(gw, issuer);
  const expected = `${BASE}/verify/licence/${encodeURIComponent(licenceId)}`;
  t.is(await scanPng(gw, `/v1/licences/${licenceId}/qr.png`), expected);
  const svg = await fetch(`${gw.url}/v1/licences/${licenceId}/qr.svg`);
  t.is(svg.status, 200);
  t.is(svg.headers.get('content-type'), 'image/svg+xml');
  t.is(svg.headers.get('x-verification-url'), expected);
  t.regex(await svg.text(), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+".*<path/s);
});

test('a sealing\u2019s QR code opens its 签章核验 page; without PUBLIC_BASE_URL the code names the address listened on', async (t) => {
  const { gw, plain } = t.context;
  const maker = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['seal_maker'] });
  const owner = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['seal_owner'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const sealId = `ZZ-QR-${Date.now()}`;
  t.is((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealRegistration(sealId, owner.agencyId) })).status, 201);
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { sealId, documentSm3: sm3Hex('决定书') } });
  const sealingId = sealed.body.record.sealingId;
  t.is(await scanPng(gw, `/v1/sealed-documents/${sealingId}/qr.png`), `${BASE}/verify/sealed-document/${sealingId}`);

  const issuer = await newIssuer(plain);
  const { licenceId } = await issueLicence(plain, issuer);
  t.is(await scanPng(plain, `/v1/licences/${licenceId}/qr.png`), `${plain.url}/verify/licence/${encodeURIComponent(licenceId)}`);
});

/** A GET whose Host header is `host` (fetch does not let a caller set it). */
function getWithHost(gw: TestGateway, path: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(gw.url + path, { headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a forged Host never enters the code: the URL is the configured base, or the address listened on', async (t) => {
  const { gw, plain } = t.context;
  for (const [gateway, base] of [[gw, BASE], [plain, plain.url]] as const) {
    const { licenceId } = await issueLicence(gateway, await newIssuer(gateway));
    const reply = await getWithHost(gateway, `/v1/licences/${licenceId}/qr.svg`, 'evil.example"><script>');
    t.is(reply.status, 200);
    t.is(reply.headers['x-verification-url'], `${base}/verify/licence/${encodeURIComponent(licenceId)}`);
    // The same answer for every caller, so a shared cache may keep it.
    t.is(reply.headers['cache-control'], 'public, max-age=86400');
  }
});

test('no code for a record the ledger lacks (404) or a malformed id (400)', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const unknown = await gw.request('GET', `/v1/licences/${licenceIdFor(issuer)}/qr.svg`);
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, 'NOT_FOUND');
  const bad = await gw.request('GET', '/v1/licences/nonsense/qr.png');
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'INVALID_IDENTIFIER');
  t.is((await gw.request('GET', `/v1/sealed-documents/${'0'.repeat(32)}/qr.svg`)).status, 404);
});

test('PUBLIC_BASE_URL must be an http(s) URL without user, query or fragment', (t) => {
  for (const bad of ['hnc.henan.gov.cn', 'ftp://hnc.henan.gov.cn', 'https://u:p@hnc.henan.gov.cn', 'https://hnc.henan.gov.cn/?a=1', 'https://hnc.henan.gov.cn/#x', 'javascript:alert(1)']) {
    t.throws(() => loadConfig({ PUBLIC_BASE_URL: bad }), { message: /PUBLIC_BASE_URL must be an http\(s\) URL/ }, bad);
  }
  t.is(loadConfig({ PUBLIC_BASE_URL: 'https://hnc.henan.gov.cn/portal/' }).publicBaseUrl, 'https://hnc.henan.gov.cn/portal');
  t.is(loadConfig({}).publicBaseUrl, undefined);
});
