import anyTest, { type TestFn } from 'ava';
import { GOVERNANCE, startTestGateway, type TestGateway } from '../testing/harness';

/**
 * Operation-bound signatures over HTTP: every route that takes an agency-signed body declares the one
 * operation it submits as a `const`, and refuses a body naming another (400), signed or not.
 */
const test = anyTest as TestFn<{ gw: TestGateway; doc: any; token: string; agencyId: string }>;

/** Every agency-signed write route (OpenAPI path) and the operation its body authorises. */
const OPERATIONS: Record<string, string> = {
  '/v1/agencies/{id}/keys': 'agency.rotateKey',
  '/v1/agencies/{id}/keys/{keyId}/revoke': 'agency.revokeOwnKey',
  '/v1/licences': 'licence.issue',
  '/v1/licences/{id}/renew': 'licence.renew',
  '/v1/licences/{id}/suspend': 'licence.suspend',
  '/v1/licences/{id}/reinstate': 'licence.reinstate',
  '/v1/licences/{id}/revoke': 'licence.revoke',
  '/v1/licences/{id}/cancel': 'licence.cancel',
  '/v1/seals': 'seal.register',
  '/v1/seals/{id}/revoke': 'seal.revoke',
  '/v1/sealed-documents': 'seal.recordSealing',
  '/v1/sealed-documents/ofd': 'seal.recordOfdSealing',
  '/v1/anchors': 'anchor.anchor',
  '/v1/cases': 'case.create',
  '/v1/cases/{id}/transitions': 'case.transition',
  '/v1/receipts': 'receipt.request',
  '/v1/receipts/{id}/reply': 'receipt.reply',
  '/v1/receipts/{id}/delivery': 'receipt.delivery',
  '/v1/receipts/{id}/ack': 'receipt.acknowledge',
  '/v1/receipts/{id}/objections': 'receipt.object',
  '/v1/receipts/{id}/resolution': 'receipt.resolve',
  '/v1/receipts/{id}/withdrawal': 'receipt.withdraw',
};

test.before(async (t) => {
  const gw = await startTestGateway();
  const { token, agencyId } = await gw.registerAgency({ name: '郑州市大数据管理局', roles: ['consumer'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  t.context = { gw, doc: (await gw.request('GET', '/openapi.json')).body, token, agencyId };
});

test.after.always(async (t) => {
  await t.context.gw.stop();
});

/** The request body schema of POST `path` in the document. */
function bodySchema(doc: any, path: string): any {
  return doc.paths[path]?.post?.requestBody?.content['application/json'].schema;
}

test('each signed write route declares its operation as a const, and no other route takes one', (t) => {
  const { doc } = t.context;
  const declared = Object.keys(doc.paths).filter((path) => bodySchema(doc, path)?.properties?.operation !== undefined);
  t.deepEqual(declared.sort(), Object.keys(OPERATIONS).sort());
  for (const [path, operation] of Object.entries(OPERATIONS)) {
    t.is(bodySchema(doc, path).properties.operation.const, operation, path);
  }
});

test('every signed write route refuses a body naming another operation, signed or not, with 400', async (t) => {
  const { gw, token, agencyId } = t.context;
  const operations = Object.values(OPERATIONS);
  for (const [path, operation] of Object.entries(OPERATIONS)) {
    const url = path.replace('{id}', agencyId).replace('{keyId}', '0'.repeat(32));
    const other = operations[(operations.indexOf(operation) + 1) % operations.length]!;
    for (const signing of [{}, { requestId: 'op-bound-0001', agencyId, keyId: 'a'.repeat(32), signature: '0'.repeat(128) }]) {
      const reply = await gw.request('POST', url, { token, json: { ...signing, operation: other } });
      t.is(reply.status, 400, `${path}: ${reply.text}`);
      t.true(
        reply.body.error.details.issues.some((issue: { path: string; message: string }) => issue.path === 'operation' && issue.message.startsWith(`must be ${operation}`)),
        `${path} names its operation: ${reply.text}`,
      );
    }
  }
});

test('a body the gateway signs gets the route\u2019s operation; one the agency signs must carry it', async (t) => {
  const { gw, token, agencyId } = t.context;
  const receipt = { receiptId: 'RCPT-OP-HTTP-1', providerId: agencyId, catalogItemId: 'ITEM-1', shareClass: 'unconditional', purpose: '核验', legalBasis: '条例' };
  // Signed by the gateway with or without the operation named: the chain then judges the request itself.
  for (const body of [receipt, { ...receipt, operation: 'receipt.request' }]) {
    const reply = await gw.request('POST', '/v1/receipts', { token, json: body });
    t.is(reply.body.error.code, 'VALIDATION_FAILED', reply.text);
    t.regex(reply.body.error.message, /cannot request data from itself/, 'the request reached the chain with its operation');
  }
  const selfSigned = { ...receipt, requestId: 'op-bound-0002', agencyId, keyId: 'a'.repeat(32), signature: '0'.repeat(128) };
  const unbound = await gw.request('POST', '/v1/receipts', { token, json: selfSigned });
  t.is(unbound.status, 400, unbound.text);
  t.regex(unbound.body.error.message, /^body\.operation: a signed body must carry operation = "receipt\.request"/);
  t.is((await gw.request('POST', '/v1/receipts', { token: GOVERNANCE, json: { ...receipt, operation: 'receipt.request' } })).status, 403);
});
