import test from 'ava';
import { GOVERNANCE, randomUscc, withTestGateway } from '../testing/harness';
import { rawRequest } from '../testing/raw-request';

test('a JSON POST without a body is read as an empty body, whether it says Content-Length: 0 or nothing', async (t) => {
  await withTestGateway(async (gw) => {
    const head = [`POST /v1/agencies/${randomUscc()}/suspend HTTP/1.1`, 'Host: gateway', `Authorization: Bearer ${GOVERNANCE}`, 'Content-Type: application/json'];
    const unsaid = await rawRequest(gw, head);
    t.is(unsaid.status, 'HTTP/1.1 400 Bad Request');
    t.is(unsaid.body.error.code, 'VALIDATION_FAILED');
    t.regex(unsaid.body.error.message, /^body\.reason: /);
    t.deepEqual(await rawRequest(gw, [...head, 'Content-Length: 0']), unsaid);
    // Without a JSON Content-Type the body is not read: 415 still.
    t.is((await rawRequest(gw, head.slice(0, 3))).status, 'HTTP/1.1 415 Unsupported Media Type');
  });
});
