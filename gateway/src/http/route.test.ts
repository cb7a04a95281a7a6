import test from 'ava';
import { connect } from 'node:net';
import { GOVERNANCE, randomUscc, withTestGateway, type TestGateway } from '../testing/harness';

/** Sends `head` (request line and headers, no body) as written, on its own connection; the status line and body of the answer. */
function rawRequest(gw: TestGateway, head: string[]): Promise<{ status: string; body: any }> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write([...head, 'Connection: close', '', ''].join('\r\n')));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: answer.split('\r\n')[0]!, body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) }));
  });
}

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
