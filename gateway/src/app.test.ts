import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOVERNANCE, startTestGateway } from './testing/harness';
import { issueLicence, newIssuer } from './testing/licence-fixtures';
import { rawRequest } from './testing/raw-request';

test('an anchor batch body is read only for an authenticated caller; every answer, a refusal too, is sent nosniff', async (t) => {
  const gw = await startTestGateway();
  try {
    // Without a token the body is never parsed: 401, not the parser's verdict on the bytes.
    const reply = await gw.request('POST', '/v1/anchors', { raw: '{"leaves": [', contentType: 'application/json' });
    t.is(reply.status, 401);
    t.is(reply.body.error.code, 'UNAUTHENTICATED');
    // Refused before any route, and still sent nosniff, as are a malformed body and a route's answer.
    t.is(reply.headers.get('x-content-type-options'), 'nosniff');
    const malformed = await gw.request('POST', '/v1/anchors', { token: GOVERNANCE, raw: '{"leaves": [', contentType: 'application/json' });
    t.is(malformed.status, 400);
    t.is(malformed.headers.get('x-content-type-options'), 'nosniff');
    t.is((await gw.request('GET', '/healthz')).headers.get('x-content-type-options'), 'nosniff');
  } finally {
    await gw.stop();
  }
});

test('a short, plain request id is echoed; anything else is replaced by a fresh one', async (t) => {
  const gw = await startTestGateway();
  try {
    const echoed = await fetch(`${gw.url}/healthz`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    t.is(echoed.headers.get('x-request-id'), 'trace-42.a:b');
    const replaced = await fetch(`${gw.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(500) } });
    t.regex(replaced.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  } finally {
    await gw.stop();
  }
});

test('a JSON body naming a member twice is refused (I-JSON), naming its path, and nothing is recorded', async (t) => {
  const gw = await startTestGateway();
  try {
    const issuer = await newIssuer(gw);
    const { licenceId } = await issueLicence(gw, issuer);
    const { ledger } = gw.gateway.services;
    const height = await ledger.height();
    const raw = '{"reason":"first","reason":"second"}';
    const reply = await gw.request('POST', `/v1/licences/${licenceId}/suspend`, { token: issuer.token, raw, contentType: 'application/json' });
    t.is(reply.status, 400, reply.text);
    t.is(reply.body.error.code, 'MALFORMED_JSON');
    t.regex(reply.body.error.message, /^body\.reason: the member name appears twice/);
    t.is(await ledger.height(), height, 'nothing was written');
    t.is((await gw.request('GET', `/v1/licences/${licenceId}`, { token: issuer.token })).body.status, 'valid');
  } finally {
    await gw.stop();
  }
});

test('a method a route or a portal page does not take is a 405 with Allow; what does not exist stays a 404', async (t) => {
  const portalDir = await mkdtemp(join(tmpdir(), 'hnc-portal-'));
  await mkdir(join(portalDir, 'assets'));
  await writeFile(join(portalDir, 'index.html'), '<!doctype html><title>核验平台</title>');
  await writeFile(join(portalDir, 'assets', 'index-abc.js'), 'void 0;');
  const gw = await startTestGateway({ settings: { PORTAL_DIR: portalDir } });
  try {
    const refused: [string, string, string][] = [
      ['DELETE', `/v1/licences/${'1'.repeat(20)}`, 'HEAD, GET'],
      ['PUT', '/v1/verify/ofd', 'POST'],
      ['POST', '/', 'GET, HEAD'],
      ['DELETE', '/verify/licence/x', 'GET, HEAD'],
      ['POST', '/assets/index-abc.js', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of refused) {
      const reply = await fetch(gw.url + path, { method });
      t.is(reply.status, 405, `${method} ${path}`);
      t.is(reply.headers.get('allow'), allow, `${method} ${path}`);
      t.is(((await reply.json()) as any).error.code, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
    }
    const options = await fetch(`${gw.url}/`, { method: 'OPTIONS' });
    t.is(options.status, 200);
    t.is(options.headers.get('allow'), 'GET, HEAD');
    for (const path of ['/no-such-page', '/assets/missing.js']) {
      const reply = await fetch(gw.url + path, { method: 'POST' });
      t.is(reply.status, 404, path);
      t.is(reply.headers.get('allow'), null, path);
    }
    t.is((await fetch(`${gw.url}/`)).status, 200, 'the page itself is served');
  } finally {
    await gw.stop();
    await rm(portalDir, { recursive: true, force: true });
  }
});

test('two Authorization headers are refused (400), not the first taken; nothing is written', async (t) => {
  const gw = await startTestGateway();
  try {
    const agency = await gw.registerAgency({ name: '开封市行政审批服务局', roles: ['consumer'], regionCode: '410200' });
    const height = await gw.gateway.services.ledger.height();
    const body = JSON.stringify({ reason: '两个令牌' });
    const reply = await rawRequest(
      gw,
      [`POST /v1/agencies/${agency.agencyId}/suspend HTTP/1.1`, 'Host: gateway', `Authorization: Bearer ${GOVERNANCE}`, `Authorization: Bearer ${agency.token}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`],
      body,
    );
    t.is(reply.status, 'HTTP/1.1 400 Bad Request');
    t.is(reply.body.error.code, 'VALIDATION_FAILED');
    t.is(reply.body.error.message, 'headers.authorization: send one Authorization header, not 2');
    t.is(await gw.gateway.services.ledger.height(), height, 'nothing was written');
    t.is((await gw.request('GET', `/v1/agencies/${agency.agencyId}`)).body.status, 'active');
  } finally {
    await gw.stop();
  }
});
