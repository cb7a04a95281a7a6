import test from 'ava';
import { join } from 'node:path';
import { flipStoredByte } from '@henan-chain/embedded-ledger/dist/test-support';
import { GOVERNANCE, startTestGateway } from '../testing/harness';

/** Block records are u64 number | u32+previousHash | u32+dataHash ...: the first byte of the stored data hash. */
const DATA_HASH_OFFSET = 8 + 4 + 32 + 4;

test('an untampered chain verifies with its counts; a byte changed in a stored block or transaction is reported at exactly that block', async (t) => {
  const gw = await startTestGateway();
  let stopped = false;
  t.teardown(() => (stopped ? undefined : gw.stop()));
  const plain = await gw.registerAgency({ name: '开封市市场监督管理局', roles: ['provider'] });
  const auditor = await gw.registerAgency({ name: '河南省审计厅', roles: ['auditor'] });
  const height = await gw.gateway.services.ledger.height();

  t.is((await gw.request('GET', '/v1/ledger/verification')).status, 401);
  const refused = await gw.request('GET', '/v1/ledger/verification', { token: plain.token });
  t.is(refused.status, 403, refused.text);
  t.is(refused.body.error.code, 'FORBIDDEN');
  for (const token of [GOVERNANCE, auditor.token]) {
    const reply = await gw.request('GET', '/v1/ledger/verification', { token });
    t.is(reply.status, 200, reply.text);
    t.like(reply.body, { valid: true, height: height.toString() });
    // Genesis holds the configuration; the chain's first transaction initialises it; two registrations follow.
    t.true(reply.body.transactions >= 4);
    t.regex(reply.body.tipHash, /^[0-9a-f]{64}$/);
  }

  // The block of the second registration, changed in two ways on two copies of one history.
  const { blockNumber } = (await gw.gateway.services.ledger.evidence(auditor.record.txId))!;
  await gw.stop({ keepData: true });
  stopped = true;
  for (const [what, where, check] of [
    ['its stored data hash', { block: blockNumber, offset: DATA_HASH_OFFSET }, 'dataHash'],
    ['the last byte of its transaction', { block: blockNumber, tx: 0, offset: -1 }, 'dataHash'],
  ] as const) {
    await flipStoredByte(join(gw.dataDir, 'ledger'), where);
    const again = await startTestGateway({ dataDir: gw.dataDir });
    try {
      const reply = await again.request('GET', '/v1/ledger/verification', { token: GOVERNANCE });
      t.is(reply.status, 200, reply.text);
      t.like(reply.body, { valid: false, height: height.toString(), broken: { block: blockNumber.toString(), check } }, what);
      t.not(reply.body.broken.expected, reply.body.broken.found, what);
    } finally {
      await again.stop({ keepData: true });
    }
    await flipStoredByte(join(gw.dataDir, 'ledger'), where); // flipped back: the next case starts from an intact chain
  }
  await gw.stop();
});
