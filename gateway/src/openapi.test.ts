import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import type Koa from 'koa';
import type Router from '@koa/router';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { buildLicenceId } from '@henan-chain/crypto';
import { verifyBundle } from '@henan-chain/evidence';
import { SAMPLES, sampleFile } from '@henan-chain/ofd/testing';
import { createApp } from './app';
import { DEMO_AGENCIES, DEMO_HOLDERS, LICENCE_TYPES, type DemoAgencyKey } from './demo/agencies';
import { seedDemo } from './demo/seed';
import { type ApiCall, type ApiClient, type ApiReply, expectStatus, httpClient } from './http/client';
import { allRoutes } from './routes';
import { GOVERNANCE, randomUscc, startTestGateway, type TestGateway } from './testing/harness';

type Json = Record<string, any>;

/** One operation of the document, with the pattern that recognises its concrete request paths. */
interface Operation {
  method: string;
  template: string;
  id: string;
  op: Json;
  pattern: RegExp;
  /** Literal segments of the template: the most literal match wins, as `/a/b` beats `/a/{id}`. */
  literals: number;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const DOC_ID = 'openapi.json';
const sm3 = (data: string) => createHash('sm3').update(data).digest('hex');
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** RFC 6901: a JSON pointer to `parts` (paths hold `/`, media types `/` too). */
const pointer = (parts: string[]) => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function operationsOf(doc: Json): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        template,
        id: op.operationId,
        op,
        pattern: new RegExp(`^${template.split(/\{[^}]+\}/).map(escapeRegex).join('[^/]+')}$`),
        literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      })),
  );
}

/**
 * An ajv (JSON Schema 2020-12, strict) over the whole document, so each schema compiles where it sits
 * and its `#/components/...` references resolve as the document means them.
 */
function schemasOf(doc: Json) {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    // ajv knows no formats of its own; date-time is the one the document uses (strict mode fails on any other).
    formats: { 'date-time': (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)) },
  });
  // The document's own top-level fields are not JSON Schema keywords: ajv is told to leave them be.
  ajv.addVocabulary(Object.keys(doc).filter((k) => !k.startsWith('$')));
  ajv.addSchema(doc, DOC_ID);
  return {
    /** The compiled schema at `parts` of the document; throws when it does not compile or resolve. */
    at(parts: string[]): ValidateFunction {
      const validate = ajv.getSchema(DOC_ID + pointer(parts));
      if (!validate) throw new Error(`no schema at ${pointer(parts)}`);
      return validate;
    },
    errorsText: (v: ValidateFunction) => ajv.errorsText(v.errors, { dataVar: 'body' }),
  };
}

/** Every reply an ApiClient sees, checked against the document: its status, media type and body. */
class Conformance {
  readonly operations: Operation[];
  readonly problems: string[] = [];
  /** Statuses each operation answered with, by operationId. */
  readonly statuses = new Map<string, Set<number>>();
  readonly log: { id: string; status: number; body: any }[] = [];
  validated = 0;
  private readonly schemas: ReturnType<typeof schemasOf>;

  constructor(doc: Json) {
    this.operations = operationsOf(doc);
    this.schemas = schemasOf(doc);
  }

  client(inner: ApiClient): ApiClient {
    return async (call) => {
      const reply = await inner(call);
      this.check(call, reply);
      return reply;
    };
  }

  /** The 2xx bodies `operationId` answered with, oldest first. */
  successes(operationId: string): any[] {
    return this.log.filter((e) => e.id === operationId && e.status < 300).map((e) => e.body);
  }

  private operationFor(call: ApiCall): Operation | undefined {
    const path = call.path.split('?')[0]!;
    const matches = this.operations.filter((o) => o.method === call.method && o.pattern.test(path));
    return matches.sort((a, b) => b.literals - a.literals)[0];
  }

  private check(call: ApiCall, reply: ApiReply): void {
    const what = `${call.method} ${call.path} → ${reply.status}`;
    const operation = this.operationFor(call);
    if (!operation) return void this.problems.push(`${what}: no operation of the document matches`);
    this.log.push({ id: operation.id, status: reply.status, body: reply.body });
    let seen = this.statuses.get(operation.id);
    if (!seen) this.statuses.set(operation.id, (seen = new Set()));
    seen.add(reply.status);
    const response = operation.op.responses[String(reply.status)];
    if (!response) return void this.problems.push(`${what}: ${operation.id} does not document status ${reply.status}: ${reply.text.slice(0, 300)}`);
    const media = reply.contentType.split(';')[0]!.trim().toLowerCase();
    if (!response.content) {
      if (reply.text) this.problems.push(`${what}: a ${media} body where ${operation.id} documents none`);
      return;
    }
    if (!(media in response.content)) {
      return void this.problems.push(`${what}: media type ${media || '(none)'} is not among ${Object.keys(response.content).join(', ')}`);
    }
    // An image (a seal picture) has no JSON to check: its media type being documented is the check.
    if (media.startsWith('image/')) return void this.validated++;
    const validate = this.schemas.at(['paths', operation.template, operation.method.toLowerCase(), 'responses', String(reply.status), 'content', media, 'schema']);
    if (!validate(media === 'application/json' ? reply.body : reply.text)) {
      this.problems.push(`${what}: the ${media} body does not match ${operation.id}'s schema: ${this.schemas.errorsText(validate)}`);
    }
    this.validated++;
  }
}

let gw: TestGateway;
let doc: Json;

test.before(async () => {
  gw = await startTestGateway();
  doc = (await gw.request('GET', '/openapi.json')).body;
});

test.after.always(async () => {
  await gw?.stop();
});

test('the document is OpenAPI 3.1: unique operation ids, declared path parameters, schemas that compile', (t) => {
  t.is(doc.openapi, '3.1.0');
  t.truthy(doc.info?.title && doc.info?.version, 'info.title and info.version');
  const schemas = schemasOf(doc);
  const ids = new Map<string, string>();
  for (const { method, template, id, op } of operationsOf(doc)) {
    const name = `${method} ${template}`;
    t.true(typeof id === 'string' && id.length > 0, `${name}: operationId`);
    t.is(ids.get(id), undefined, `${name}: operationId ${id} is also ${ids.get(id)}'s`);
    ids.set(id, name);

    const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    const declared = (op.parameters ?? []).filter((p: Json) => p.in === 'path');
    t.deepEqual(declared.map((p: Json) => p.name).sort(), inTemplate, `${name}: path parameters`);
    for (const p of declared) t.true(p.required, `${name}: path parameter ${p.name} is required`);
    const parameters = (op.parameters ?? []).map((p: Json) => `${p.in} ${p.name}`);
    t.is(new Set(parameters).size, parameters.length, `${name}: parameters unique by location and name`);

    const base = ['paths', template, method.toLowerCase()];
    const compiles = (parts: string[]) => t.notThrows(() => schemas.at([...base, ...parts]), `${name}: ${parts.join(' ')}`);
    (op.parameters ?? []).forEach((_: Json, i: number) => compiles(['parameters', String(i), 'schema']));
    for (const media of Object.keys(op.requestBody?.content ?? {})) compiles(['requestBody', 'content', media, 'schema']);
    t.truthy(Object.keys(op.responses).some((s) => s.startsWith('2')), `${name}: a success response`);
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      t.is(typeof response.description, 'string', `${name}: response ${status} has its (required) description`);
      for (const media of Object.keys(response.content ?? {})) compiles(['responses', status, 'content', media, 'schema']);
    }
  }
});

test('the document and the router serve the same operations', (t) => {
  // The app as startGateway builds it, over the running gateway's services.
  const app = createApp(gw.gateway.services, allRoutes(gw.gateway.services, gw.url));
  const dispatch = (app.middleware as (Koa.Middleware & { router?: Router })[]).find((m) => m.router);
  const routed = dispatch!.router!.stack.flatMap((layer) =>
    layer.methods
      // koa-router answers HEAD for every GET by itself; OpenAPI leaves it implied as well.
      .filter((m) => m !== 'HEAD')
      .map((m) => `${m} ${String(layer.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
  );
  const documented = operationsOf(doc).map((o) => `${o.method} ${o.template}`);
  t.deepEqual([...routed].sort(), [...documented].sort());
  t.is(new Set(routed).size, routed.length, 'no route is mounted twice');
});

test('every response of every operation, successes and refusals, matches the document', async (t) => {
  const conformance = new Conformance(doc);
  const call = conformance.client(httpClient(gw.url));
  const demo = await seedDemo(call, GOVERNANCE, { startedAt: Date.now(), tokens: {} }, async () => undefined);
  const tokenOf = (key: DemoAgencyKey) => demo.tokens.find((x) => x.label === DEMO_AGENCIES[key].name)!.token;
  const [market, zhengzhou, luoyang, bigData] = (['market', 'zhengzhou', 'luoyang', 'bigData'] as const).map(tokenOf);
  const ok = async (c: ApiCall, status = 200) => expectStatus(await call(c), status, `${c.method} ${c.path}`);
  const get = (path: string, token?: string) => ok({ method: 'GET', path, ...(token && { token }) });
  const post = (path: string, json: unknown, token?: string, status = 200) => ok({ method: 'POST', path, json, ...(token && { token }) }, status);

  // What the seed made, as the API answered it.
  const licences = conformance.successes('postV1Licences').map((b) => b.record);
  const licenceOf = (holder: number) => licences.find((l) => l.holderName === DEMO_HOLDERS[holder]!.name)!;
  const [valid, suspended, revoked] = [0, 1, 2].map(licenceOf);
  const renewed = conformance.successes('postV1LicencesIdRenew')[0].record;
  const sealing = conformance.successes('postV1SealedDocuments')[0].record;
  const anchor = conformance.successes('postV1Anchors')[0].batch;
  const ids = Object.fromEntries(Object.entries(DEMO_AGENCIES).map(([key, a]) => [key, a.agencyId])) as Record<DemoAgencyKey, string>;

  await get('/openapi.json');
  await get('/healthz');
  await get('/metrics');
  await get('/v1/gateway/key');

  // Agencies: keys rotated and revoked, suspension and reinstatement, on an agency of the test's own.
  await get(`/v1/agencies/${ids.market}`);
  const kaifeng = randomUscc('410200');
  const registered = await post(
    '/v1/agencies',
    { agencyId: kaifeng, name: '开封市行政审批服务局', regionCode: '410200', mspId: 'HenanProvinceMSP', roles: ['consumer'] },
    GOVERNANCE,
    201,
  );
  const firstKey = registered.record.keys[0].keyId;
  await post(`/v1/agencies/${kaifeng}/keys`, {}, registered.token, 201);
  await post(`/v1/agencies/${kaifeng}/keys`, {}, GOVERNANCE, 201);
  await post(`/v1/agencies/${kaifeng}/keys/${firstKey}/revoke`, { reason: '密钥轮换后停用' }, GOVERNANCE);
  await post(`/v1/agencies/${kaifeng}/suspend`, { reason: '机构调整' }, GOVERNANCE);
  // A suspended agency's token is refused wherever it is presented, public routes included.
  expectStatus(await call({ method: 'GET', path: `/v1/agencies/${kaifeng}`, token: registered.token }), 403, 'a suspended agency\u2019s token');
  await post(`/v1/agencies/${kaifeng}/reinstate`, { reason: '调整完成' }, GOVERNANCE);
  // Its tokens: a second one issued (as when the first is lost), listed, and revoked by the agency itself.
  const spare = await post(`/v1/agencies/${kaifeng}/tokens`, { label: '备用令牌' }, GOVERNANCE, 201);
  await get(`/v1/agencies/${kaifeng}/tokens`, GOVERNANCE);
  await post(`/v1/agencies/${kaifeng}/tokens/${spare.id}/revoke`, { reason: '不再使用' }, registered.token);

  // Licences: reads, listings, the one status change the seed leaves out, and verification three ways.
  await get(`/v1/licences/${valid.licenceId}`);
  await get(`/v1/licences/${renewed.licenceId}?versions=all`);
  await get(`/v1/licences?issuer=${ids.market}&type=${LICENCE_TYPES.businessLicence.code}`);
  await get(`/v1/licences?holder=${valid.holder.commitment}`, market);
  await post('/v1/holders/commitment', { codeType: '001', code: DEMO_HOLDERS[0].code }, market);
  await post('/v1/licences/holder-lookup', { holderCodeType: '001', holderCode: DEMO_HOLDERS[0].code }, market);
  await post(`/v1/licences/${suspended.licenceId}/reinstate`, { reason: '已完成整改' }, market);
  // Every verdict the seed's licences give (valid, suspended, revoked, cancelled, expired, superseded) and not_found.
  for (const { licenceId } of [...licences, renewed]) await post('/v1/verify/licence', { id: licenceId });
  const unknownLicence = buildLicenceId({ licenceTypeCode: LICENCE_TYPES.businessLicence.code, issuerCode: ids.market, serialNumber: '99999999999', version: '001' });
  t.is((await post('/v1/verify/licence', { id: unknownLicence })).verdict, 'not_found');
  await post('/v1/verify/licence', { id: valid.licenceId, documentSm3: valid.document.sm3 });
  const licenceFile = new FormData();
  licenceFile.set('id', valid.licenceId);
  licenceFile.set('file', new Blob([`%PDF-1.7 demo ${LICENCE_TYPES.businessLicence.name} ${valid.licenceId}`]), 'licence.pdf');
  t.is((await ok({ method: 'POST', path: '/v1/verify/licence', form: licenceFile })).verdict, 'valid');
  await get(`/v1/verify/licence?id=${valid.licenceId}`);

  // Seals and sealed documents: by recorded sealing, by the sealed document itself, and by upload.
  await get('/v1/seals/ZZ-GZ-2026-0001');
  // Before and after its seal's revocation, and a sealing never recorded.
  for (const { sealingId } of conformance.successes('postV1SealedDocuments').map((b) => b.record)) await post('/v1/verify/sealed-document', { sealingId });
  await post('/v1/verify/sealed-document', { sealingId: '0'.repeat(32) });
  const { documentSm3, sealId, signTime, sealSignature } = sealing;
  await post('/v1/verify/sealed-document', { documentSm3, sealId, signTime, sealSignature });
  const sealedFile = new FormData();
  sealedFile.set('sealingId', sealing.sealingId);
  sealedFile.set('document', new Blob(['准予行政许可决定书 2026-001']), 'decision.pdf');
  t.is((await ok({ method: 'POST', path: '/v1/verify/sealed-document', form: sealedFile })).verdict, 'valid');

  // Sealed OFDs: verified, their seal picture, and a sealing anchored and verified again.
  const ofdForm = () => {
    const form = new FormData();
    form.set('file', new Blob([Buffer.from(sampleFile(SAMPLES.kingGrid))]), 'sealed.ofd');
    return form;
  };
  t.is((await ok({ method: 'POST', path: '/v1/verify/ofd', form: ofdForm() })).verdict, 'valid');
  await ok({ method: 'POST', path: '/v1/verify/ofd/seal-picture?signature=1', form: ofdForm() });
  await ok({ method: 'POST', path: '/v1/sealed-documents/ofd', token: zhengzhou, form: ofdForm() }, 201);
  t.true((await ok({ method: 'POST', path: '/v1/verify/ofd', form: ofdForm() })).ledger.recorded);

  // Receipts: the objection steps the seed leaves out (an answer, a withdrawal), reads and provenance.
  await post('/v1/receipts/LY-ZZ-2026-0005/resolution', { objectionId: 1, outcome: 'rejected', reason: '经核对登记状态无误' }, zhengzhou);
  await post('/v1/receipts/LY-ZZ-2026-0004/objections', { category: 'incomplete', reason: '缺少部分字段' }, luoyang);
  await post('/v1/receipts/LY-ZZ-2026-0004/withdrawal', { objectionId: 1 }, luoyang);
  await get('/v1/receipts/LY-ZZ-2026-0005');
  await get(`/v1/provenance?agency=${ids.zhengzhou}`);
  await get(`/v1/provenance?catalogItem=${encodeURIComponent('410100-SCJG-0004')}&from=2020-01-01&to=2099-12-31`);

  // Cases.
  await get('/v1/cases/KY-2026-000001');
  await get('/v1/cases?region=410100');
  await get('/v1/cases?region=410300&overdue=true');

  // Anchors: a second batch, so there is consistency to prove, and an inclusion proof checked back.
  await post('/v1/anchors', { description: '补充批次', leaves: [1, 2, 3].map((i) => sm3(`补充 ${i}`)) }, bigData, 201);
  await get(`/v1/anchors/checkpoint?agency=${ids.bigData}`);
  await get(`/v1/anchors/consistency?agency=${ids.bigData}&from=1000&to=1003`);
  const inclusion = await get(`/v1/anchors/${anchor.anchorId}/proof?leaf=${sm3('不动产登记电子证明 0')}`);
  const { leaf, leafIndex, treeSize, proof, root } = inclusion;
  t.true((await post('/v1/verify/proof', { leaf, leafIndex, treeSize, proof, root, anchorId: anchor.anchorId })).valid);
  t.false((await post('/v1/verify/proof', { leaf, leafIndex, treeSize, proof: [], root })).valid);

  // Offline evidence bundles of every kind, each of which verifies without the gateway.
  const bundles = [
    `/v1/licences/${revoked.licenceId}/evidence`,
    `/v1/sealed-documents/${sealing.sealingId}/evidence`,
    '/v1/receipts/LY-ZZ-2026-0005/evidence',
    `/v1/anchors/${anchor.anchorId}/evidence?leaf=${leaf}`,
  ];
  for (const path of bundles) t.deepEqual(verifyBundle(await get(path)).failures, [], path);
  // QR codes of a licence's and a sealing's verification page.
  for (const format of ['svg', 'png']) {
    await get(`/v1/licences/${valid.licenceId}/qr.${format}`);
    await get(`/v1/sealed-documents/${sealing.sealingId}/qr.${format}`);
  }

  // Audit: the history of a record of every kind, events and the signed report in both formats.
  const records = { agency: ids.market, licence: renewed.supersedes, seal: sealId, sealing: sealing.sealingId, receipt: 'LY-ZZ-2026-0005', case: 'KY-2026-000001', anchor: anchor.anchorId };
  for (const [kind, id] of Object.entries(records)) await get(`/v1/audit/history/${kind}/${encodeURIComponent(id)}`, GOVERNANCE);
  await get(`/v1/audit/events?agency=${ids.market}&limit=5`, GOVERNANCE);
  await get('/v1/audit/events', market);
  const period = `agency=${ids.market}&from=2020-01-01&to=2099-12-31`;
  await get(`/v1/audit/report?${period}&format=json`, GOVERNANCE);
  await get(`/v1/audit/report?${period}&format=csv`, bigData);
  t.true((await get('/v1/ledger/verification', GOVERNANCE)).valid);
  t.true((await get('/v1/audit/holder-reads', GOVERNANCE)).reads.length >= 3);

  // At least one refusal of every operation: malformed and unknown ids, missing or wrong tokens, bad bodies, wrong states.
  const unknownAgency = randomUscc();
  const delivery = { fingerprint: sm3('x'), recordCount: 1, scope: '测试', expiresAt: '2099-01-01T00:00:00Z' };
  const refusals: [ApiCall, number][] = [
    [{ method: 'GET', path: '/openapi.json', token: 'no-such-token' }, 401],
    [{ method: 'GET', path: '/healthz', token: 'no-such-token' }, 401],
    [{ method: 'GET', path: '/metrics', token: 'no-such-token' }, 401],
    [{ method: 'GET', path: '/v1/gateway/key', token: 'no-such-token' }, 401],
    [{ method: 'POST', path: '/v1/agencies', token: market, json: {} }, 403],
    [{ method: 'POST', path: '/v1/agencies', token: GOVERNANCE, json: { agencyId: 'not-a-code' } }, 400],
    [{ method: 'GET', path: `/v1/agencies/${unknownAgency}` }, 404],
    [{ method: 'POST', path: `/v1/agencies/${ids.market}/keys`, token: luoyang, json: {} }, 403],
    [{ method: 'POST', path: `/v1/agencies/${kaifeng}/keys/${'0'.repeat(32)}/revoke`, token: GOVERNANCE, json: { reason: '测试' } }, 422],
    [{ method: 'POST', path: `/v1/agencies/${kaifeng}/suspend`, json: { reason: '测试' } }, 401],
    [{ method: 'POST', path: `/v1/agencies/${unknownAgency}/reinstate`, token: GOVERNANCE, json: { reason: '测试' } }, 404],
    [{ method: 'POST', path: `/v1/agencies/${kaifeng}/tokens`, token: registered.token, json: {} }, 403],
    [{ method: 'GET', path: `/v1/agencies/${unknownAgency}/tokens`, token: GOVERNANCE }, 404],
    [{ method: 'POST', path: `/v1/agencies/${kaifeng}/tokens/${spare.id}/revoke`, token: GOVERNANCE, json: {} }, 409],
    [{ method: 'GET', path: `/v1/agencies/${kaifeng}/tokens`, token: spare.token }, 401],
    [{ method: 'POST', path: '/v1/licences', token: market, json: {} }, 400],
    [{ method: 'GET', path: '/v1/licences' }, 400],
    [{ method: 'POST', path: '/v1/licences/holder-lookup', json: { holderCodeType: '001', holderCode: 'x' } }, 401],
    [{ method: 'GET', path: '/v1/licences/not-a-licence-id' }, 400],
    [{ method: 'POST', path: `/v1/licences/${valid.licenceId}/renew`, json: { reason: '测试' } }, 401],
    [{ method: 'POST', path: `/v1/licences/${revoked.licenceId}/suspend`, token: market, json: { reason: '测试' } }, 409],
    [{ method: 'POST', path: `/v1/licences/${valid.licenceId}/reinstate`, token: market, json: { reason: '测试' } }, 409],
    [{ method: 'POST', path: `/v1/licences/${valid.licenceId}/revoke`, token: zhengzhou, json: { reason: '测试' } }, 403],
    [{ method: 'POST', path: '/v1/licences/not-a-licence-id/cancel', token: market, json: { reason: '测试' } }, 400],
    [{ method: 'POST', path: '/v1/verify/licence', json: {} }, 400],
    [{ method: 'GET', path: '/v1/verify/licence?id=not-a-licence-id' }, 400],
    [{ method: 'POST', path: '/v1/receipts', json: {} }, 401],
    [{ method: 'POST', path: '/v1/receipts/LY-ZZ-2026-0001/reply', token: luoyang, json: { decision: 'approved' } }, 403],
    [{ method: 'POST', path: '/v1/receipts/LY-ZZ-2026-9999/delivery', token: zhengzhou, json: { delivery } }, 404],
    [{ method: 'POST', path: '/v1/receipts/LY-ZZ-2026-0001/ack', token: luoyang, json: { delivery } }, 409],
    [{ method: 'POST', path: '/v1/receipts/LY-ZZ-2026-0001/objections', token: luoyang, json: { category: 'quality', reason: '测试' } }, 409],
    [{ method: 'POST', path: '/v1/receipts/LY-ZZ-2026-0005/resolution', token: zhengzhou, json: {} }, 400],
    [{ method: 'POST', path: '/v1/receipts/LY-ZZ-2026-0005/withdrawal', json: { objectionId: 1 } }, 401],
    [{ method: 'GET', path: '/v1/receipts/bad' }, 400],
    [{ method: 'GET', path: '/v1/receipts/LY-ZZ-2026-9999' }, 404],
    [{ method: 'GET', path: '/v1/provenance' }, 400],
    [{ method: 'POST', path: '/v1/cases', token: luoyang, json: {} }, 400],
    [{ method: 'POST', path: '/v1/cases/KY-2026-000001/transitions', token: zhengzhou, json: { action: 'fly' } }, 400],
    [{ method: 'GET', path: '/v1/cases/KY-2026-999999' }, 404],
    [{ method: 'GET', path: '/v1/cases' }, 400],
    [{ method: 'POST', path: '/v1/seals', json: {} }, 401],
    [{ method: 'GET', path: '/v1/seals/NO-SUCH-SEAL' }, 404],
    [{ method: 'POST', path: '/v1/seals/ZZ-HT-2026-0002/revoke', token: bigData, json: { reason: '测试' } }, 409],
    [{ method: 'POST', path: '/v1/sealed-documents', token: zhengzhou, json: { sealId: 'ZZ-GZ-2026-0001' } }, 400],
    [{ method: 'POST', path: '/v1/verify/sealed-document', json: {} }, 400],
    [{ method: 'POST', path: '/v1/verify/ofd', json: {} }, 400],
    [{ method: 'POST', path: '/v1/verify/ofd/seal-picture', json: {} }, 400],
    [{ method: 'POST', path: '/v1/sealed-documents/ofd', token: zhengzhou, form: ofdForm() }, 409],
    [{ method: 'POST', path: '/v1/anchors', token: bigData, json: { leaves: [] } }, 400],
    [{ method: 'GET', path: `/v1/anchors/checkpoint?agency=${unknownAgency}` }, 404],
    [{ method: 'GET', path: `/v1/anchors/consistency?agency=${ids.bigData}&from=7` }, 404],
    [{ method: 'GET', path: `/v1/anchors/${anchor.anchorId}/proof?leaf=${sm3('not anchored')}` }, 404],
    [{ method: 'POST', path: '/v1/verify/proof', json: {} }, 400],
    [{ method: 'GET', path: '/v1/licences/not-a-licence-id/evidence' }, 400],
    [{ method: 'GET', path: `/v1/licences/${unknownLicence}/qr.svg` }, 404],
    [{ method: 'GET', path: '/v1/licences/not-a-licence-id/qr.png' }, 400],
    [{ method: 'GET', path: `/v1/sealed-documents/${'0'.repeat(32)}/qr.svg` }, 404],
    [{ method: 'GET', path: '/v1/sealed-documents/XYZ/qr.png' }, 400],
    [{ method: 'GET', path: `/v1/sealed-documents/${'0'.repeat(32)}/evidence` }, 404],
    [{ method: 'GET', path: '/v1/receipts/LY-ZZ-2026-9999/evidence' }, 404],
    [{ method: 'GET', path: `/v1/anchors/${anchor.anchorId}/evidence?leaf=${sm3('not anchored')}` }, 404],
    [{ method: 'GET', path: `/v1/audit/history/licence/${valid.licenceId}` }, 401],
    [{ method: 'GET', path: '/v1/audit/history/unicorn/x', token: GOVERNANCE }, 400],
    [{ method: 'GET', path: `/v1/audit/events?agency=${ids.market}`, token: luoyang }, 403],
    [{ method: 'GET', path: `/v1/audit/report?agency=${ids.market}`, token: GOVERNANCE }, 400],
    [{ method: 'GET', path: '/v1/ledger/verification', token: market }, 403],
    [{ method: 'POST', path: '/v1/holders/commitment', json: { codeType: '001', code: DEMO_HOLDERS[0].code } }, 401],
    [{ method: 'GET', path: '/v1/audit/holder-reads', token: luoyang }, 403],
  ];
  const unexpected: string[] = [];
  for (const [c, status] of refusals) {
    const reply = await call(c);
    if (reply.status !== status) unexpected.push(`${c.method} ${c.path}: expected ${status}, got ${reply.status} ${reply.text}`);
  }
  t.deepEqual(unexpected, [], 'refusals with another status than expected');

  assertCoverage(t, conformance);
  t.log(`${conformance.operations.length} operations; ${conformance.validated} responses validated against the document`);
});

/** No reply outside the document, and every operation seen both succeeding and refusing. */
function assertCoverage(t: ExecutionContext, conformance: Conformance): void {
  t.deepEqual(conformance.problems, [], 'replies that break the document');
  const without = (want: (status: number) => boolean) =>
    conformance.operations.filter((o) => ![...(conformance.statuses.get(o.id) ?? [])].some(want)).map((o) => `${o.method} ${o.template}`);
  t.deepEqual(without((s) => s >= 200 && s < 300), [], 'operations never answered with a 2xx');
  t.deepEqual(without((s) => s >= 400 && s < 500), [], 'operations never answered with a 4xx');
}
