import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOVERNANCE, randomUscc, startTestGateway } from './testing/harness';
import { issueBody, newIssuer } from './testing/licence-fixtures';
import { openGatewayDb, section } from './store';

/**
 * Leaves the gateway's database as a crash leaves it between a write's commit and the keeping of its
 * result: the result gone, the write's intent (its transaction ids) kept. `txIds` as the intent names them.
 */
async function crashBeforeKeeping(dataDir: string, slot: string, txIds: (first: string) => string[]): Promise<void> {
  const db = await openGatewayDb(join(dataDir, 'gateway'));
  try {
    const results = section<{ fingerprint: string; result: { transaction: { txId: string } } }>(db, 'idempotency');
    const stored = await results.get(slot);
    if (!stored) throw new Error(`no result kept under ${JSON.stringify(slot)}`);
    await results.del(slot);
    await section(db, 'intents').put(slot, { fingerprint: stored.fingerprint, txIds: txIds(stored.result.transaction.txId) });
  } finally {
    await db.close();
  }
}

/** What the gateway keeps as `slot`'s fingerprint for a registration, learnt on a gateway of its own. */
async function registrationFingerprint(body: Record<string, unknown>, slot: string): Promise<string> {
  const gw = await startTestGateway();
  try {
    const reply = await gw.request('POST', '/v1/agencies', { token: GOVERNANCE, json: body });
    if (reply.status !== 201) throw new Error(reply.text);
  } finally {
    await gw.stop({ keepData: true });
  }
  const db = await openGatewayDb(join(gw.dataDir, 'gateway'));
  try {
    return (await section<{ fingerprint: string }>(db, 'idempotency').get(slot))!.fingerprint;
  } finally {
    await db.close();
    await rm(gw.dataDir, { recursive: true, force: true });
  }
}

test('a retry after a crash between commit and keeping the result gets the first result, for agency and governance writes', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-settle-'));
  let gw = await startTestGateway({ dataDir });
  try {
    const issuer = await newIssuer(gw);
    const licence = { ...issueBody(issuer), requestId: `settle-${randomBytes(6).toString('hex')}` };
    const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: licence });
    t.is(issued.status, 201, issued.text);
    const suspend = { reason: '年度报告逾期', requestId: `gov-${randomBytes(6).toString('hex')}` };
    const suspended = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/suspend`, { token: GOVERNANCE, json: suspend });
    t.is(suspended.status, 200, suspended.text);
    const reinstated = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/reinstate`, { token: GOVERNANCE, json: { reason: '已整改' } });
    t.is(reinstated.status, 200, reinstated.text);

    await gw.stop({ keepData: true });
    // Earlier tries that never reached the ledger come first in the intent: they are passed over.
    const withEarlierTry = (first: string) => [randomBytes(32).toString('hex'), first];
    await crashBeforeKeeping(dataDir, `${issuer.agencyId}\u0000${licence.requestId}`, withEarlierTry);
    await crashBeforeKeeping(dataDir, `governance\u0000${suspend.requestId}`, (first) => [first]);
    gw = await startTestGateway({ dataDir });

    const again = await gw.request('POST', '/v1/licences', { token: issuer.token, json: licence });
    t.is(again.status, 201, again.text);
    t.deepEqual(again.body, issued.body, 'the first result, as returned then');
    const suspendAgain = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/suspend`, { token: GOVERNANCE, json: suspend });
    t.is(suspendAgain.status, 200, suspendAgain.text);
    t.deepEqual(suspendAgain.body, suspended.body, 'the first result, not the agency as it is now (reinstated)');

    const history = await gw.request('GET', `/v1/audit/history/licence/${licence.licenceId}`, { token: GOVERNANCE });
    t.deepEqual(history.body.versions.map((v: { txId: string }) => v.txId), [issued.body.transaction.txId], 'written once');
    const other = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/suspend`, { token: GOVERNANCE, json: { ...suspend, reason: '另一个理由' } });
    t.is(other.status, 409);
    t.is(other.body.error.code, 'REPLAY', 'another request under the same request id is still a replay');
  } finally {
    await gw.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a write whose intent was kept but which never reached the ledger is written, once, by its retry', async (t) => {
  const agencyId = randomUscc('410100');
  const body = { agencyId, name: '郑州市测试局', regionCode: '410100', mspId: 'ZhengzhouMSP', roles: ['consumer'], requestId: `reg-${randomBytes(6).toString('hex')}` };
  const slot = `governance\u0000${body.requestId}`;
  const fingerprint = await registrationFingerprint(body, slot);
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-settle-'));
  await (await startTestGateway({ dataDir })).stop({ keepData: true });
  // As a crash after the intent was kept and before its transaction was sent leaves it.
  const db = await openGatewayDb(join(dataDir, 'gateway'));
  await section(db, 'intents').put(slot, { fingerprint, txIds: [randomBytes(32).toString('hex')] });
  await db.close();
  const gw = await startTestGateway({ dataDir });
  try {
    const retry = await gw.request('POST', '/v1/agencies', { token: GOVERNANCE, json: body });
    t.is(retry.status, 201, retry.text);
    t.truthy(retry.body.token, 'a new registration shows its token');
    const history = await gw.request('GET', `/v1/audit/history/agency/${agencyId}`, { token: GOVERNANCE });
    t.deepEqual(history.body.versions.map((v: { txId: string }) => v.txId), [retry.body.transaction.txId], 'written once');
    const replay = await gw.request('POST', '/v1/agencies', { token: GOVERNANCE, json: body });
    t.deepEqual(replay.body.transaction, retry.body.transaction);
    t.is(replay.body.token, undefined, 'its token is not shown again');
  } finally {
    await gw.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
