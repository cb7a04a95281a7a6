// The portal in a real browser (Debian's chromium driven by playwright-core) against a gateway started
// here: QR scan from an image, valid and revoked licences, a tampered file digested in the page, an
// evidence bundle checked with the network blocked, the language switch. Screenshots go to
// portal/test-results/ (git-ignored).
import anyTest, { type TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildLicenceId } from '@henan-chain/crypto';
import { startTestGateway, type TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { GOVERNANCE } from '@henan-chain/gateway/dist/testing/harness';
import { issueBody, issueLicence, licenceFile, newIssuer } from '@henan-chain/gateway/dist/testing/licence-fixtures';
import { sealRegistration } from '@henan-chain/gateway/dist/testing/seal-fixtures';
import { qrPng } from '@henan-chain/gateway/dist/verification/qr';
import { SAMPLES, TESTDATA } from '@henan-chain/ofd/testing';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(__dirname, '..', 'test-results');

interface Context {
  gw: TestGateway;
  browser: BrowserContext;
  profile: string;
  files: string;
  valid: { id: string; file: Buffer };
  revoked: string;
  issuerId: string;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (.ci/run does)`);
  const gw = await startTestGateway();
  const issuer = await newIssuer(gw);
  const file = licenceFile('%PDF-1.7 营业执照 浏览器测试');
  const { licenceId: id } = await issueLicence(gw, issuer, issueBody(issuer, file));
  const { licenceId: revoked } = await issueLicence(gw, issuer);
  const revoke = await gw.request('POST', `/v1/licences/${revoked}/revoke`, { token: issuer.token, json: { reason: '以欺骗手段取得' } });
  if (revoke.status !== 200) throw new Error(revoke.text);
  const profile = await mkdtemp(join(tmpdir(), 'hnc-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
  });
  await mkdir(RESULTS, { recursive: true });
  Object.assign(t.context, { gw, browser, profile, files: await mkdtemp(join(tmpdir(), 'hnc-portal-files-')), valid: { id, file: file.bytes }, revoked, issuerId: issuer.agencyId });
});
test.after.always(async (t) => {
  await t.context.browser?.close();
  await t.context.gw?.stop();
  for (const dir of [t.context.profile, t.context.files]) if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(t: { context: Context }, path: string): Promise<Page> {
  const page = await t.context.browser.newPage();
  await page.goto(t.context.gw.url + path);
  return page;
}

const verdictOf = (page: Page) => page.locator('[data-verdict]').first();

/** A seal registered by a maker for an owner, and one document sealed with it. */
async function recordSealing(gw: TestGateway) {
  const maker = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['seal_maker', 'consumer'] });
  const owner = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['seal_owner', 'provider'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const sealId = `ZZ-PT-${randomBytes(4).readUInt32BE()}`;
  if ((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealRegistration(sealId, owner.agencyId) })).status !== 201) throw new Error('seal');
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { sealId, documentSm3: randomBytes(32).toString('hex') } });
  if (sealed.status !== 201) throw new Error(sealed.text);
  return { maker, owner, sealId, sealingId: sealed.body.record.sealingId as string, signTime: sealed.body.record.signTime as string };
}

test.serial('a deep link verifies a valid licence: verdict, issuer, validity, version chain, evidence', async (t) => {
  const page = await open(t, `/verify/licence/${encodeURIComponent(t.context.valid.id)}`);
  await verdictOf(page).waitFor();
  t.is(await verdictOf(page).getAttribute('data-verdict'), 'valid');
  t.regex(await verdictOf(page).innerText(), /有效/);
  const text = await page.locator('main').innerText();
  t.regex(text, /颁发机构\s*河南省市场监督管理局/);
  t.regex(text, /版本链\s*v001/);
  t.regex(text, /区块哈希\s*[0-9a-f]{64}/);
  t.regex(text, /哈希算法\s*SM3/);
  await page.screenshot({ path: join(RESULTS, 'licence-valid.png'), fullPage: true });
  await page.close();
});

test.serial('a revoked licence is shown revoked, with its reason', async (t) => {
  const page = await open(t, `/verify/licence/${encodeURIComponent(t.context.revoked)}`);
  await verdictOf(page).waitFor();
  t.is(await verdictOf(page).getAttribute('data-verdict'), 'revoked');
  t.regex(await verdictOf(page).innerText(), /已吊销[\s\S]*以欺骗手段取得/);
  await verdictOf(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(RESULTS, 'licence-revoked.png') });
  await page.close();
});

test.serial('a licence outside its validity window: the status row and the version chain agree with the verdict', async (t) => {
  const issuer = await newIssuer(t.context.gw);
  const expired = await issueLicence(t.context.gw, issuer, issueBody(issuer, licenceFile(), { issueDate: '2020-01-02', validFrom: '2020-01-02T00:00:00Z', validUntil: '2025-01-02T00:00:00Z' }));
  const ahead = await issueLicence(t.context.gw, issuer, issueBody(issuer, licenceFile(), { validFrom: '2099-01-01T00:00:00Z' }));
  for (const [record, verdict, word] of [[expired, 'expired', '已过期'], [ahead, 'not_yet_valid', '尚未生效']] as const) {
    const page = await open(t, `/verify/licence/${encodeURIComponent(record.licenceId)}`);
    await page.locator(`[data-verdict="${verdict}"]`).waitFor();
    const text = await page.locator('main').innerText();
    t.regex(text, new RegExp(`状态\\s*${word}`));
    t.regex(text, new RegExp(`v001 · ${word}`));
    t.notRegex(text, /^有效$|· 有效 ·/m, 'no row says 有效');
    await page.close();
  }
});

test.serial('on a 390 px phone a banner with a long identifier wraps: the page is no wider than the screen', async (t) => {
  const unknown = buildLicenceId({ licenceTypeCode: '11100000MB0143028R001', issuerCode: '11410000MB1957420F', serialNumber: '20260000099', version: '001' });
  const page = await open(t, `/verify/licence/${encodeURIComponent(unknown)}`);
  await page.locator('[data-verdict="not_found"]').waitFor();
  t.is(page.viewportSize()?.width, 390);
  t.true(await page.evaluate(() => document.scrollingElement!.scrollWidth <= 390), 'not_found banner');
  const bundle = join(t.context.files, 'phone.evidence.json');
  await writeFile(bundle, await (await fetch(`${t.context.gw.url}/v1/licences/${t.context.revoked}/evidence`)).text());
  await page.goto(`${t.context.gw.url}/offline`);
  await page.locator('#bundle-file').setInputFiles(bundle);
  await page.locator('[data-verdict="valid"]').waitFor();
  t.true(await page.evaluate(() => document.scrollingElement!.scrollWidth <= 390), 'offline banners');
  await page.close();
});

test.serial('a photo of the QR code opens the licence\u2019s page', async (t) => {
  const png = await fetch(`${t.context.gw.url}/v1/licences/${t.context.valid.id}/qr.png`);
  const photo = join(t.context.files, 'qr.png');
  await writeFile(photo, Buffer.from(await png.arrayBuffer()));
  const page = await open(t, '/');
  await page.locator('#qr-photo').setInputFiles(photo);
  await page.waitForURL(`**/verify/licence/${encodeURIComponent(t.context.valid.id)}`);
  await verdictOf(page).waitFor();
  t.is(await verdictOf(page).getAttribute('data-verdict'), 'valid');
  t.is(await page.locator('#licence-id').inputValue(), t.context.valid.id);
  await page.close();
});

test.serial('a QR code goes to the page it names: the gateway\u2019s sealing code, a lower-case licence link; anything else is said so', async (t) => {
  const { gw, valid } = t.context;
  const { sealingId } = await recordSealing(gw);
  const codes: [string, Buffer | string][] = [
    ['sealing', Buffer.from(await (await fetch(`${gw.url}/v1/sealed-documents/${sealingId}/qr.png`)).arrayBuffer())],
    ['lower', `http://portal.example/verify/licence/${encodeURIComponent(valid.id.toLowerCase())}`],
    ['malformed', `${gw.url}/verify/licence/%E0%A4%A`],
    ['script', 'javascript:alert(1)'],
  ];
  const errors: string[] = [];
  for (const [name, code] of codes) {
    const photo = join(t.context.files, `qr-${name}.png`);
    await writeFile(photo, typeof code === 'string' ? await qrPng(code) : code);
    const page = await open(t, '/');
    page.on('pageerror', (e) => errors.push(e.message));
    await page.locator('#qr-photo').setInputFiles(photo);
    if (name === 'sealing') {
      await page.waitForURL(`**/verify/sealed-document/${sealingId}`);
      await page.locator('[data-verdict="valid"]').waitFor();
    } else if (name === 'lower') {
      await page.waitForURL(`**/verify/licence/${encodeURIComponent(valid.id)}`);
      await page.locator('[data-verdict="valid"]').waitFor();
    } else {
      await page.getByText('二维码中不是本平台的核验链接或电子证照标识').waitFor();
      t.is(new URL(page.url()).pathname, '/', name);
    }
    await page.close();
  }
  t.deepEqual(errors, []);
});

test.serial('pasted identifiers are normalised: case, full-width characters, 。, spaces, zero-width characters, a portal link', async (t) => {
  const { gw, valid } = t.context;
  const id = valid.id;
  const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const pasted = [
    id.toLowerCase(),
    fullWidth(id),
    id.replaceAll('.', '。'),
    ` ${id.slice(0, 20)} ${id.slice(20)} `,
    `${id.slice(0, 10)}\u200b${id.slice(10)}\ufeff`,
    `${gw.url}/verify/licence/${encodeURIComponent(id)}`,
  ];
  const { sealingId } = await recordSealing(gw);
  const cases: [string, string, string, string][] = [
    ...pasted.map((p): [string, string, string, string] => ['/', '#licence-id', p, id]),
    ['/verify/sealed-document', '#sealing-id', sealingId.toUpperCase(), sealingId],
    ['/verify/sealed-document', '#sealing-id', `${gw.url}/verify/sealed-document/${sealingId}`, sealingId],
  ];
  for (const [path, field, typed, canonical] of cases) {
    const page = await open(t, path);
    await page.locator(field).fill(typed);
    await page.getByRole('button', { name: '核验', exact: true }).click();
    await page.locator('#result [data-verdict]').waitFor();
    t.is(await page.locator('#result [data-verdict]').getAttribute('data-verdict'), 'valid', JSON.stringify(typed));
    t.is(await page.locator(field).inputValue(), canonical);
    t.true(page.url().endsWith(encodeURIComponent(canonical)));
    await page.close();
  }
});

test.serial('a dropped licence file is digested in the page: an altered one is tampered, and no file is uploaded', async (t) => {
  const page = await open(t, '/');
  const sent: string[] = [];
  page.on('request', (r) => sent.push(r.postData() ?? ''));
  await page.locator('#licence-id').fill(t.context.valid.id);
  const altered = join(t.context.files, 'altered.pdf');
  await writeFile(altered, Buffer.concat([t.context.valid.file, Buffer.from(' 篡改')]));
  await page.locator('#licence-file').setInputFiles(altered);
  await page.getByRole('button', { name: '核验', exact: true }).click();
  await page.locator('[data-verdict="tampered"]').waitFor();
  t.regex(await verdictOf(page).innerText(), /文件被篡改/);
  await page.screenshot({ path: join(RESULTS, 'licence-tampered.png'), fullPage: true });
  const original = join(t.context.files, 'licence.pdf');
  await writeFile(original, t.context.valid.file);
  await page.locator('#licence-file').setInputFiles(original);
  await page.getByRole('button', { name: '核验', exact: true }).click();
  await page.locator('[data-verdict="valid"]').waitFor();
  t.true(sent.some((body) => /"documentSm3":"[0-9a-f]{64}"/.test(body)), 'the digest was sent');
  t.false(sent.some((body) => body.includes('营业执照') || body.includes('篡改')), 'the file\u2019s bytes were not');
  await page.close();
});

test.serial('a sealed OFD is verified by the gateway: the valid one with its seal picture, the tampered invoice named so', async (t) => {
  const page = await open(t, '/verify/sealed-document');
  await page.locator('#ofd-file').setInputFiles(join(TESTDATA, SAMPLES.kingGrid));
  await page.getByRole('button', { name: '核验 OFD' }).click();
  await page.locator('#ofd-result [data-verdict="valid"]').waitFor();
  const card = page.locator('#ofd-result [data-signature="1"]');
  t.regex(await card.innerText(), /金格演示公章（6a1cf81ad6264f0cb7583c162456f35a）[\s\S]*13 \/ 13/);
  t.true(await card.locator('img.seal-picture').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the seal picture shows');
  await page.screenshot({ path: join(RESULTS, 'ofd-valid.png'), fullPage: true });
  await page.locator('#ofd-file').setInputFiles(join(TESTDATA, SAMPLES.invoice));
  await page.getByRole('button', { name: '核验 OFD' }).click();
  await page.locator('#ofd-result [data-verdict="tampered"]').waitFor();
  t.regex(await page.locator('#ofd-result').innerText(), /文件被篡改[\s\S]*Doc_0\/Document\.xml/);
  await page.close();
});

test.serial('an evidence bundle is checked with the network blocked: a revoked licence\u2019s intact bundle says so; a changed one is invalid and the field named', async (t) => {
  const bundle = await (await fetch(`${t.context.gw.url}/v1/licences/${t.context.revoked}/evidence`)).text();
  const good = join(t.context.files, 'licence.evidence.json');
  const bad = join(t.context.files, 'changed.evidence.json');
  await writeFile(good, bundle);
  const changed = JSON.parse(bundle);
  changed.records[0].value.status = 'valid';
  await writeFile(bad, JSON.stringify(changed));
  const page = await open(t, '/offline');
  await page.locator('#bundle-file').waitFor({ state: 'attached' });
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await t.context.browser.setOffline(true);
  try {
    await page.locator('#bundle-file').setInputFiles(good);
    await page.locator('[data-verdict="valid"]').waitFor();
    // Intact, but the licence it proves was revoked: the page says both, and never 有效 alone.
    t.regex(await page.locator('[data-verdict="valid"]').innerText(), /证据包完整/);
    t.regex(await page.locator('[data-record-state="revoked"]').innerText(), /证据包生成时的证照状态[\s\S]*✘ 已吊销[\s\S]*以欺骗手段取得/);
    t.notRegex(await page.locator('main').innerText(), /✔ 有效/);
    t.regex(await page.locator('main').innerText(), /已证明[\s\S]*未能证明/);
    await page.screenshot({ path: join(RESULTS, 'offline-valid.png') });
    await page.locator('#bundle-file').setInputFiles(bad);
    await page.locator('[data-verdict="invalid"]').waitFor();
    t.regex(await page.locator('main').innerText(), /records\[0\]\.value\.status/);
  } finally {
    await t.context.browser.setOffline(false);
  }
  t.deepEqual(requests, [], 'no request left the page');
  await page.close();
});

test.serial('the language switch: English labels and the API\u2019s English message; Chinese by default', async (t) => {
  const page = await open(t, '/verify/licence/1.2.156.3005.2.nonsense');
  await page.locator('.error').waitFor();
  t.regex(await page.locator('.error').innerText(), /标识格式不正确.*INVALID_IDENTIFIER/);
  t.is(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.getByRole('button', { name: 'English' }).click();
  t.is(await page.locator('h1').innerText(), 'Verify a licence');
  t.is(await page.locator('html').getAttribute('lang'), 'en');
  await page.locator('#licence-id').fill(t.context.revoked);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.locator('[data-verdict="revoked"]').waitFor();
  t.regex(await verdictOf(page).innerText(), /Revoked/);
  t.regex(await page.locator('.reasons').innerText(), /^revoked on \d{4}-\d{2}-\d{2} by 河南省市场监督管理局 \(\w+\): 以欺骗手段取得$/);
  await page.screenshot({ path: join(RESULTS, 'licence-revoked-en.png'), fullPage: true });
  await page.getByRole('button', { name: '中文' }).click();
  t.is(await page.locator('h1').innerText(), '证照核验');
  await page.close();
});

test.serial('answers without the API\u2019s JSON (a proxy\u2019s HTML, a broken body) are told in Chinese by status, never raw or undefined', async (t) => {
  const html = 'text/html';
  const cases = [
    { path: `/verify/licence/${encodeURIComponent(t.context.valid.id)}`, status: 429, contentType: html, body: '<h1>429 Too Many Requests</h1>', shown: '请求过多，请稍后再试（HTTP_429）' },
    { path: `/verify/licence/${encodeURIComponent(t.context.valid.id)}`, status: 502, contentType: html, body: '<html>Bad Gateway</html>', shown: '网关暂时不可用（HTTP_502）' },
    { path: `/verify/licence/${encodeURIComponent(t.context.valid.id)}`, status: 200, contentType: html, body: '<html>captive portal</html>', shown: '网关返回了无法识别的应答（HTTP_200）' },
    { path: `/verify/licence/${encodeURIComponent(t.context.valid.id)}`, status: 200, contentType: 'application/json', body: '{not json', shown: '网关返回了无法识别的应答（HTTP_200）' },
    { path: `/verify/licence/${encodeURIComponent(t.context.valid.id)}`, status: 200, contentType: 'application/json', body: '{"reasons":[]}', shown: '网关返回了无法识别的应答（HTTP_200）' },
    { path: '/provenance/RCPT-1', status: 200, contentType: html, body: '<html>captive portal</html>', shown: '网关返回了无法识别的应答（HTTP_200）' },
    { path: '/provenance/RCPT-1', status: 200, contentType: 'application/json', body: '{}', shown: '网关返回了无法识别的应答（HTTP_200）' },
  ];
  for (const c of cases) {
    const page = await t.context.browser.newPage();
    await page.route('**/v1/**', (route) => route.fulfill({ status: c.status, contentType: c.contentType, body: c.body }));
    await page.goto(t.context.gw.url + c.path);
    await page.locator('#result .error').waitFor();
    t.is(await page.locator('#result').innerText(), c.shown, `${c.status} ${c.body}`);
    await page.close();
  }
});

test.serial('the pages are served with caching headers: index no-cache, hashed assets immutable; the API keeps its 404', async (t) => {
  const index = await fetch(`${t.context.gw.url}/provenance/RCPT-1`);
  t.is(index.status, 200);
  t.is(index.headers.get('cache-control'), 'no-cache');
  const asset = /\/assets\/[^"]+\.js/.exec(await index.text())![0];
  const script = await fetch(t.context.gw.url + asset);
  t.is(script.status, 200);
  t.is(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.regex(script.headers.get('content-type') ?? '', /javascript/);
  const missing = await fetch(`${t.context.gw.url}/assets/..%2f..%2fpackage.json`);
  t.is(missing.status, 404);
  const api = await fetch(`${t.context.gw.url}/v1/nothing`);
  t.is(api.status, 404);
  t.is((await api.json()).error.code, 'ROUTE_NOT_FOUND');
});

test.serial('deep links a person can reach: a slash after a page goes to the page, an audit kind alone is its page, an empty record id is asked for', async (t) => {
  const { gw, valid } = t.context;
  const id = encodeURIComponent(valid.id);
  for (const [path, to] of [['/verify/licence/', '/verify/licence'], [`/verify/licence/${id}/`, `/verify/licence/${id}`], ['/audit/licence/', '/audit/licence'], ['/offline/?x=1', '/offline?x=1']]) {
    const res = await fetch(gw.url + path, { redirect: 'manual' });
    t.is(res.status, 301, path);
    t.is(res.headers.get('location'), to);
  }
  t.is((await fetch(`${gw.url}//example.com/`, { redirect: 'manual' })).status, 404, 'no redirect off the site');
  const page = await open(t, '/audit/licence');
  t.is(await page.locator('h1').innerText(), '审计');
  const asked: string[] = [];
  page.on('request', (r) => asked.push(r.url()));
  await page.getByLabel('访问令牌').fill(GOVERNANCE);
  await page.getByRole('button', { name: '查看记录历史' }).click();
  t.is(await page.locator('#result .error').innerText(), '请填写记录编号');
  t.is(await page.locator('#audit-id').getAttribute('aria-invalid'), 'true');
  t.is(await page.evaluate(() => document.activeElement?.id), 'audit-id');
  t.is(new URL(page.url()).pathname, '/audit/licence');
  t.deepEqual(asked.filter((u) => u.includes('/v1/')), []);
  await page.close();
});

test.serial('every page, asset and API answer is sent nosniff; the page has its icon, and loads with no console error', async (t) => {
  const { gw, valid } = t.context;
  const index = await fetch(`${gw.url}/`);
  const html = await index.text();
  const icon = /<link rel="icon" type="image\/svg\+xml" href="(\/assets\/favicon-[^"]+\.svg)"/.exec(html)?.[1];
  t.truthy(icon, 'index.html links its icon');
  const answers = [index, await fetch(gw.url + icon), await fetch(gw.url + /\/assets\/index-[^"]+\.js/.exec(html)![0]), await fetch(`${gw.url}/v1/licences/${encodeURIComponent(valid.id)}/qr.svg`), await fetch(`${gw.url}/v1/agencies/${t.context.issuerId}`), await fetch(`${gw.url}/v1/nothing`)];
  for (const res of answers) t.is(res.headers.get('x-content-type-options'), 'nosniff', res.url);
  t.regex(answers[1]!.headers.get('content-type') ?? '', /^image\/svg\+xml/);
  const problems: string[] = [];
  const page = await t.context.browser.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  await page.goto(`${gw.url}/verify/licence/${encodeURIComponent(valid.id)}`);
  await page.locator('[data-verdict="valid"]').waitFor();
  await page.waitForLoadState('networkidle');
  t.deepEqual(problems, []);
  await page.close();
});

test.serial('签章核验 of a recorded sealing, 数据溯源 of a receipt\u2019s steps', async (t) => {
  const { gw } = t.context;
  const { maker, owner, sealId, sealingId } = await recordSealing(gw);
  const page = await open(t, `/verify/sealed-document/${sealingId}`);
  await page.locator('[data-verdict="valid"]').waitFor();
  t.regex(await page.locator('main').innerText(), new RegExp(`印章\\s*郑州市行政审批和政务信息管理局公章（${sealId}）`));
  await page.screenshot({ path: join(RESULTS, 'sealing-valid.png'), fullPage: true });

  const receiptId = `RCPT-PT-${Date.now()}`;
  const requested = await gw.request('POST', '/v1/receipts', {
    token: maker.token,
    json: { receiptId, providerId: owner.agencyId, catalogItemId: '11410000005184361T/00001', shareClass: 'conditional', purpose: '企业开办核验', legalBasis: '《政务数据共享条例》' },
  });
  t.is(requested.status, 201, requested.text);
  const replied = await gw.request('POST', `/v1/receipts/${receiptId}/reply`, { token: owner.token, json: { decision: 'approved', conditions: '不得向第三方提供' } });
  t.is(replied.status, 200, replied.text);
  await page.goto(`${gw.url}/provenance/${receiptId}`);
  await page.locator('.timeline').waitFor();
  const steps = await page.locator('.timeline li h3').allInnerTexts();
  t.deepEqual(steps, ['共享申请', '答复']);
  t.regex(await page.locator('.timeline').innerText(), new RegExp(`签署方: ${owner.agencyId}`));
  t.regex(await page.locator('main').innerText(), /当前状态: 已同意[\s\S]*答复[\s\S]*已同意 · 不得向第三方提供/);
  await page.screenshot({ path: join(RESULTS, 'provenance.png'), fullPage: true });
  await page.close();
});

test.serial('签章核验 of a sealing whose seal was revoked later: still valid, and the revocation said with its time and reason', async (t) => {
  const { gw } = t.context;
  const { owner, sealId, sealingId } = await recordSealing(gw);
  const revoked = await gw.request('POST', `/v1/seals/${sealId}/revoke`, { token: owner.token, json: { reason: '印章遗失' } });
  t.is(revoked.status, 200, revoked.text);
  const page = await open(t, `/verify/sealed-document/${sealingId}`);
  await page.locator('[data-verdict="valid"]').waitFor();
  t.regex(await page.locator('[data-seal-revoked]').innerText(), /印章已吊销[\s\S]*吊销生效时间\s*\d{4}\/[\s\S]*吊销原因\s*印章遗失[\s\S]*仍然有效/);
  await page.screenshot({ path: join(RESULTS, 'sealing-seal-revoked-later.png'), fullPage: true });
  await page.close();
});

test.serial('核验依据 in Chinese with times in 北京时间: a revoked, an expired and a tampered licence, a sealing whose seal was revoked before it', async (t) => {
  const { gw } = t.context;
  const issuer = await newIssuer(gw);
  const expired = await issueLicence(gw, issuer, issueBody(issuer, licenceFile(), { issueDate: '2020-01-02', validFrom: '2020-01-02T00:00:00Z', validUntil: '2025-01-02T00:00:00Z' }));
  const { maker, sealId, sealingId, signTime } = await recordSealing(gw);
  const revoked = await gw.request('POST', `/v1/seals/${sealId}/revoke`, { token: maker.token, json: { reason: '印章被盗用', effectiveFrom: signTime } });
  t.is(revoked.status, 200, revoked.text);
  const altered = join(t.context.files, 'altered-reasons.pdf');
  await writeFile(altered, Buffer.concat([t.context.valid.file, Buffer.from(' 篡改')]));
  const reasonsOf = async (path: string, verdict: string, file?: string) => {
    const page = await open(t, file ? '/' : path);
    if (file) {
      // Typed with the file, not a deep link: its verdict on the record alone could come second.
      await page.locator('#licence-id').fill(t.context.valid.id);
      await page.locator('#licence-file').setInputFiles(file);
      await page.getByRole('button', { name: '核验', exact: true }).click();
    }
    await page.locator(`[data-verdict="${verdict}"]`).waitFor();
    const text = await page.locator('.reasons').innerText();
    await page.close();
    t.notRegex(text, /[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/, `no English sentence in ${text}`);
    return text;
  };
  const licence = (id: string) => `/verify/licence/${encodeURIComponent(id)}`;
  t.regex(await reasonsOf(licence(t.context.revoked), 'revoked'), /^\d{4}年\d{1,2}月\d{1,2}日被河南省市场监督管理局（\w+）吊销：以欺骗手段取得$/);
  // 2025-01-02T00:00:00Z is 08:00 in Beijing.
  t.is(await reasonsOf(licence(expired.licenceId), 'expired'), '有效期已于2025/1/2 08:00:00（北京时间）届满');
  t.regex(await reasonsOf('/', 'tampered', altered), /^文件的 SM3 摘要 [0-9a-f]{64} 与登记的 [0-9a-f]{64} 不一致$/);
  t.regex(
    await reasonsOf(`/verify/sealed-document/${sealingId}`, 'seal_revoked'),
    new RegExp(`^印章 ${sealId} 已被 \\w+ 吊销，自\\d{4}/.*（北京时间）起生效（\\d{4}/.*（北京时间）记录）：印章被盗用；签章时间\\d{4}/.*（北京时间）不早于吊销生效时间$`),
  );
});

test.serial('审计 with a token: a record\u2019s history, and the signed report downloaded with its signature checked in the page', async (t) => {
  const { valid, issuerId } = t.context;
  const page = await open(t, '/audit');
  await page.getByLabel('访问令牌').fill(GOVERNANCE);
  await page.getByLabel('记录类型').selectOption('licence');
  await page.getByLabel('记录编号').fill(valid.id);
  await page.getByRole('button', { name: '查看记录历史' }).click();
  await page.locator('.timeline li').first().waitFor();
  t.regex(await page.locator('.timeline').innerText(), /颁发[\s\S]*签名核验: 有效/);
  await page.getByLabel('机构（统一社会信用代码）').fill(issuerId);
  await page.getByLabel('起始日期').fill('2020-01-01');
  await page.getByRole('button', { name: '下载签名报告 JSON' }).click();
  await page.locator('.verdict.good').waitFor();
  t.regex(await page.locator('.verdict').innerText(), /报告签名有效/);
  await page.screenshot({ path: join(RESULTS, 'audit-report.png'), fullPage: true });
  await page.close();
});

test.serial('审计 机构事件 a page at a time: 更多 asks for the next page with the API\u2019s cursor and the same query, until the last', async (t) => {
  const page = await open(t, '/audit');
  const asked: URLSearchParams[] = [];
  const event = (n: number) => ({ timestamp: `2026-01-0${n}T00:00:00Z`, blockNumber: String(n), txId: 'ab'.repeat(32), kind: 'licence', id: `L-${n}`, action: 'issue', agencyId: t.context.issuerId, mspId: 'HenanProvinceMSP' });
  await page.route('**/v1/audit/events?**', (route) => {
    const query = new URL(route.request().url()).searchParams;
    asked.push(query);
    const pages: Record<string, object> = { '': { events: [event(1), event(2)], cursor: 'c1' }, c1: { events: [event(3)], cursor: 'c2' }, c2: { events: [event(4)], cursor: '' } };
    return route.fulfill({ json: { ...pages[query.get('cursor') ?? ''], indexedTo: null } });
  });
  await page.getByLabel('访问令牌').fill(GOVERNANCE);
  await page.getByLabel('机构（统一社会信用代码）').fill(t.context.issuerId);
  await page.getByRole('button', { name: '查看机构事件' }).click();
  await page.locator('.timeline li').nth(1).waitFor();
  await page.getByRole('button', { name: '更多' }).click();
  await page.locator('.timeline li').nth(2).waitFor();
  await page.getByRole('button', { name: '更多' }).click();
  await page.locator('.timeline li').nth(3).waitFor();
  t.is(await page.getByRole('button', { name: '更多' }).count(), 0, 'no 更多 after the last page');
  t.deepEqual(await page.locator('.timeline li p').allInnerTexts().then((ps) => ps.map((p) => p.split(' · ')[0])), ['L-1', 'L-2', 'L-3', 'L-4']);
  t.deepEqual(asked.map((q) => q.get('cursor')), [null, 'c1', 'c2']);
  t.true(asked.every((q) => q.get('agency') === t.context.issuerId && q.get('from') === asked[0]!.get('from') && q.get('to') === asked[0]!.get('to')));
  await page.close();
});

test.serial('审计 in Chinese throughout, and the language switch keeps what was typed; 离线核验\u2019s drop zone opens on Space as on Enter', async (t) => {
  const { issuerId, valid } = t.context;
  const page = await open(t, '/audit');
  t.deepEqual(await page.locator('#audit-kind option').allInnerTexts(), ['电子证照', '政务机构', '电子印章', '签章存证', '数据共享回执', '跨域办件', '批量存证']);
  await page.getByLabel('访问令牌').fill(GOVERNANCE);
  await page.getByLabel('记录类型').selectOption('licence');
  await page.getByLabel('记录编号').fill(valid.id);
  await page.getByLabel('机构（统一社会信用代码）').fill(issuerId);
  await page.getByLabel('起始日期').fill('2020-01-01');
  await page.getByRole('button', { name: '查看机构事件' }).click();
  await page.locator('.timeline li').first().waitFor();
  t.regex(await page.locator('.timeline').innerText(), /电子证照 · 已颁发/);
  t.notRegex(await page.locator('.timeline').innerText(), /licence|issued/);
  await page.getByRole('button', { name: 'English' }).click();
  t.is(await page.getByLabel('Record id').inputValue(), valid.id);
  t.is(await page.getByLabel('Agency (credit code)').inputValue(), issuerId);
  t.is(await page.getByLabel('From').inputValue(), '2020-01-01');
  t.is(await page.getByLabel('Record kind').inputValue(), 'licence');
  await page.getByRole('button', { name: '中文' }).click();
  await page.goto(`${t.context.gw.url}/offline`);
  // The locator focuses the drop zone itself, once it is attached and stable, then presses: no key
  // can go to an element a late render replaced. The wait allows for a machine under load.
  const chooser = page.waitForEvent('filechooser', { timeout: 15_000 });
  await page.locator('.dropzone').press(' ');
  t.truthy(await chooser);
  await page.close();
});

test.serial('by keyboard alone: type the identifier, Enter verifies; every control is reachable by Tab', async (t) => {
  const page = await open(t, '/');
  await page.keyboard.press('Tab');
  t.is(await page.evaluate(() => document.activeElement?.textContent), '跳到正文');
  await page.locator('#licence-id').focus();
  await page.keyboard.type(t.context.valid.id);
  await page.keyboard.press('Enter');
  await page.locator('[data-verdict="valid"]').waitFor();
  const reached = new Set<string>();
  await page.locator('#licence-id').focus();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.id || document.activeElement?.textContent || ''));
  }
  for (const control of ['licence-file', '核验', '扫码', '上传二维码图片']) t.true(reached.has(control), `${control} is reached by Tab: ${[...reached].join(', ')}`);
  await page.close();
});
