import test from 'ava';
import { startTestGateway } from './testing/harness';

test('an anchor batch body is read only for an authenticated caller', async (t) => {
  const gw = await startTestGateway();
  try {
    // Without a token the body is never parsed: 401, not the parser's verdict on the bytes.
    const reply = await gw.request('POST', '/v1/anchors', { raw: '{"leaves": [', contentType: 'application/json' });
    t.is(reply.status, 401);
    t.is(reply.body.error.code, 'UNAUTHENTICATED');
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
